//! The naming convention for constraints a revision leaves unnamed, so that
//! every constraint has a name a later revision can drop it by.

/// Longest identifier PostgreSQL keeps (MySQL allows 64).
const MAX_IDENT: usize = 63;

/// `uq_<table>_<col>_<col>`.
pub fn unique_name(table: &str, columns: &[String]) -> String {
    fit(format!("uq_{table}_{}", columns.join("_")))
}

/// `fk_<table>_<col>_<ref_table>`.
pub fn fk_name(table: &str, columns: &[String], ref_table: &str) -> String {
    fit(format!("fk_{table}_{}_{ref_table}", columns.join("_")))
}

/// Shortens a name over the identifier limit, keeping it unique with a hash.
fn fit(name: String) -> String {
    if name.len() <= MAX_IDENT {
        return name;
    }
    // FNV-1a: stable across platforms and releases, unlike `DefaultHasher`.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let mut cut = MAX_IDENT - 9;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{h:08x}", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept() {
        assert_eq!(unique_name("users", &["email".into()]), "uq_users_email");
        assert_eq!(
            fk_name("posts", &["user_id".into()], "users"),
            "fk_posts_user_id_users"
        );
    }

    #[test]
    fn long_names_are_cut_and_stay_distinct() {
        let a = unique_name(&"t".repeat(60), &["a".into()]);
        let b = unique_name(&"t".repeat(60), &["b".into()]);
        assert_eq!(a.len(), MAX_IDENT);
        assert_ne!(a, b);
    }
}
