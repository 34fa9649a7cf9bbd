//! A revision's own bounds on its DDL: `lock_timeout`, `statement_timeout`
//! and `retries`, as written at the top of its file.

use std::time::Duration;

/// The safety keys of one revision file; `None` falls back to the
/// `[safety]` defaults of `alembic.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevisionSafety {
    /// How long each statement waits for a lock before it fails.
    pub lock_timeout: Option<Duration>,
    /// How long each statement may run.
    pub statement_timeout: Option<Duration>,
    /// How many times the revision is run again after a lock timeout.
    pub retries: Option<u32>,
}

/// Parses a duration written `"500ms"`, `"5s"`, `"2min"` or `"1h"` (a
/// whole number and a unit). Zero is refused: PostgreSQL reads it as "no
/// limit", the opposite of what it says.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let hint = "write a whole number and a unit: `500ms`, `5s`, `2min` or `1h`";
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration\nhint: {hint}"))?;
    let d = match unit.trim() {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "min" | "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return Err(format!("`{text}` has no known unit\nhint: {hint}")),
    };
    if d.is_zero() {
        return Err(format!(
            "`{text}` is zero, which PostgreSQL reads as no limit at all\nhint: leave the key out for no limit"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["", "5", "s", "5 years", "-1s", "0s", "1.5s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
