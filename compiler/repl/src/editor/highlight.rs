//! Syntax highlighting of the line being edited, from the grammar's own lexer: keywords,
//! numbers and quantities, strings, comments, built-in functions and dimension names each get
//! a colour. Only colour codes are inserted, so the line keeps its width.

use scn_grammar::lexer::{Tok, lex, token::keyword_text};

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;35m";
const NUMBER: &str = "\x1b[36m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[2m";
const BUILTIN: &str = "\x1b[34m";
const TYPE: &str = "\x1b[33m";
const COMMAND: &str = "\x1b[1m";

/// The colour of a token, if it gets one.
fn colour(tok: &Tok<'_>) -> Option<&'static str> {
    match tok {
        Tok::Int(_) | Tok::Float(_) | Tok::Quantity(_) | Tok::QFormat(_) | Tok::UnitType(_) => Some(NUMBER),
        Tok::Str(_) => Some(STRING),
        Tok::Ident(name) if scn_sema::BUILTINS.contains(name) => Some(BUILTIN),
        Tok::Ident(name) if scn_units::by_name(name).is_some() || is_type_name(name) => Some(TYPE),
        Tok::Ident(_) => None,
        t => keyword_text(t).map(|_| KEYWORD),
    }
}

fn is_type_name(name: &str) -> bool {
    matches!(name, "prob" | "bipolar" | "bool" | "int" | "fix" | "ufix" | "bits" | "count" | "spike" | "unipolar")
}

/// `line` with ANSI colours. A command (`:run …`) has its name in bold and the rest
/// highlighted as code.
pub fn highlight(line: &str) -> String {
    if let Some(rest) = line.strip_prefix(':') {
        let name_end = rest.find(char::is_whitespace).map_or(line.len(), |i| i + 1);
        return format!("{COMMAND}{}{RESET}{}", &line[..name_end], highlight_code(&line[name_end..]));
    }
    highlight_code(line)
}

fn highlight_code(code: &str) -> String {
    let lexed = lex(code);
    let mut spans: Vec<(usize, usize, &str)> = lexed
        .tokens
        .iter()
        .filter(|t| !t.span.is_empty() && t.span.end <= code.len())
        .filter_map(|t| colour(&t.tok).map(|c| (t.span.start, t.span.end, c)))
        .collect();
    spans.extend(
        lexed.comments.iter().filter(|c| c.span.end <= code.len()).map(|c| (c.span.start, c.span.end, COMMENT)),
    );
    spans.sort_by_key(|s| s.0);
    let mut out = String::with_capacity(code.len() + spans.len() * 8);
    let mut at = 0;
    for (start, end, c) in spans {
        if start < at || !code.is_char_boundary(start) || !code.is_char_boundary(end) {
            continue;
        }
        out.push_str(&code[at..start]);
        out.push_str(c);
        out.push_str(&code[start..end]);
        out.push_str(RESET);
        at = end;
    }
    out.push_str(&code[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn colours_keep_the_text() {
        for line in ["neuron A { state v: voltage = -65 mV } // c", ":run Net 10 ms", "exp(1) + \"x", "é + 1"] {
            assert_eq!(strip(&highlight(line)), line);
        }
    }

    #[test]
    fn tokens_get_their_colours() {
        let h = highlight("const X: time = 20 ms");
        assert!(h.contains(&format!("{KEYWORD}const{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{TYPE}time{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{NUMBER}20 ms{RESET}")), "{h:?}");
        assert!(highlight(":help").starts_with(&format!("{COMMAND}:help{RESET}")));
    }
}
