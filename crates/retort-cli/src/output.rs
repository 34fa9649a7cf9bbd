//! Writing data to stdout without panicking when the reader goes away.
//!
//! `println!` panics when stdout is a closed pipe (`retort history | head`).
//! `out!` and `outln!` write through
//! [`write`] instead: a closed pipe ends the output quietly (the command
//! still finishes what it is doing, so an upgrade is never cut off half way
//! because its reader left), and any other write error, such as a full disk
//! under `upgrade --sql > file`, is a [`CliError`].

use std::fmt;
use std::io::{ErrorKind, Write};

use crate::error::CliError;

/// Writes `args` to stdout; see the module docs.
pub(crate) fn write(args: fmt::Arguments<'_>) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(CliError::user(format!(
            "cannot write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// `print!` that returns `Result<(), CliError>` instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write(format_args!($($arg)*))
    };
}

/// `println!` that returns `Result<(), CliError>` instead of panicking.
macro_rules! outln {
    () => {
        $crate::output::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}
