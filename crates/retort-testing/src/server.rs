//! Where the test servers are and whether a missing one is fatal.

use retort_core::Dialect;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// The URL of the server's admin database for `dialect` (`None` for SQLite,
/// which needs no server): `RETORT_TEST_PG_URL` / `RETORT_TEST_MYSQL_URL`, or
/// the project machines' defaults.
pub fn admin_url(dialect: Dialect) -> Option<String> {
    let (var, default) = match dialect {
        Dialect::Postgres => ("RETORT_TEST_PG_URL", DEFAULT_PG_URL),
        Dialect::Mysql => ("RETORT_TEST_MYSQL_URL", DEFAULT_MYSQL_URL),
        Dialect::Sqlite => return None,
    };
    Some(
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| default.to_owned()),
    )
}

/// Whether tests run under CI (`CI` set, non-empty, not `0`/`false`): a
/// missing server is then a failure, not a skip.
pub fn ci() -> bool {
    flag("CI")
}

pub(crate) fn flag(var: &str) -> bool {
    std::env::var(var)
        .map(|v| {
            let v = v.trim();
            !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
        })
        .unwrap_or(false)
}

/// `url` with its database (the path) replaced by `database`, query kept.
pub(crate) fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[authority_start..]
        .find('/')
        .map(|i| authority_start + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `url` with any password replaced by `***`, for messages.
pub(crate) fn mask(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let at = match rest.find('@') {
        Some(at) if !rest[..at].contains('/') => at,
        _ => return url.to_owned(),
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@h/test?ssl-mode=disabled", "x"),
            "mysql://root@h/x?ssl-mode=disabled"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(mask("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(mask("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(mask("sqlite:///tmp/a@b"), "sqlite:///tmp/a@b");
    }
}
