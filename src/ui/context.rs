//! What the views read besides the state they draw: the reasoner, the vocabulary, the
//! reader's lexicon, the outcome measures' instruments and the body chart's drawing. The window makes one `ViewContext` and
//! passes it into each view's `ui`, so that no view reaches for a global.

use super::body_chart::Geometry;
use crate::model::reader::Lexicon;
use crate::model::{Instrument, Vocabulary};
use crate::reasoner::Reasoner;

/// The knowledge the views draw with, passed into their `ui` functions.
#[derive(Clone, Copy)]
pub struct ViewContext<'a> {
    /// Reads a visit (hypotheses, red flags), a patient's course and a hypothesis's zones.
    pub reasoner: &'a Reasoner<'a>,
    /// Names finding kinds, body regions and history flags.
    pub vocabulary: &'a Vocabulary,
    /// The reader's words, for the quick entries and the note's suggestions.
    pub lexicon: &'a Lexicon,
    /// The outcome measures' instruments, in the order the visit offers them.
    pub instruments: &'a [Instrument],
    /// The body chart's regions as drawn, or why they could not be read.
    pub body: Result<&'a Geometry, &'a str>,
}

impl<'a> ViewContext<'a> {
    /// The instrument with this code (`odi`), if the context has one.
    pub fn instrument(&self, code: &str) -> Option<&'a Instrument> {
        self.instruments.iter().find(|i| i.code == code)
    }
}

impl ViewContext<'static> {
    /// The knowledge built into this binary.
    pub fn builtin() -> Self {
        ViewContext {
            reasoner: Reasoner::builtin(),
            vocabulary: Vocabulary::builtin(),
            lexicon: Lexicon::builtin(),
            instruments: Instrument::all(),
            body: Geometry::builtin(),
        }
    }
}
