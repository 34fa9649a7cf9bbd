//! Colour on a terminal, never otherwise: not when the stream is a pipe or a
//! file, not with `NO_COLOR` set to anything non-empty (no-color.org), not
//! on a `dumb` terminal. Only the marks are coloured: `error:`,
//! `warning:`, `[destructive]`, and the lines of `check`'s diff.

use std::io::IsTerminal;

/// Which stream the text goes to: colour depends on whether it is a terminal.
#[derive(Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn enabled(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    terminal
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

fn paint(stream: Stream, code: &str, text: &str) -> String {
    if enabled(stream) {
        format!("{code}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// `error:` for the final message on stderr.
pub fn error_mark() -> String {
    paint(Stream::Stderr, &format!("{BOLD}{RED}"), "error:")
}

/// `warning: TEXT` on stderr.
pub fn warn(text: impl std::fmt::Display) {
    eprintln!("{} {text}", paint(Stream::Stderr, YELLOW, "warning:"));
}

/// ` [destructive]` after a change or an operation.
pub fn destructive_mark(stream: Stream) -> String {
    format!(" {}", paint(stream, RED, "[destructive]"))
}

/// A unified diff with `+` lines green, `-` lines red and hunk headers cyan.
pub fn diff(text: &str) -> String {
    if !enabled(Stream::Stdout) {
        return text.to_owned();
    }
    text.split_inclusive('\n')
        .map(|line| {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let code = if body.starts_with("+++") || body.starts_with("---") {
                BOLD
            } else if body.starts_with('+') {
                GREEN
            } else if body.starts_with('-') {
                RED
            } else if body.starts_with("@@") {
                CYAN
            } else {
                return line.to_owned();
            };
            format!("{code}{body}{RESET}{end}")
        })
        .collect()
}
