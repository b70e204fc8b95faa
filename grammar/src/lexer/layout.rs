//! The layout pass: which newlines end statements, which keywords are names here, which `<`
//! opens type arguments, and balanced delimiters.
//!
//! Rules (LANGUAGE §1): a statement ends at a newline or `;`. A newline is ignored inside
//! `()`, `[]` and type arguments, after a token that continues the line (a binary operator,
//! `as`, `,`, `=`, a compound assignment, `->`, an opener), before `}`, and between `}` and
//! `else`. Runs of terminators collapse into one.
//!
//! Delimiters: an unmatched closer is reported and dropped; an opener that is never closed is
//! reported at the opener and closed by a synthetic token, at the end of its line when the next
//! line starts a new declaration, else at the enclosing `}` or at the end of the file. So the
//! parser always sees balanced delimiters and one slip costs one diagnostic.

use super::Spanned;
use super::token::{PROPERTY_KEYWORDS, Tok};
use scn_diagnostics::{Diagnostic, Span};

/// An open delimiter on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Paren,
    Bracket,
    Brace,
    Angle,
}

impl Open {
    fn opener(self) -> &'static str {
        match self {
            Open::Paren => "(",
            Open::Bracket => "[",
            Open::Brace => "{",
            Open::Angle => "<",
        }
    }

    fn closer(self) -> &'static str {
        match self {
            Open::Paren => ")",
            Open::Bracket => "]",
            Open::Brace => "}",
            Open::Angle => ">",
        }
    }

    fn close_tok(self) -> Tok<'static> {
        match self {
            Open::Paren => Tok::RParen,
            Open::Bracket => Tok::RBracket,
            Open::Brace => Tok::RBrace,
            Open::Angle => Tok::RAngle,
        }
    }

    /// Newlines inside this delimiter are not terminators.
    fn joins_lines(self) -> bool {
        self != Open::Brace
    }
}

/// Names after which `<` opens type arguments.
const GENERIC_TYPES: &[&str] = &["fix", "ufix", "bits", "count"];

struct Layout<'a, 'd> {
    src: &'a str,
    out: Vec<Spanned<'a>>,
    stack: Vec<(Open, Span)>,
    /// Stack depth of the brace that opened a property body, while inside one.
    property_depth: Option<usize>,
    pending_property: bool,
    diags: &'d mut Vec<Diagnostic>,
    /// Starts of the unterminated-comment and -string errors (E0002, E0003) from the scan, in
    /// source order, so that [`Layout::unclosed`] can binary-search them instead of scanning
    /// every diagnostic (that was quadratic in the number of unclosed delimiters).
    swallowers: Vec<usize>,
    /// Index of the first non-terminator token after the last newline looked at (see
    /// [`Layout::next_significant`]).
    next_sig: usize,
    /// While positive, the tokens of a group nested deeper than [`MAX_DEPTH`] are being
    /// dropped; counts the openers not yet closed.
    skipping: usize,
}

/// The deepest nesting of delimiters the parser accepts. Deeper groups are reported once
/// (E0015) and dropped, which keeps parsing linear on pathological input.
pub const MAX_DEPTH: usize = 256;

/// Runs the layout pass over the scanned tokens (with every newline as `Term`).
pub fn arrange<'a>(src: &'a str, toks: Vec<Spanned<'a>>, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<'a>> {
    let mut l = Layout {
        src,
        out: Vec::with_capacity(toks.len()),
        stack: Vec::new(),
        property_depth: None,
        pending_property: false,
        swallowers: Vec::new(),
        next_sig: 0,
        skipping: 0,
        diags,
    };
    // Only the scan has reported anything yet, in source order; the layout adds no E0002/E0003.
    l.swallowers =
        l.diags.iter().filter(|d| matches!(d.code, "E0002" | "E0003")).map(|d| d.primary.span.start).collect();
    l.swallowers.sort_unstable();
    for i in 0..toks.len() {
        l.step(&toks, i);
    }
    let eof = Span::point(src.len());
    while let Some(&(open, at)) = l.stack.last() {
        l.unclosed(open, at, eof);
    }
    while matches!(l.out.last(), Some(t) if t.tok == Tok::Term) {
        l.out.pop();
    }
    l.out
}

impl<'a> Layout<'a, '_> {
    /// The first token after `toks[i]` that is not a terminator. Newlines are visited in
    /// increasing `i`, and every token between `i` and the remembered answer is a terminator,
    /// so the answer is reused until `i` passes it: a run of k blank lines costs O(k), not the
    /// O(k²) of scanning ahead from each one (16 KB of blank lines took 0.4 s).
    fn next_significant<'t>(&mut self, toks: &'t [Spanned<'a>], i: usize) -> Option<&'t Spanned<'a>> {
        if self.next_sig <= i {
            self.next_sig = (i + 1..toks.len()).find(|&j| toks[j].tok != Tok::Term).unwrap_or(toks.len());
        }
        toks.get(self.next_sig)
    }

    fn push(&mut self, tok: Tok<'a>, span: Span, spaced: bool) {
        self.out.push(Spanned { tok, span, spaced });
    }

    fn last_tok(&self) -> Option<&Tok<'a>> {
        self.out.last().map(|t| &t.tok)
    }

    /// Reports an unclosed delimiter and closes it with a synthetic token at `at`.
    fn unclosed(&mut self, open: Open, opened: Span, at: Span) {
        self.stack.pop();
        if open == Open::Brace && self.property_depth == Some(self.stack.len() + 1) {
            self.property_depth = None;
        }
        // An unterminated string or comment swallowed the closer: that error says it already.
        let first = self.swallowers.partition_point(|&s| s < opened.start);
        let swallowed = self.swallowers.get(first).is_some_and(|&s| s <= at.start);
        if !swallowed {
            self.diags.push(
                Diagnostic::error(
                    "E0012",
                    format!("unclosed `{}`", open.opener()),
                    opened,
                    format!("this `{}` is never closed", open.opener()),
                )
                .with_label(at, format!("`{}` expected by here", open.closer()))
                .with_help(format!("add the missing `{}`", open.closer())),
            );
        }
        // A terminator may not come right before a closing brace.
        if open == Open::Brace {
            while matches!(self.last_tok(), Some(Tok::Term)) {
                self.out.pop();
            }
        }
        self.push(open.close_tok(), Span::point(at.start), false);
    }

    /// Closes parentheses, brackets and angles left open at a line end before a declaration.
    fn close_open_groups(&mut self, at: Span) {
        while let Some(&(open, opened)) = self.stack.last() {
            if !open.joins_lines() {
                break;
            }
            self.unclosed(open, opened, at);
        }
    }

    fn step(&mut self, toks: &[Spanned<'a>], i: usize) {
        let t = &toks[i];
        let opener = matches!(t.tok, Tok::LParen | Tok::LBracket | Tok::LBrace);
        let closer = matches!(t.tok, Tok::RParen | Tok::RBracket | Tok::RBrace);
        if self.skipping > 0 {
            if opener {
                self.skipping += 1;
            } else if closer {
                self.skipping -= 1;
            }
            return;
        }
        if opener && self.stack.len() >= MAX_DEPTH {
            self.skipping = 1;
            self.diags.push(
                Diagnostic::error("E0015", format!("delimiters nested more than {MAX_DEPTH} deep"), t.span, "too deep")
                    .with_help("split the expression with named `let`s; this group was skipped"),
            );
            return;
        }
        let next = toks.get(i + 1);
        let glued_next = |tok: Tok<'static>| next.is_some_and(|n| n.tok == tok && !n.spaced);
        let top = self.stack.last().map(|(o, _)| *o);
        match &t.tok {
            Tok::Term => self.newline(toks, i),
            Tok::Ident(word) if self.property_depth.is_some() && !glued_next(Tok::LParen) => {
                let tok =
                    PROPERTY_KEYWORDS.iter().find(|(k, _)| k == word).map(|(_, t)| t.clone()).unwrap_or(t.tok.clone());
                self.push(tok, t.span, t.spaced)
            }
            Tok::Ident(word @ ("gate" | "current"))
                if matches!(self.last_tok(), None | Some(Tok::Term | Tok::LBrace))
                    && !next.is_some_and(|n| {
                        matches!(
                            n.tok,
                            Tok::Assign
                                | Tok::PlusAssign
                                | Tok::MinusAssign
                                | Tok::StarAssign
                                | Tok::SlashAssign
                                | Tok::Dot
                                | Tok::Slash
                                | Tok::Term
                                | Tok::RBrace
                        ) || (matches!(n.tok, Tok::LParen | Tok::LBracket) && !n.spaced)
                    }) =>
            {
                let tok = if *word == "gate" { Tok::Gate } else { Tok::Current };
                self.push(tok, t.span, t.spaced)
            }
            kw if super::token::keyword_text(kw).is_some() && !matches!(kw, Tok::Gate | Tok::Current) => {
                let demote = (glued_next(Tok::LParen) && !kw.keyword_before_paren())
                    || (top == Some(Open::Paren) && next.is_some_and(|n| n.tok == Tok::Assign));
                if demote {
                    self.push(Tok::Ident(&self.src[t.span.range()]), t.span, t.spaced);
                } else {
                    if *kw == Tok::Property {
                        self.pending_property = true;
                    }
                    self.push(kw.clone(), t.span, t.spaced);
                }
            }
            Tok::LBrace => {
                self.stack.push((Open::Brace, t.span));
                if self.pending_property {
                    self.pending_property = false;
                    self.property_depth = Some(self.stack.len());
                }
                self.push(Tok::LBrace, t.span, t.spaced);
            }
            Tok::LParen => {
                self.stack.push((Open::Paren, t.span));
                self.push(Tok::LParen, t.span, t.spaced);
            }
            Tok::LBracket => {
                self.stack.push((Open::Bracket, t.span));
                self.push(Tok::LBracket, t.span, t.spaced);
            }
            Tok::Lt
                if !t.spaced && matches!(self.last_tok(), Some(Tok::Ident(name)) if GENERIC_TYPES.contains(name)) =>
            {
                self.stack.push((Open::Angle, t.span));
                self.push(Tok::LAngle, t.span, t.spaced);
            }
            Tok::Gt if top == Some(Open::Angle) => {
                self.stack.pop();
                self.push(Tok::RAngle, t.span, t.spaced);
            }
            Tok::Shr if top == Some(Open::Angle) => {
                self.stack.pop();
                let (a, b) = (Span::new(t.span.start, t.span.start + 1), Span::new(t.span.start + 1, t.span.end));
                self.push(Tok::RAngle, a, t.spaced);
                if self.stack.last().map(|(o, _)| *o) == Some(Open::Angle) {
                    self.stack.pop();
                    self.push(Tok::RAngle, b, false);
                } else {
                    self.push(Tok::Gt, b, false);
                }
            }
            Tok::Ge if top == Some(Open::Angle) => {
                self.stack.pop();
                self.push(Tok::RAngle, Span::new(t.span.start, t.span.start + 1), t.spaced);
                self.push(Tok::Assign, Span::new(t.span.start + 1, t.span.end), false);
            }
            Tok::RBrace | Tok::RParen | Tok::RBracket => self.closer(t),
            other => self.push(other.clone(), t.span, t.spaced),
        }
    }

    fn newline(&mut self, toks: &[Spanned<'a>], i: usize) {
        let t = &toks[i];
        let next = self.next_significant(toks, i);
        // An explicit `;` always ends the statement (only repeats and one before `}` go).
        if &self.src[t.span.range()] == ";" {
            let redundant = matches!(self.last_tok(), None | Some(Tok::Term | Tok::LBrace))
                || next.is_none_or(|n| n.tok == Tok::RBrace);
            if !redundant {
                self.push(Tok::Term, t.span, t.spaced);
            }
            return;
        }
        let top = self.stack.last().map(|(o, _)| *o);
        if top.is_some_and(Open::joins_lines) {
            // A keyword that will be read as a name (`rng = r`, `state(x)`) does not start one.
            // `next`'s index, remembered by `next_significant` (scanning again was quadratic).
            let k = (self.next_sig < toks.len()).then_some(self.next_sig);
            let demoted = k.is_some_and(|k| {
                let after = toks.get(k + 1);
                after.is_some_and(|a| {
                    (a.tok == Tok::LParen && !a.spaced && !toks[k].tok.keyword_before_paren()) || a.tok == Tok::Assign
                })
            });
            let declaration_follows =
                next.is_some_and(|n| (n.tok.starts_declaration() && !demoted) || n.tok == Tok::RBrace);
            if !declaration_follows {
                return;
            }
            self.close_open_groups(Span::point(t.span.start));
        }
        // An item keyword at the start of a line cannot be inside a body: close open braces.
        let item_follows = next.is_some_and(|n| {
            matches!(n.tok, Tok::Neuron | Tok::Synapse | Tok::Channel | Tok::Network | Tok::Property | Tok::Import)
                && line_start(self.src, n.span.start)
        });
        if item_follows {
            while let Some(&(open, opened)) = self.stack.last() {
                self.unclosed(open, opened, Span::point(t.span.start));
            }
        }
        let continued = self.last_tok().is_none_or(Tok::continues_line);
        let closing = next.is_none_or(|n| n.tok == Tok::RBrace);
        let else_follows = next.is_some_and(|n| n.tok == Tok::Else) && self.last_tok() == Some(&Tok::RBrace);
        if !(continued || closing || else_follows) {
            self.push(Tok::Term, t.span, t.spaced);
        }
    }

    fn closer(&mut self, t: &Spanned<'a>) {
        let want = match t.tok {
            Tok::RBrace => Open::Brace,
            Tok::RParen => Open::Paren,
            _ => Open::Bracket,
        };
        // Find the matching opener, not looking past a brace unless we are closing one.
        let found = self.stack.iter().rposition(|(o, _)| *o == want);
        let reachable =
            found.is_some_and(|k| want == Open::Brace || self.stack[k + 1..].iter().all(|(o, _)| *o != Open::Brace));
        if !reachable {
            self.diags.push(
                Diagnostic::error(
                    "E0012",
                    format!("unmatched `{}`", want.closer()),
                    t.span,
                    format!("no `{}` opens this", want.opener()),
                )
                .with_help("remove it, or add the missing opener"),
            );
            return;
        }
        let k = found.expect("reachable implies found");
        while self.stack.len() > k + 1 {
            let &(open, opened) = self.stack.last().expect("deeper than k");
            self.unclosed(open, opened, Span::point(t.span.start));
        }
        self.stack.pop();
        if want == Open::Brace {
            if self.property_depth == Some(self.stack.len() + 1) {
                self.property_depth = None;
            }
            while matches!(self.last_tok(), Some(Tok::Term)) {
                self.out.pop();
            }
        }
        self.push(t.tok.clone(), t.span, t.spaced);
    }
}

/// Whether only spaces or tabs come before `offset` on its line.
fn line_start(src: &str, offset: usize) -> bool {
    src[..offset].rsplit('\n').next().is_none_or(|l| l.chars().all(|c| c == ' ' || c == '\t'))
}

#[cfg(test)]
mod tests {
    use crate::lexer::{lex, token::Tok};

    fn toks(src: &str) -> Vec<String> {
        lex(src)
            .tokens
            .iter()
            .map(|t| match &t.tok {
                Tok::Term => ";".to_string(),
                Tok::Ident(s) => s.to_string(),
                Tok::Int(s) | Tok::Float(s) => s.to_string(),
                Tok::Quantity(q) => format!("{}{}", q.value, q.unit),
                Tok::LAngle => "<<".into(),
                Tok::RAngle => ">>".into(),
                other => crate::lexer::token::keyword_text(other)
                    .map(|k| format!("kw:{k}"))
                    .unwrap_or_else(|| crate::lexer::token::symbol(other).to_string()),
            })
            .collect()
    }

    #[test]
    fn newlines_end_statements_except_after_operators() {
        assert_eq!(toks("a = b +\n c\nd = 1"), ["a", "=", "b", "+", "c", ";", "d", "=", "1"]);
        assert_eq!(toks("{\n a\n\n b\n}"), ["{", "a", ";", "b", "}"]);
        assert_eq!(toks("f(a,\n b)\n"), ["f", "(", "a", ",", "b", ")"]);
        assert_eq!(toks("f(a\n b)"), ["f", "(", "a", "b", ")"]);
    }

    #[test]
    fn else_after_brace_continues_if() {
        assert_eq!(toks("if c { a }\nelse { b }"), ["kw:if", "c", "{", "a", "}", "kw:else", "{", "b", "}"]);
    }

    #[test]
    fn keywords_become_names_before_paren_and_as_named_arguments() {
        assert_eq!(toks("monitor state(x)"), ["kw:monitor", "state", "(", "x", ")"]);
        assert_eq!(toks("f(rng = r)"), ["f", "(", "rng", "=", "r", ")"]);
        assert_eq!(toks("if(x)"), ["kw:if", "(", "x", ")"]);
        assert_eq!(toks("refractory (d)"), ["kw:refractory", "(", "d", ")"]);
    }

    #[test]
    fn type_arguments_close_without_continuing_the_line() {
        assert_eq!(
            toks("state x: fix<16,8>\nstate y: int"),
            ["kw:state", "x", ":", "fix", "<<", "16", ",", "8", ">>", ";", "kw:state", "y", ":", "int"]
        );
        assert_eq!(
            toks("x: bits<unipolar, count<8>>"),
            ["x", ":", "bits", "<<", "unipolar", ",", "count", "<<", "8", ">>", ">>"]
        );
        assert_eq!(toks("a < b"), ["a", "<", "b"]);
        assert_eq!(toks("count < 3"), ["count", "<", "3"]);
    }

    #[test]
    fn quantities_and_contextual_keywords() {
        assert_eq!(toks("x = -65 mV * 2"), ["x", "=", "-", "65mV", "*", "2"]);
        assert_eq!(
            toks("channel C {\n gate m: alpha = 1\n current g\n}"),
            ["kw:channel", "C", "{", "kw:gate", "m", ":", "alpha", "=", "1", ";", "kw:current", "g", "}"]
        );
        assert_eq!(
            toks("property p for N {\n assert rate(n) per sliding 3 cycles <= 2\n}\nper"),
            [
                "kw:property",
                "p",
                "kw:for",
                "N",
                "{",
                "kw:assert",
                "rate",
                "(",
                "n",
                ")",
                "kw:per",
                "kw:sliding",
                "3cycles",
                "<=",
                "2",
                "}",
                ";",
                "per"
            ]
        );
    }

    #[test]
    fn unclosed_paren_is_closed_before_the_next_member() {
        let lexed = lex("neuron A {\n dv/dt = (a - v\n param x: time\n}");
        assert_eq!(lexed.diagnostics.len(), 1);
        assert_eq!(lexed.diagnostics[0].code, "E0012");
        let shown: Vec<_> = lexed.tokens.iter().map(|t| t.tok.clone()).collect();
        let close = shown.iter().position(|t| *t == Tok::RParen).unwrap();
        assert_eq!(shown[close + 1], Tok::Term);
        assert_eq!(shown[close + 2], Tok::Param);
    }

    #[test]
    fn unmatched_closer_is_reported_and_dropped() {
        let lexed = lex("const A = 1)\nconst B = 2");
        assert_eq!(lexed.diagnostics.len(), 1);
        assert!(lexed.diagnostics[0].message.contains("unmatched `)`"));
        assert!(!lexed.tokens.iter().any(|t| t.tok == Tok::RParen));
    }

    #[test]
    fn unclosed_brace_is_closed_before_the_next_item() {
        let lexed = lex("neuron A {\n param x: time\nneuron B {\n}\n");
        assert_eq!(lexed.diagnostics.len(), 1);
        let braces = lexed.tokens.iter().filter(|t| t.tok == Tok::RBrace).count();
        assert_eq!(braces, 2);
    }
}
