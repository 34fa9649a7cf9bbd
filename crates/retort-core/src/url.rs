//! Database URLs as they may be shown: never with a password.

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
///
/// Every message, log line and error that names a URL goes through this.
/// The URL is cut by its structure, never by searching for the password's
/// text: the credentials run from the scheme's `//` to the *last* `@` (a
/// password may hold an unescaped `@`, `/`, `:`, `#`, `?` or `%`), the user
/// ends at their first `:`, and exactly the rest is replaced by `***`. A
/// `password=` query parameter is hidden the same way. Nothing else changes.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let Some(at) = credentials_end(rest) else {
        return format!("{}{}", &url[..rest_start], redact_query(rest));
    };
    let userinfo = &rest[..at];
    let after = &rest[at..];
    let shown_userinfo = match userinfo.find(':') {
        Some(colon) => format!("{}:***", &userinfo[..colon]),
        None => userinfo.to_owned(),
    };
    format!(
        "{}{shown_userinfo}{}",
        &url[..rest_start],
        redact_query(after)
    )
}

/// Where the credentials of `rest` (the URL after `//`) end: its last `@`,
/// unless `rest` starts with `/` (an SQLite path, which has none).
fn credentials_end(rest: &str) -> Option<usize> {
    if rest.starts_with('/') {
        return None;
    }
    rest.rfind('@')
}

/// A `password=` query parameter is hidden too; `s` is the URL from its host on.
fn redact_query(s: &str) -> String {
    let Some(q) = s.find('?') else {
        return s.to_owned();
    };
    let (base, query) = s.split_at(q + 1);
    let (query, fragment) = match query.find('#') {
        Some(h) => query.split_at(h),
        None => (query, ""),
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect();
    format!("{base}{}{fragment}", parts.join("&"))
}

/// Why a server URL (PostgreSQL or MySQL) cannot be used, read by the same
/// structure as [`redact_url`]; `None` when it can. The message shows the URL
/// masked and ends in a `hint:` line.
///
/// The drivers cut the host at the first `/`, `?` or `#`, so such a
/// character in the password sends them to a wrong host or port; a port must
/// be a number up to 65535 and an IPv6 host an address in brackets.
pub fn url_problem(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let scheme = url[..scheme_end].split('+').next().unwrap_or("");
    if scheme.eq_ignore_ascii_case("sqlite") {
        return None;
    }
    let shown = redact_url(url);
    let rest = &url[scheme_end + 3..];
    let (userinfo, after) = match credentials_end(rest) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => ("", rest),
    };
    if let Some(c) = userinfo.chars().find(|c| matches!(c, '/' | '?' | '#')) {
        // Either the password holds `c`, or the path or query holds an `@`:
        // the drivers read the second, and either way one escape fixes it.
        return Some(format!(
            "`{shown}` has an `@` after a `{c}`, which ends the host part of a URL\nhint: percent-encode the `{c}` as `%{:02X}` if it is in the password, or the `@` as `%40` if it is in the path or query",
            c as u32
        ));
    }
    let host_port = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Some(format!(
                "the IPv6 host in `{shown}` has no closing `]`\nhint: write it as `[::1]` or `[::1]:5432`"
            ));
        };
        if inner[..close].parse::<std::net::Ipv6Addr>().is_err() {
            return Some(format!(
                "`[{}]` in `{shown}` is not an IPv6 address\nhint: write it as `[::1]` or `[::1]:5432`",
                &inner[..close]
            ));
        }
        let tail = &inner[close + 1..];
        match tail.strip_prefix(':') {
            Some(port) => (&inner[..close], Some(port)),
            None if tail.is_empty() => (&inner[..close], None),
            None => {
                return Some(format!(
                    "`{tail}` after the IPv6 host in `{shown}` is not a port\nhint: write it as `[::1]:5432`"
                ));
            }
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.contains(':') && !host_port.starts_with('[') {
        return Some(format!(
            "the host in `{shown}` holds `:`\nhint: write an IPv6 host in brackets, as `[::1]:5432`"
        ));
    }
    if let Some(port) = port
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        return Some(format!(
            "port `{port}` in `{shown}` is not a number from 0 to 65535\nhint: fix the port, or leave it out for the default"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{redact_url, url_problem};

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
            ("sqlite:///tmp/a@b:c.db", "sqlite:///tmp/a@b:c.db"),
            (
                "postgres://h/db?user=u&password=s3",
                "postgres://h/db?user=u&password=***",
            ),
            (
                "postgres://u:s3@h/db?password=s3&sslmode=disable",
                "postgres://u:***@h/db?password=***&sslmode=disable",
            ),
            // The issue's own cases: short passwords that occur elsewhere,
            // and unescaped `/`, `:`, `#`, `?`, `%`, `@` in a password.
            (
                "mysql://ceo_mask:mask@127.0.0.1:3306/ceo_mask_nodb",
                "mysql://ceo_mask:***@127.0.0.1:3306/ceo_mask_nodb",
            ),
            (
                "postgres://postgres:p@ss/w:rd#x@host/db",
                "postgres://postgres:***@host/db",
            ),
            (
                "postgres://u:1@127.0.0.1:1/db1",
                "postgres://u:***@127.0.0.1:1/db1",
            ),
            ("postgres://u:a?b@h/db", "postgres://u:***@h/db"),
            ("postgres://u:a%zz@h/db", "postgres://u:***@h/db"),
            ("postgres://u:a:b:c@h/db", "postgres://u:***@h/db"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn url_problems() {
        for ok in [
            "postgres://u:p@h/db",
            "postgres://u:p@ss@h:5432/db",
            "mysql://root@127.0.0.1:3306/test",
            "postgres://h/db?password=x",
            "postgres://[::1]:5432/db",
            "postgres://u@[::1]/db",
            "sqlite:///tmp/a?b#c.db",
            "sqlite::memory:",
        ] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
        for (bad, says) in [
            (
                "postgres://u:a/b@h/db",
                "`postgres://u:***@h/db` has an `@` after a `/`",
            ),
            ("postgres://h/db?application_name=a@b", "the `@` as `%40`"),
            ("postgres://u:a?b@h/db", "%3F"),
            ("postgres://u:a#b@h/db", "%23"),
            ("postgres://u@h:99999/db", "port `99999`"),
            ("postgres://u@h:x/db", "port `x`"),
            ("postgres://u@[::1/db", "no closing `]`"),
            ("postgres://u@[zz::1]/db", "not an IPv6 address"),
            ("postgres://u@::1/db", "in brackets"),
        ] {
            let got = url_problem(bad).unwrap_or_default();
            assert!(got.contains(says), "{bad}: {got}");
            assert!(got.contains("\nhint: "), "{bad}: {got}");
        }
    }
}
