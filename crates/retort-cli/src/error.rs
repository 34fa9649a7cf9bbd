//! Errors as the user sees them, with the documented exit codes.

use std::fmt;

/// Exit code 1: the command ran and the answer is "no" (e.g. `check` found drift).
pub const EXIT_NO: u8 = 1;
/// Exit code 2: user error (bad config, bad target, bad file).
pub const EXIT_USER: u8 = 2;
/// Exit code 3: the database refused or failed.
pub const EXIT_DB: u8 = 3;

/// An error printed on stderr as `error: ...` with an optional `hint: ...` line.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn user(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USER,
            message: message.into(),
            hint: None,
        }
    }

    pub fn database(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_DB,
            message: message.into(),
            hint: None,
        }
    }

    pub fn no(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_NO,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}
