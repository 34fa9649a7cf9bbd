// A valid folder embeds every file, with its text.
const FILES: &[(&str, &str)] = retort_embed::embed!("tests/ui/good");

fn main() {
    assert_eq!(FILES.len(), 1);
    assert_eq!(FILES[0].0, "20260101_000000_aaaaaaaaaaaa_users.toml");
    assert!(FILES[0].1.contains("op = \"create_table\""));
}
