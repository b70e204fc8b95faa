//! The SCN standard library: `.scn` sources compiled into the binary, importable as `std.…`.

/// Every standard-library module as `(dotted path below std, source text)`, sorted by path.
pub const MODULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// The source of `std.<path>` (for example `neurons.lif`), if the module exists.
pub fn source(path: &str) -> Option<&'static str> {
    MODULES.iter().find(|(p, _)| *p == path).map(|(_, s)| *s)
}

/// The header of a module's source: its leading `//` comment lines (not `///` doc comments)
/// without the slashes, joined by newlines, a blank comment line kept as an empty line. By
/// convention the header names the paper, year and DOI the module follows.
pub fn header(source: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .map(str::trim_start)
        .take_while(|l| l.starts_with("//") && !l.starts_with("///"))
        .map(|l| {
            let rest = &l[2..];
            rest.strip_prefix(' ').unwrap_or(rest).trim_end()
        })
        .collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_leading_plain_comment() {
        let src = "// std.x: a model.\n//\n// Paper (2005).\n\n/// Doc.\nneuron X {}\n";
        assert_eq!(header(src), "std.x: a model.\n\nPaper (2005).");
        assert_eq!(header("/// Doc only.\nneuron X {}\n"), "");
    }

    #[test]
    fn modules_are_sorted_and_unique() {
        for pair in MODULES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
    }
}
