//! The SCN standard library: `.scn` sources compiled into the binary, importable as `std.…`.

/// Every standard-library module as `(dotted path below std, source text)`, sorted by path.
pub const MODULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// The source of `std.<path>` (for example `neurons.lif`), if the module exists.
pub fn source(path: &str) -> Option<&'static str> {
    MODULES.iter().find(|(p, _)| *p == path).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_sorted_and_unique() {
        for pair in MODULES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
    }
}
