//! The registry of diagnostic codes. Every code that any stage emits is listed here with a
//! title and an explanation (an example of the mistake and its fix), which `scn explain CODE`
//! prints. Codes are grouped by stage: `E00xx` lexing and parsing, `E01xx` names, `E02xx`
//! units and types, `E03xx` streams, `E04xx` fixed point, `E05xx` networks, `E06xx`
//! properties, `E07xx` backends; warnings `Wxxxx` use the same ranges.

/// One registered code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code, such as `E0010`.
    pub code: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The page `scn explain` prints: what is wrong, an example, the fix.
    pub explanation: &'static str,
}

/// Looks up a code (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Every registered code, sorted.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0001",
        title: "unknown character",
        explanation: "The source contains a character that cannot begin any SCN token.\n\n\
Example:\n\n    param tau_m: time = 20 ms $\n\n\
Fix: delete the character. Identifiers are ASCII letters, digits and `_`; text belongs in \
string literals (\"…\") or comments.",
    },
    CodeInfo {
        code: "E0002",
        title: "unterminated block comment",
        explanation: "A `/*` comment has no matching `*/`, so the rest of the file would be \
a comment. Block comments nest: every `/*` inside needs its own `*/`.\n\n\
Example:\n\n    /* leak term\n    dv/dt = -v / tau\n\n\
Fix: close the comment with `*/`, or use `//` line comments.",
    },
    CodeInfo {
        code: "E0003",
        title: "unterminated string literal",
        explanation: "A string literal has no closing quote on its line.\n\n\
Example:\n\n    param w: prob[4][16] = load(\"weights.csv)\n\n\
Fix: close the string with `\"`. Strings cannot span lines.",
    },
    CodeInfo {
        code: "E0004",
        title: "malformed unit",
        explanation: "A unit names an atom SCN does not know, or has a malformed power. Units \
are atoms (`s V A S F ohm Hz mol M m g K`, each with an optional prefix `f p n u m c k M G`, \
and `cycles`, `steps`) joined by `*` or `/` without spaces, each with an optional power `^N`.\n\n\
Example:\n\n    param g: [mS/cmm^2] = 1 mS/cm^2\n\n\
Fix: write a known unit: `[mS/cm^2]`.",
    },
    CodeInfo {
        code: "E0005",
        title: "malformed number",
        explanation: "A number literal is incomplete or out of range: a hexadecimal or binary \
prefix with no digits, an exponent with no digits, a digit that the base does not have, or an \
integer larger than 2^64 - 1.\n\n\
Example:\n\n    rng r = lfsr16(seed = 0x)\n\n\
Fix: complete the literal: `0xACE1`, `1e-3`, `0b1010`.",
    },
    CodeInfo {
        code: "E0010",
        title: "unexpected token",
        explanation: "The parser found a token that cannot appear here. The label says what \
it expected instead. Common causes: a misspelt keyword (`nueron`), a missing operand \
(`v += `), a line that starts with a binary operator (a statement ends at the newline, so put \
the operator at the end of the previous line), or a unit written with spaces (`1 uF / cm^2`).\n\n\
Example:\n\n    dv/dt = (v_rest - v)\n        / tau_m\n\n\
Fix:\n\n    dv/dt = (v_rest - v) /\n        tau_m",
    },
    CodeInfo {
        code: "E0011",
        title: "unexpected end of input",
        explanation: "The file ends in the middle of an item or a member.\n\n\
Example:\n\n    const V_TH: voltage =\n\n\
Fix: complete the item.",
    },
    CodeInfo {
        code: "E0012",
        title: "unclosed or unmatched delimiter",
        explanation: "A `(`, `[`, `{` or `<` is never closed, or a closing `)`, `]`, `}` or `>` \
has no opening partner. SCN closes a parenthesis that is still open at the start of the next \
member so that one slip does not hide the rest of the file.\n\n\
Example:\n\n    dv/dt = (v_rest - v / tau_m\n\n\
Fix: add the missing delimiter: `dv/dt = (v_rest - v) / tau_m`.",
    },
    CodeInfo {
        code: "E0013",
        title: "malformed derivative",
        explanation: "An ODE's left-hand side must be `dX/dt`, where `X` is a state and `dt` is \
literally `dt`.\n\n\
Example:\n\n    dv/dx = -v / tau_m\n\n\
Fix: `dv/dt = -v / tau_m`.",
    },
    CodeInfo {
        code: "E0014",
        title: "invalid assignment target",
        explanation: "Only names, fields (`post.v`) and indexed names (`w[i]`) can be assigned.\n\n\
Example:\n\n    on pre { 2 * w = w_max }\n\n\
Fix: assign the variable itself: `w = w_max / 2`.",
    },
    CodeInfo {
        code: "W0001",
        title: "doc comment documents nothing",
        explanation: "A `///` doc comment must come right before an item or a member; this one \
is followed by the end of a block or of the file, so no documentation tool will see it.\n\n\
Fix: move it before the declaration it describes, or make it a plain `//` comment.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_well_formed() {
        for pair in CODES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must come before {}", pair[0].code, pair[1].code);
        }
        for c in CODES {
            assert_eq!(c.code.len(), 5, "{}", c.code);
            assert!(c.code.starts_with('E') || c.code.starts_with('W'), "{}", c.code);
            assert!(c.code[1..].chars().all(|ch| ch.is_ascii_digit()), "{}", c.code);
            assert!(c.explanation.contains("Example") || c.explanation.contains("Fix"), "{}", c.code);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("e0010").map(|c| c.title), Some("unexpected token"));
        assert!(lookup("E9999").is_none());
    }
}
