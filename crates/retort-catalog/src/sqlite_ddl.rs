//! What SQLite keeps only in the `CREATE TABLE` text: constraint names,
//! `CHECK` constraints and `AUTOINCREMENT`.
//!
//! SQLite's pragmas report unique constraints (as `sqlite_autoindex_*`
//! indexes), foreign keys and the primary key without their names, and no
//! pragma reports checks. This reads them from `sqlite_master.sql` with a
//! small tokenizer that knows quoting, comments and parentheses.

/// The constraints declared in one `CREATE TABLE` statement.
#[derive(Debug, Default, PartialEq)]
pub struct TableDdl {
    pub pk_name: Option<String>,
    pub autoincrement: bool,
    pub uniques: Vec<Declared>,
    pub foreign_keys: Vec<DeclaredFk>,
    pub checks: Vec<DeclaredCheck>,
}

#[derive(Debug, PartialEq)]
pub struct Declared {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub struct DeclaredFk {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
}

#[derive(Debug, PartialEq)]
pub struct DeclaredCheck {
    pub name: Option<String>,
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A bare word (compared case-insensitively) or a quoted identifier.
    Word {
        text: String,
        quoted: bool,
    },
    Open,
    Close,
    Comma,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn tokenize(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b'"' | b'`' | b'[' | b'\'' => {
                let close = if c == b'[' { b']' } else { c };
                let mut text = String::new();
                i += 1;
                let mut seg = i;
                while i < b.len() {
                    if b[i] == close {
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            text.push_str(&sql[seg..=i]);
                            i += 2;
                            seg = i;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                text.push_str(&sql[seg..i.min(b.len())]);
                i = (i + 1).min(b.len());
                let tok = if c == b'\'' {
                    Tok::Other
                } else {
                    Tok::Word { text, quoted: true }
                };
                out.push(Token { tok, start, end: i });
            }
            b'(' => {
                i += 1;
                out.push(Token {
                    tok: Tok::Open,
                    start,
                    end: i,
                });
            }
            b')' => {
                i += 1;
                out.push(Token {
                    tok: Tok::Close,
                    start,
                    end: i,
                });
            }
            b',' => {
                i += 1;
                out.push(Token {
                    tok: Tok::Comma,
                    start,
                    end: i,
                });
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                let text = sql[start..i].to_owned();
                out.push(Token {
                    tok: Tok::Word {
                        text,
                        quoted: false,
                    },
                    start,
                    end: i,
                });
            }
            _ => {
                i += 1;
                out.push(Token {
                    tok: Tok::Other,
                    start,
                    end: i,
                });
            }
        }
    }
    out
}

fn is_kw(t: &Token, kw: &str) -> bool {
    matches!(&t.tok, Tok::Word { text, quoted: false } if text.eq_ignore_ascii_case(kw))
}

fn word(t: &Token) -> Option<&str> {
    match &t.tok {
        Tok::Word { text, .. } => Some(text),
        _ => None,
    }
}

/// The index of the `Close` matching the `Open` at `open`.
fn matching(toks: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// Splits `toks` at top-level commas.
fn split_commas(toks: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut from = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            Tok::Comma if depth == 0 => {
                parts.push(&toks[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&toks[from..]);
    parts
}

/// The column names in a parenthesized list starting at `open`: the first
/// word of each item (`a COLLATE nocase DESC` is `a`).
fn column_list(toks: &[Token], open: usize) -> (Vec<String>, usize) {
    let close = matching(toks, open);
    let inner = &toks[(open + 1).min(close)..close.min(toks.len())];
    let cols = split_commas(inner)
        .into_iter()
        .filter_map(|item| item.first().and_then(word).map(str::to_owned))
        .collect();
    (cols, close)
}

/// Reads the constraints of a `CREATE TABLE` statement. Unparseable text
/// gives an empty result: the pragmas still describe the table.
pub fn parse(sql: &str) -> TableDdl {
    let toks = tokenize(sql);
    let mut ddl = TableDdl::default();
    let Some(open) = toks.iter().position(|t| t.tok == Tok::Open) else {
        return ddl;
    };
    let close = matching(&toks, open);
    let body = &toks[open + 1..close.min(toks.len())];
    for def in split_commas(body) {
        let Some(first) = def.first() else { continue };
        let table_constraint = ["constraint", "primary", "unique", "check", "foreign"]
            .iter()
            .any(|kw| is_kw(first, kw));
        if table_constraint {
            table_level(sql, def, &mut ddl);
        } else if let Some(col) = word(first) {
            column_level(sql, col, &def[1..], &mut ddl);
        }
    }
    ddl
}

fn text_between(sql: &str, toks: &[Token], open: usize, close: usize) -> String {
    match (toks.get(open), toks.get(close)) {
        (Some(o), Some(c)) => sql[o.end..c.start].trim().to_owned(),
        _ => String::new(),
    }
}

fn table_level(sql: &str, def: &[Token], ddl: &mut TableDdl) {
    let mut i = 0;
    let mut name = None;
    if is_kw(&def[0], "constraint") {
        name = def.get(1).and_then(word).map(str::to_owned);
        i = 2;
    }
    let Some(kind) = def.get(i) else { return };
    let open_at = |from: usize| (from..def.len()).find(|&j| def[j].tok == Tok::Open);
    if is_kw(kind, "primary") {
        ddl.pk_name = name;
        if def.iter().any(|t| is_kw(t, "autoincrement")) {
            ddl.autoincrement = true;
        }
    } else if is_kw(kind, "unique") {
        if let Some(o) = open_at(i) {
            let (columns, _) = column_list(def, o);
            ddl.uniques.push(Declared { name, columns });
        }
    } else if is_kw(kind, "check") {
        if let Some(o) = open_at(i) {
            let c = matching(def, o);
            ddl.checks.push(DeclaredCheck {
                name,
                expr: text_between(sql, def, o, c),
            });
        }
    } else if is_kw(kind, "foreign") {
        let Some(o) = open_at(i) else { return };
        let (columns, c) = column_list(def, o);
        let Some(r) = (c..def.len()).find(|&j| is_kw(&def[j], "references")) else {
            return;
        };
        if let Some(ref_table) = def.get(r + 1).and_then(word) {
            ddl.foreign_keys.push(DeclaredFk {
                name,
                columns,
                ref_table: ref_table.to_owned(),
            });
        }
    }
}

fn column_level(sql: &str, column: &str, rest: &[Token], ddl: &mut TableDdl) {
    let mut name: Option<String> = None;
    let mut i = 0;
    while i < rest.len() {
        let t = &rest[i];
        if is_kw(t, "constraint") {
            name = rest.get(i + 1).and_then(word).map(str::to_owned);
            i += 2;
            continue;
        }
        if is_kw(t, "primary") {
            ddl.pk_name = name.take();
        } else if is_kw(t, "autoincrement") {
            ddl.autoincrement = true;
        } else if is_kw(t, "unique") {
            ddl.uniques.push(Declared {
                name: name.take(),
                columns: vec![column.to_owned()],
            });
        } else if is_kw(t, "check") {
            if let Some(o) = (i..rest.len()).find(|&j| rest[j].tok == Tok::Open) {
                let c = matching(rest, o);
                ddl.checks.push(DeclaredCheck {
                    name: name.take(),
                    expr: text_between(sql, rest, o, c),
                });
                i = c + 1;
                continue;
            }
        } else if is_kw(t, "references") {
            if let Some(ref_table) = rest.get(i + 1).and_then(word) {
                ddl.foreign_keys.push(DeclaredFk {
                    name: name.take(),
                    columns: vec![column.to_owned()],
                    ref_table: ref_table.to_owned(),
                });
            }
        } else if t.tok == Tok::Open {
            // A type's arguments, a DEFAULT (...) or GENERATED AS (...): skip.
            i = matching(rest, i) + 1;
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_checks_and_autoincrement() {
        let ddl = parse(
            r#"CREATE TABLE "order items" (
                id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key, (not a constraint)
                email varchar(255) NOT NULL UNIQUE,
                code TEXT CONSTRAINT uq_code UNIQUE,
                price real(12, 2) DEFAULT (0) CHECK (price >= 0),
                "user id" integer REFERENCES users (id) ON DELETE CASCADE,
                owner integer CONSTRAINT fk_owner REFERENCES "users",
                a int, b int,
                CONSTRAINT uq_ab UNIQUE (a, b DESC),
                UNIQUE ([a]),
                CONSTRAINT ck_ab CHECK (a < b AND ')' <> '('),
                FOREIGN KEY (a, b) REFERENCES pairs (x, y)
            )"#,
        );
        assert!(ddl.autoincrement);
        assert_eq!(ddl.pk_name, None);
        let uniques: Vec<_> = ddl
            .uniques
            .iter()
            .map(|u| (u.name.as_deref(), u.columns.join(",")))
            .collect();
        assert_eq!(
            uniques,
            [
                (None, "email".into()),
                (Some("uq_code"), "code".into()),
                (Some("uq_ab"), "a,b".into()),
                (None, "a".into())
            ]
        );
        let checks: Vec<_> = ddl
            .checks
            .iter()
            .map(|c| (c.name.as_deref(), c.expr.as_str()))
            .collect();
        assert_eq!(
            checks,
            [
                (None, "price >= 0"),
                (Some("ck_ab"), "a < b AND ')' <> '('")
            ]
        );
        let fks: Vec<_> = ddl
            .foreign_keys
            .iter()
            .map(|f| (f.name.as_deref(), f.columns.join(","), f.ref_table.as_str()))
            .collect();
        assert_eq!(
            fks,
            [
                (None, "user id".into(), "users"),
                (Some("fk_owner"), "owner".into(), "users"),
                (None, "a,b".into(), "pairs")
            ]
        );
    }

    #[test]
    fn named_primary_key() {
        let ddl = parse("CREATE TABLE t (a int, b int, CONSTRAINT pk_t PRIMARY KEY (a, b))");
        assert_eq!(ddl.pk_name.as_deref(), Some("pk_t"));
        assert!(!ddl.autoincrement);
    }
}
