//! Every argument of every subcommand has a help line, and every subcommand
//! has an about line and one example in `after_help` that parses.

use clap::CommandFactory;

use crate::args::Cli;

/// Splits an example into words: double quotes group, `>` ends the command.
fn words(example: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in example.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '>' if !quoted => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if arg.is_hide_set() || id == "help" || id == "version" {
            continue;
        }
        if arg
            .get_help()
            .is_none_or(|h| h.to_string().trim().is_empty())
        {
            problems.push(format!("`{path}`: argument `{id}` has no help line"));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let sub_path = format!("{path} {}", sub.get_name());
        if sub.get_about().is_none() {
            problems.push(format!("`{sub_path}` has no about line"));
        }
        let after = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        match after.lines().find_map(|l| l.strip_prefix("Example: ")) {
            None => problems.push(format!("`{sub_path}` has no `Example: ` in its after_help")),
            Some(example) => {
                let argv = words(example);
                if argv.get(1).map(String::as_str) != Some(sub.get_name()) {
                    problems.push(format!(
                        "`{sub_path}`: the example `{example}` runs another command"
                    ));
                } else if let Err(e) = Cli::try_parse_from_argv(&argv) {
                    problems.push(format!(
                        "`{sub_path}`: the example `{example}` does not parse: {e}"
                    ));
                }
            }
        }
        walk(sub, &sub_path, problems);
    }
}

impl Cli {
    fn try_parse_from_argv(argv: &[String]) -> Result<Cli, clap::Error> {
        <Cli as clap::Parser>::try_parse_from(argv)
    }
}

#[test]
fn every_argument_has_help_and_every_command_an_example() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut problems = Vec::new();
    walk(&cmd, "retort", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_walk_sees_a_missing_help_line() {
    let cmd = clap::Command::new("retort").subcommand(
        clap::Command::new("x")
            .about("x")
            .after_help("Example: retort x")
            .arg(clap::Arg::new("bare").long("bare")),
    );
    let mut problems = Vec::new();
    walk(&cmd, "retort", &mut problems);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("argument `bare` has no help line")),
        "{problems:?}"
    );
}

#[test]
fn example_words() {
    assert_eq!(
        words(r#"retort revision -m "create users" --create users > f"#),
        [
            "retort",
            "revision",
            "-m",
            "create users",
            "--create",
            "users"
        ]
    );
}
