// A revision file with an unknown operation: a compile error naming the
// file and the line.
const FILES: &[(&str, &str)] = retort_embed::embed!("tests/ui/broken");

fn main() {
    let _ = FILES;
}
