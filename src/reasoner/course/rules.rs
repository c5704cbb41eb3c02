//! The thresholds of the reasoning across visits, as cited data
//! (`assets/knowledge/course.json`): when a change in a 0-10 score is real, when local
//! treatment is not working, when a gap starts a new episode, when an outcome measure is
//! due, and how many remote sources an insight names. Each value keeps where it comes
//! from, so a clinic can see which are published and which are this notebook's rules.

use serde::Deserialize;

const COURSE_JSON: &str = include_str!("../../../assets/knowledge/course.json");

/// A threshold and where it comes from.
#[derive(Debug, Clone, Deserialize)]
pub struct Rule<T> {
    pub value: T,
    pub source: String,
}

/// The course's thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseRules {
    #[allow(dead_code)]
    about: String,
    /// A change of this much on the 0-10 scale is real; less is noise.
    pub real_change_points: Rule<u8>,
    /// Local treatment at this many visits without a real change is not working.
    pub local_visits: Rule<usize>,
    /// A longer gap between visits starts a new episode.
    pub episode_gap_days: Rule<i64>,
    /// A measure is due when none was filled in for this many days...
    pub measure_due_days: Rule<i64>,
    /// ...or this many visits.
    pub measure_due_visits: Rule<usize>,
    /// How many untreated remote sources an insight names.
    pub named_sources: Rule<usize>,
}

/// Why the course's thresholds cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CourseRulesError {
    #[error("assets/knowledge/course.json cannot be read: {0}")]
    Syntax(String),
    #[error("assets/knowledge/course.json: `{0}` has no source saying where it comes from")]
    Unsourced(&'static str),
    #[error("assets/knowledge/course.json: `{0}` must be at least 1")]
    Zero(&'static str),
}

impl CourseRules {
    /// The thresholds shipped with Upstream.
    pub fn builtin() -> &'static CourseRules {
        static BUILTIN: std::sync::OnceLock<CourseRules> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| match CourseRules::load(COURSE_JSON) {
            Ok(rules) => rules,
            Err(error) => panic!("the built-in course thresholds are invalid: {error}"),
        })
    }

    /// Reads and checks the thresholds: each with a source, none zero.
    pub fn load(text: &str) -> Result<CourseRules, CourseRulesError> {
        let rules: CourseRules =
            serde_json::from_str(text).map_err(|e| CourseRulesError::Syntax(e.to_string()))?;
        let sources = [
            ("real_change_points", &rules.real_change_points.source),
            ("local_visits", &rules.local_visits.source),
            ("episode_gap_days", &rules.episode_gap_days.source),
            ("measure_due_days", &rules.measure_due_days.source),
            ("measure_due_visits", &rules.measure_due_visits.source),
            ("named_sources", &rules.named_sources.source),
        ];
        if let Some((name, _)) = sources.iter().find(|(_, source)| source.trim().is_empty()) {
            return Err(CourseRulesError::Unsourced(name));
        }
        let values = [
            (
                "real_change_points",
                i64::from(rules.real_change_points.value),
            ),
            ("local_visits", rules.local_visits.value as i64),
            ("episode_gap_days", rules.episode_gap_days.value),
            ("measure_due_days", rules.measure_due_days.value),
            ("measure_due_visits", rules.measure_due_visits.value as i64),
            ("named_sources", rules.named_sources.value as i64),
        ];
        if let Some((name, _)) = values.iter().find(|(_, value)| *value < 1) {
            return Err(CourseRulesError::Zero(name));
        }
        Ok(rules)
    }

    /// The text shipped with Upstream, for `kb check` against a knowledge folder.
    pub fn builtin_text() -> &'static str {
        COURSE_JSON
    }
}
