use std::path::PathBuf;

use serde::Serialize;

use crate::Severity;

/// One risky operation: where it is, what can go wrong and the safer form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub revision: String,
    pub file: PathBuf,
    /// The line of the operation's `[[upgrade]]` table, when the file has one.
    pub line: Option<usize>,
    /// The operation as `show` describes it.
    pub operation: String,
    pub message: String,
    pub hint: String,
    /// The dialect's codes on the same concern of the same operation (the
    /// PostgreSQL lock a narrowing or a `SET NOT NULL` takes, the SQLite
    /// rebuild), folded into this finding: one finding per operation and
    /// concern. `severity` is the highest of the finding's codes.
    pub also: Vec<Also>,
}

/// A code folded into a [`Finding`] of the same operation and concern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Also {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub hint: String,
}

impl Finding {
    /// The finding's code, then the codes folded into it.
    pub fn codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.code).chain(self.also.iter().map(|a| a.code))
    }
}

/// The findings of a run, in revision then operation order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is an error (`retort lint` exits 1).
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}
