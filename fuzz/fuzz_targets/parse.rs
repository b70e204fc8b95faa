//! `parse` must not panic or hang on any text; every diagnostic span must lie within the text
//! on char boundaries, and parsing must be deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scn_grammar::Span;

fn check_span(src: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= src.len(),
        "{what} span {span:?} outside the text (len {})",
        src.len()
    );
    assert!(
        src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
        "{what} span {span:?} not on char boundaries"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let first = scn_grammar::parse(src);
    for d in &first.diagnostics {
        check_span(src, d.primary.span, d.code);
        for l in &d.secondary {
            check_span(src, l.span, d.code);
        }
    }
    for c in &first.comments {
        check_span(src, c.span, "comment");
    }
    let second = scn_grammar::parse(src);
    assert_eq!(first.diagnostics, second.diagnostics, "parsing twice gave different diagnostics");
});
