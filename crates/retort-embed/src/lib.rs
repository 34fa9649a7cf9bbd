//! `retort::embed!("migrations")`: the revision files of a script location,
//! read and checked when the program compiles and compiled into it, so the
//! migrator runs with no files beside the binary.
//!
//! The path is relative to the crate's `Cargo.toml` (`CARGO_MANIFEST_DIR`;
//! `RETORT_EMBED_BASE_DIR`, when set, replaces it: the macro's own
//! compile-fail tests need it, as trybuild compiles them in a crate of its
//! own).
//! Every file goes through the same loading as `retort upgrade` does: a file
//! that does not parse, an unknown operation, a duplicate revision, a broken
//! graph is a compile error naming the file and line. Each file is included
//! with `include_str!`, so editing one rebuilds the program; for cargo to
//! notice a *new* file, add a `build.rs` with
//! `println!("cargo:rerun-if-changed=migrations");`.
//!
//! The macro expands to a `&'static [(&'static str, &'static str)]` of
//! file names and texts, which `retort_migrate::Migrator::from_embedded`
//! (and `retort::Migrator::from_embedded`) takes.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// Embeds the revision files of a script location; see the crate docs.
#[proc_macro]
pub fn embed(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let base = std::env::var_os("RETORT_EMBED_BASE_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default();
    expand(input.into(), &base).into()
}

fn expand(input: TokenStream, base: &Path) -> TokenStream {
    let lit: syn::LitStr = match syn::parse2(input) {
        Ok(l) => l,
        Err(_) => {
            return error(
                Span::call_site(),
                "`embed!` takes the script location as a string: `retort::embed!(\"migrations\")`",
            );
        }
    };
    let location = base.join(lit.value());
    let script = match retort_script::Script::load(&location) {
        Ok(s) => s,
        Err(e) => {
            return error(
                lit.span(),
                &format!("retort::embed!(\"{}\"): {e}", lit.value()),
            );
        }
    };
    let files = script.revisions().iter().map(|r| {
        let name = r
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let full = r.path.display().to_string();
        quote! { (#name, include_str!(#full)) }
    });
    quote! { &[#(#files),*] }
}

fn error(span: Span, message: &str) -> TokenStream {
    quote::quote_spanned! { span => compile_error!(#message) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
        for (name, text) in files {
            fs_err::write(dir.path().join("migrations/versions").join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn embeds_every_file_with_include_str() {
        let dir = project(&[
            ("a.toml", "revision = \"aaaaaaaaaaaa\"\nmessage = \"one\"\n"),
            (
                "b.toml",
                "revision = \"bbbbbbbbbbbb\"\ndown_revision = \"aaaaaaaaaaaa\"\nmessage = \"two\"\n",
            ),
        ]);
        let out = expand(quote!("migrations"), dir.path()).to_string();
        assert!(
            out.contains("\"a.toml\"") && out.contains("\"b.toml\""),
            "{out}"
        );
        assert_eq!(out.matches("include_str !").count(), 2, "{out}");
    }

    #[test]
    fn a_broken_file_is_a_compile_error_naming_file_and_line() {
        let dir = project(&[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\nmessage = \"one\"\n\n[[upgrade]]\nop = \"create_tabel\"\ntable = \"x\"\n",
        )]);
        let out = expand(quote!("migrations"), dir.path()).to_string();
        assert!(out.starts_with("compile_error !"), "{out}");
        assert!(out.contains("a.toml:"), "{out}");
        assert!(out.contains("create_tabel"), "{out}");
    }

    #[test]
    fn a_missing_folder_and_a_non_string_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let out = expand(quote!("nowhere"), dir.path()).to_string();
        assert!(
            out.starts_with("compile_error !") && out.contains("nowhere"),
            "{out}"
        );
        let out = expand(quote!(nowhere), dir.path()).to_string();
        assert!(
            out.contains("takes the script location as a string"),
            "{out}"
        );
    }
}
