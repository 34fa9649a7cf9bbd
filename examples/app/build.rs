// `retort::embed!` includes each revision file, so editing one rebuilds the
// program; this makes cargo notice a new file in the folder too.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
