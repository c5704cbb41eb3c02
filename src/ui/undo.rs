//! The open visit's undo history: the visit as it was before each change (undo) and as it
//! was before each undo (redo). A run of keystrokes in the note is one step; opening
//! another visit starts afresh. Taking a step back puts the whole visit back through the
//! notebook's operations (`notebook::restore_visit`), in one call.

use super::Action;
use crate::model::{VisitId, VisitRecord};
use crate::notebook::{self, NotebookError};
use crate::store::{Actor, Store};

/// Which way `UndoHistory::restore` steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Undo,
    Redo,
}

#[derive(Debug, Default)]
pub struct UndoHistory {
    /// The open visit as it was before each change, newest last.
    undo: Vec<VisitRecord>,
    /// The open visit as it was before each undo, newest last.
    redo: Vec<VisitRecord>,
    /// Whether the last change was typing in the note, so the next keystroke joins it.
    typing: bool,
}

impl UndoHistory {
    /// Keeps the open visit `open` as it is now, when `action` is about to change it.
    /// `carrying_over`: the visit a carry-over waits for, if one does.
    pub fn remember_for_undo(
        &mut self,
        open: Option<&VisitRecord>,
        carrying_over: Option<VisitId>,
        action: &Action,
    ) {
        let Some(record) = open else {
            return;
        };
        let visit = record.visit.id;
        let changes_visit = match action {
            Action::UpdateVisit(v) => v.id == visit,
            Action::AddFinding(f) | Action::UpdateFinding(f) => f.visit_id == visit,
            Action::AddFindings(fs) => fs.iter().any(|f| f.visit_id == visit),
            Action::ChartFindings { visit: v, .. }
            | Action::ChartInterventions { visit: v, .. } => *v == visit,
            Action::CarryOver => carrying_over == Some(visit),
            Action::ConfirmCarriedOver(v) => *v == visit,
            Action::AddIntervention(i) => i.visit_id == visit,
            Action::DeleteFinding(id) => record.findings.iter().any(|f| f.id == *id),
            Action::DeleteIntervention(id) => record.interventions.iter().any(|i| i.id == *id),
            Action::AddMeasure(m) => m.visit_id == visit,
            Action::DeleteMeasure(id) => record.measures.iter().any(|m| m.id == *id),
            Action::ChartClick { visit: v, .. } => *v == visit,
            _ => false,
        };
        let typing = matches!(action, Action::UpdateVisit(_));
        if changes_visit && !(typing && self.typing) {
            self.undo.push(record.clone());
            self.redo.clear();
        }
        if changes_visit || matches!(action, Action::Undo | Action::Redo) {
            self.typing = typing;
        }
    }

    /// Takes the open visit `current` one step back (or forward again), putting the visit
    /// it was back in the notebook; `current` is kept for the step the other way.
    pub fn restore(
        &mut self,
        step: Step,
        current: Option<&VisitRecord>,
        store: &mut Store,
        by: &Actor,
    ) -> Result<(), NotebookError> {
        let (from, to) = match step {
            Step::Undo => (&mut self.undo, &mut self.redo),
            Step::Redo => (&mut self.redo, &mut self.undo),
        };
        if let (Some(earlier), Some(current)) = (from.pop(), current) {
            to.push(current.clone());
            notebook::restore_visit(store, by, &earlier)?;
        }
        Ok(())
    }

    /// Undo works within the open visit; opening another starts afresh.
    pub fn forget(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.typing = false;
    }
}
