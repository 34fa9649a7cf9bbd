//! Database URLs as they may be shown: never with a password.

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
///
/// Every message, log line and error that names a URL goes through this.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    // The authority ends at the first '/', '?' or '#'; the password may hold '@'.
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let Some(at) = authority.rfind('@') else {
        return redact_query(url);
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return redact_query(url);
    };
    let shown = format!(
        "{}{}:***{}",
        &url[..rest_start],
        &userinfo[..colon],
        &url[rest_start + at..]
    );
    redact_query(&shown)
}

/// A `password=` query parameter is hidden too.
fn redact_query(url: &str) -> String {
    let Some(q) = url.find('?') else {
        return url.to_owned();
    };
    let (base, query) = url.split_at(q + 1);
    let parts: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect();
    format!("{base}{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden() {
        for (url, shown) in [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            (
                "mysql://root:@127.0.0.1/test",
                "mysql://root:***@127.0.0.1/test",
            ),
            ("mysql://root@127.0.0.1/test", "mysql://root@127.0.0.1/test"),
            ("sqlite://app.db", "sqlite://app.db"),
            (
                "postgres://h/db?user=u&password=s3",
                "postgres://h/db?user=u&password=***",
            ),
        ] {
            assert_eq!(redact_url(url), shown);
            assert!(!redact_url(url).contains("secret"));
        }
    }
}
