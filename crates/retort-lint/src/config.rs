//! `[lint]` in `alembic.toml`: a severity per code, or `off`.

use std::collections::BTreeMap;

use crate::{LintError, Severity, code_info};

/// Per-code settings: a new severity, or `None` for a code turned off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    overrides: BTreeMap<&'static str, Option<Severity>>,
}

impl LintConfig {
    /// Reads `CODE = "off" | "info" | "warning" | "error"` pairs.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<LintConfig, LintError> {
        let mut overrides = BTreeMap::new();
        for (code, value) in pairs {
            let info = code_info(code).ok_or_else(|| LintError::UnknownConfigCode {
                code: code.to_owned(),
            })?;
            let level = match value {
                "off" => None,
                v => Some(v.parse().map_err(|()| LintError::BadSeverity {
                    code: code.to_owned(),
                    value: v.to_owned(),
                })?),
            };
            overrides.insert(info.code, level);
        }
        Ok(LintConfig { overrides })
    }

    /// The severity of `code` after the settings, `None` when it is off.
    pub fn severity(&self, code: &'static str, default: Severity) -> Option<Severity> {
        match self.overrides.get(code) {
            Some(level) => *level,
            None => Some(default),
        }
    }
}
