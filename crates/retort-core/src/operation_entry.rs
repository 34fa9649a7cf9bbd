//! One `[[upgrade]]` / `[[downgrade]]` table as written: the operation and
//! the lint findings its author accepted.

use serde::{Deserialize, Deserializer};

use crate::Operation;

/// The findings of `retort lint` an operation's author accepted:
/// `lint_ignore = ["RT102"]` with a `reason` beside the operation's fields.
///
/// Not part of the operation: it changes no schema, so it is left out of
/// revision checksums and of the operation's own serde form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LintIgnore {
    /// Finding codes to leave out for this operation.
    #[serde(default)]
    pub lint_ignore: Vec<String>,
    /// Why; `irreversible` shares its own `reason` field.
    #[serde(default)]
    pub reason: Option<String>,
}

impl LintIgnore {
    pub fn is_empty(&self) -> bool {
        self.lint_ignore.is_empty()
    }

    /// Whether this operation accepts findings with `code`.
    pub fn ignores(&self, code: &str) -> bool {
        self.lint_ignore
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    }
}

/// An operation table of a revision file: the [`Operation`] plus its
/// [`LintIgnore`]. Unknown fields are still refused, by the operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationEntry {
    pub op: Operation,
    pub lint: LintIgnore,
}

impl<'de> Deserialize<'de> for OperationEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `lint` is read first and takes its two fields out; the operation
        // sees the rest.
        #[derive(Deserialize)]
        struct Raw {
            #[serde(flatten)]
            lint: LintIgnore,
            #[serde(flatten)]
            op: Operation,
        }
        let Raw { lint, mut op } = Raw::deserialize(d)?;
        // `reason` is also a field of `irreversible`: there it is the step's own.
        if let Operation::Irreversible { reason } = &mut op
            && reason.is_none()
        {
            reason.clone_from(&lint.reason);
        }
        Ok(OperationEntry { op, lint })
    }
}
