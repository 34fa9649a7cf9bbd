use std::fmt;

/// SQL text produced by the renderer (identifiers quoted by it) or written
/// by the user in an `execute` step. `Display` is the text itself.
///
/// Only this crate makes values of this type, so hand-assembled SQL stands
/// out in review.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sql(String);

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Sql {
        Sql(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Sql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Sql {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
