//! The repository's own SCN code (examples, standard library, `scn` blocks of
//! `docs/language.md`): formatting keeps the tree and every comment, and is idempotent.

mod common;

use common::{corpus, tree};
use scn_fmt::format_source;

fn formatted(name: &str, src: &str) -> String {
    format_source(src).unwrap_or_else(|d| panic!("{name} has syntax errors: {d:?}"))
}

#[test]
fn round_trip_keeps_the_tree() {
    for (name, src) in corpus() {
        let out = formatted(&name, &src);
        let again = scn_grammar::parse(&out);
        assert!(!again.has_errors(), "{name}: the formatted text does not parse: {:?}\n{out}", again.diagnostics);
        assert_eq!(tree(&scn_grammar::parse(&src).file), tree(&again.file), "{name}: the tree changed\n{out}");
    }
}

#[test]
fn formatting_is_idempotent() {
    for (name, src) in corpus() {
        let once = formatted(&name, &src);
        let twice = formatted(&name, &once);
        assert_eq!(once, twice, "{name}: formatting twice differs");
    }
}

#[test]
fn every_comment_is_kept() {
    for (name, src) in corpus() {
        let out = formatted(&name, &src);
        let texts = |s: &str| {
            let mut v: Vec<String> =
                scn_grammar::parse(s).comments.iter().map(|c| s[c.span.range()].trim_end().to_string()).collect();
            v.sort();
            v
        };
        let (before, after) = (texts(&src), texts(&out));
        assert_eq!(before.len(), after.len(), "{name}: comment count changed");
        assert_eq!(before, after, "{name}: comment text changed");
    }
}

#[test]
fn lines_have_no_trailing_spaces_or_tabs() {
    for (name, src) in corpus() {
        let out = formatted(&name, &src);
        for (n, line) in out.lines().enumerate() {
            assert_eq!(line, line.trim_end(), "{name}:{}: trailing whitespace", n + 1);
        }
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{name}: one final newline");
    }
}
