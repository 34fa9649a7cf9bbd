//! `example-app`: reads `DATABASE_URL`, upgrades that database to head with
//! the revisions compiled into the program, and prints what it did.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!(
            "error: DATABASE_URL is not set\nhint: DATABASE_URL=sqlite://app.db?mode=rwc example-app"
        );
        return ExitCode::from(2);
    };
    match example_app::start(&url).await {
        Ok(s) => {
            if s.applied.is_empty() {
                println!("migrations: nothing to do, at {}", s.heads.join(", "));
            } else {
                println!(
                    "migrations: applied {} ({}), at {}",
                    s.applied.len(),
                    s.applied.join(", "),
                    s.heads.join(", ")
                );
            }
            println!("authors: {}, posts: {}", s.authors, s.posts);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
