//! The reasoner's results in words, the same for the window's side panel and the command
//! line: a hypothesis's title and evidence, and the findings a flag names by their index in
//! the case. Pure functions returning strings; each caller lays them out its own way.

use super::{FlagToScreen, Hypothesis, Weight};
use crate::model::{Finding, Side, Vocabulary};

/// The findings the reasoner's results name by index, with the words to name them in.
#[derive(Clone, Copy)]
pub struct FindingWords<'a> {
    /// The case's findings, in the order the reasoner read them.
    pub findings: &'a [Finding],
    pub vocabulary: &'a Vocabulary,
}

impl FindingWords<'_> {
    /// The finding at index `at` in words; `#3` for an index the case does not have.
    pub fn one(&self, at: usize) -> String {
        self.findings
            .get(at)
            .map_or_else(|| format!("#{at}"), |f| f.describe(self.vocabulary))
    }

    /// The findings at these indices, in words, joined by "; ".
    pub fn list(&self, at: &[usize]) -> String {
        let words: Vec<String> = at.iter().map(|&i| self.one(i)).collect();
        words.join("; ")
    }
}

/// How a finding's weight and likelihood ratio are set off after it: `[strong, x3.0]` on
/// the command line, `(strong, x3.0)` in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brackets {
    Square,
    Round,
}

impl Brackets {
    fn around(self, inner: &str) -> String {
        match self {
            Brackets::Square => format!("[{inner}]"),
            Brackets::Round => format!("({inner})"),
        }
    }
}

/// A hypothesis's evidence in words, each list joined by "; ".
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The findings it explains, each with its weight and likelihood ratio.
    pub explains: String,
    /// The present findings it leaves unexplained, each with the reported source that
    /// explains it, when one does; `None` when it explains them all.
    pub unexplained: Option<String>,
    /// The examined-and-absent findings it predicts, each with its weight and likelihood
    /// ratio (x0.3 counts more than x0.9); `None` when there are none.
    pub against: Option<String>,
}

impl Hypothesis {
    /// "1. Cervical radiculopathy (nerve root, left)  0.52": its rank (from 0), name, kind,
    /// side when the findings tell one, and score.
    pub fn title(&self, rank: usize) -> String {
        let side = match self.side {
            Side::None => String::new(),
            side => format!(", {}", side.code()),
        };
        format!(
            "{}. {} ({}{side})  {:.2}",
            rank + 1,
            self.name,
            self.kind.label(),
            self.score
        )
    }

    /// What speaks for and against it, in words.
    pub fn evidence(&self, words: FindingWords<'_>, brackets: Brackets) -> Evidence {
        // A finding with its weight and likelihood ratio, the ratio already rounded.
        let weighed = |finding: usize, weight: Weight, ratio: String| {
            let weight = format!("{}, x{ratio}", weight.code());
            format!("{} {}", words.one(finding), brackets.around(&weight))
        };
        let explains: Vec<String> = self
            .explains
            .iter()
            .map(|e| weighed(e.finding, e.weight, format!("{:.1}", e.ratio)))
            .collect();
        let unexplained: Vec<String> = self
            .unexplained
            .iter()
            .map(
                |&i| match self.unexplained_by.iter().find(|e| e.finding == i) {
                    Some(by) => format!("{} (explained by {})", words.one(i), by.name),
                    None => words.one(i),
                },
            )
            .collect();
        let against: Vec<String> = self
            .against
            .iter()
            .map(|a| weighed(a.finding, a.weight, format!("{:.2}", a.ratio)))
            .collect();
        let joined = |list: Vec<String>| (!list.is_empty()).then(|| list.join("; "));
        Evidence {
            explains: explains.join("; "),
            unexplained: joined(unexplained),
            against: joined(against),
        }
    }
}

impl FlagToScreen {
    /// "Cauda equina syndrome (if confirmed: emergency)".
    pub fn title(&self) -> String {
        format!("{} (if confirmed: {})", self.title, self.urgency.label())
    }
}
