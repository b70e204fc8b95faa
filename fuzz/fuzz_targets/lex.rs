//! `lex` must not panic or hang; tokens come in increasing, non-overlapping span order within
//! the text, on char boundaries (synthetic closers are empty spans).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let lexed = scn_grammar::lexer::lex(src);
    let mut prev_end = 0;
    for t in &lexed.tokens {
        let s = t.span;
        assert!(s.start <= s.end && s.end <= src.len(), "token {:?} at {s:?} outside the text", t.tok);
        assert!(
            prev_end <= s.start,
            "token {:?} at {s:?} overlaps or precedes the previous one (ends {prev_end})",
            t.tok
        );
        assert!(
            src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
            "token {:?} at {s:?} splits a char",
            t.tok
        );
        prev_end = s.end;
    }
    let mut prev_end = 0;
    for c in &lexed.comments {
        let s = c.span;
        assert!(prev_end <= s.start && s.start <= s.end && s.end <= src.len(), "comment at {s:?} out of order");
        assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end), "comment at {s:?} splits a char");
        prev_end = s.end;
    }
    for d in &lexed.diagnostics {
        let s = d.primary.span;
        assert!(s.start <= s.end && s.end <= src.len(), "{} at {s:?} outside the text", d.code);
        assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end), "{} at {s:?} splits a char", d.code);
    }
});
