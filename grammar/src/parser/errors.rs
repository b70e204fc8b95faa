//! Turns the generated parser's errors into coded diagnostics with readable expectations and
//! targeted help.

use super::build::SyntaxError;
use super::suggest::{closest, closest_unit};
use crate::lexer::Spanned;
use crate::lexer::token::{KEYWORDS, Tok};
use lalrpop_util::ParseError;
use scn_diagnostics::{Diagnostic, Span};

/// Converts one parser error. Returns `None` for errors on synthetic tokens (a closer that the
/// layout pass inserted after reporting the unclosed delimiter).
pub fn convert(
    src: &str,
    piece: &[&Spanned<'_>],
    error: ParseError<usize, Tok<'_>, SyntaxError>,
) -> Option<Diagnostic> {
    match error {
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            if l == r {
                return None;
            }
            Some(unexpected(src, piece, Span::new(l, r), &tok, &expected))
        }
        ParseError::ExtraToken { token: (l, tok, r) } => (l != r).then(|| {
            Diagnostic::error(
                "E0010",
                format!("unexpected {}", tok.describe()),
                Span::new(l, r),
                "nothing can follow here",
            )
            .with_help("end the declaration before this token, or remove it")
        }),
        ParseError::UnrecognizedEof { location, expected } => Some(end_of_input(src, location, &expected)),
        ParseError::InvalidToken { location } => {
            Some(Diagnostic::error("E0010", "invalid token", Span::point(location), "cannot start a token"))
        }
        ParseError::User { error } => Some(user(error)),
    }
}

fn user(error: SyntaxError) -> Diagnostic {
    match error {
        SyntaxError::BadDerivative { span, written } => Diagnostic::error(
            "E0013",
            format!("`{written}` is not a time derivative"),
            span,
            "an ODE's left side must be `dX/dt`",
        )
        .with_help("write the derivative of state `X` as `dX/dt`, for example `dv/dt = (v_rest - v) / tau_m`"),
        SyntaxError::BadTarget { span } => {
            Diagnostic::error("E0014", "invalid assignment target", span, "cannot assign to this")
                .with_help("assign to a state or parameter name, a field (`post.v`) or an element (`w[i]`)")
        }
    }
}

fn unexpected(src: &str, piece: &[&Spanned<'_>], span: Span, tok: &Tok<'_>, expected: &[String]) -> Diagnostic {
    if let Some(d) = derivative_with_factor(piece, span)
        .or_else(|| target_expression(piece, span))
        .or_else(|| misspelt_leading_keyword(piece, span))
    {
        return d;
    }
    let wanted = describe_expected(expected);
    let mut d =
        Diagnostic::error("E0010", format!("unexpected {}", tok.describe()), span, format!("expected {wanted}"));
    // Tokens are in source order and do not overlap, so both lookups below cost O(log n) and
    // O(indent) rather than O(piece) and O(line): with thousands of errors in one long piece or
    // on one long line, the linear scans were quadratic.
    let before = piece.partition_point(|t| t.span.end <= span.start);
    let prev = before.checked_sub(1).map(|k| &piece[k].tok);
    let indent = src[..span.start].trim_end_matches(|c: char| c != '\n' && c.is_whitespace());
    let at_line_start = (indent.is_empty() || indent.ends_with('\n')) && span.start > 0;
    if at_line_start && is_binary_operator(tok) {
        d = d.with_help("a line cannot start with a binary operator: end the previous line with the operator to continue the expression");
    } else if let Tok::Ident(word) = tok {
        if matches!(prev, Some(Tok::Int(_) | Tok::Float(_) | Tok::Quantity(_))) {
            if let Some(unit) = closest_unit(word) {
                d = d.with_help(format!("`{word}` is not a unit; did you mean `{unit}`?"));
            } else {
                d = d.with_help("a name cannot follow a number here; did you forget an operator?");
            }
        } else if let Some(kw) = suggest_keyword(word, expected) {
            d = d.with_help(format!("did you mean the keyword `{kw}`?"));
        }
    } else if let Some(kw) = crate::lexer::token::keyword_text(tok) {
        if expected.iter().any(|e| e == "\"name\"") {
            d = d.with_help(format!("`{kw}` is a keyword and cannot be used as a name here; choose another name"));
        }
    } else if matches!(tok, Tok::Quantity(_)) && matches!(prev, Some(Tok::Colon)) {
        d = d
            .with_help("a type names a dimension (`time`, `voltage`) or a unit in brackets (`[mS/cm^2]`), not a value");
    } else if *tok == Tok::Assign && expected.iter().any(|e| e == "\"==\"") {
        d = d.with_help("compare with `==`; `=` assigns");
    }
    if d.help.is_none() {
        let only_end = expected.iter().all(|e| e == "\";\"" || e == "\"}\"");
        d = d.with_help(if only_end {
            "the declaration is already complete here: start the rest on a new line, or remove it".to_string()
        } else if wanted.starts_with("an expression") {
            "write an expression here: a number, a quantity such as `20 ms`, a name or a call".to_string()
        } else {
            format!("insert {wanted} before this, or remove it")
        });
    }
    d
}

fn end_of_input(src: &str, location: usize, expected: &[String]) -> Diagnostic {
    let wanted = describe_expected(expected);
    let at_file_end = src.get(location..).is_none_or(|rest| rest.trim().is_empty());
    if at_file_end {
        Diagnostic::error("E0011", "unexpected end of input", Span::point(location), format!("expected {wanted}"))
            .with_help("the file ends before this declaration is complete")
    } else {
        Diagnostic::error(
            "E0010",
            "the line ends before the declaration is complete",
            Span::point(location),
            format!("expected {wanted}"),
        )
        .with_help("complete it, or continue the line by ending it with an operator or `,`")
    }
}

fn is_binary_operator(tok: &Tok<'_>) -> bool {
    use Tok::*;
    matches!(
        tok,
        Plus | Star
            | Slash
            | Percent
            | StarStar
            | Pipe
            | Caret
            | Amp
            | Shl
            | Shr
            | EqEq
            | NotEq
            | Lt
            | Le
            | Gt
            | Ge
            | And
            | Or
    )
}

fn suggest_keyword(word: &str, expected: &[String]) -> Option<&'static str> {
    let candidates: Vec<&'static str> = KEYWORDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| expected.is_empty() || expected.iter().any(|e| e.trim_matches('"') == *k))
        .collect();
    closest(word, candidates.iter().copied())
}

/// Turns lalrpop's list of terminal names into a short phrase.
pub fn describe_expected(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).filter(|e| !e.starts_with("START")).collect();
    let has = |n: &str| names.contains(&n);
    let expression = has("name") && has("integer") && has("(") && has("-");
    const OPERATORS: &[&str] = &[
        "or", "and", "==", "!=", "<", "<=", ">", ">=", "|", "^", "&", "<<", ">>", "+", "-", "*", "/", "%", "**", "as",
        "(", "[", ".", "..",
    ];
    let operators = !expression && names.iter().filter(|n| OPERATORS.contains(n)).count() >= 5;
    let mut parts: Vec<String> = Vec::new();
    if expression {
        parts.push("an expression".into());
    }
    const EXPRESSION_STARTS: &[&str] =
        &["name", "integer", "decimal", "quantity", "string", "(", "[", "-", "!", "not", "if", "true", "false"];
    for n in &names {
        let covered = (expression && EXPRESSION_STARTS.contains(n)) || (operators && OPERATORS.contains(n));
        if covered {
            continue;
        }
        parts.push(match *n {
            "name" => "a name".into(),
            "integer" => "an integer".into(),
            "decimal" => "a number".into(),
            "quantity" => "a quantity".into(),
            "string" => "a string".into(),
            "Q format" => "a Q format".into(),
            "unit type" => "a unit in brackets".into(),
            ";" => "a newline".into(),
            "<type" => "`<`".into(),
            "type>" => "`>`".into(),
            other => format!("`{other}`"),
        });
    }
    if operators {
        parts.push("an operator".into());
    }
    match parts.len() {
        0 => "nothing more".into(),
        1 => parts.remove(0),
        n if n > 8 => format!("{}, or another token", parts[..6].join(", ")),
        _ => {
            let last = parts.pop().expect("two or more");
            format!("{} or {last}", parts.join(", "))
        }
    }
}

/// `tau * dv/dt = …` (the Brian2/NESTML habit): an ODE whose left side is more than `dX/dt`.
fn derivative_with_factor(piece: &[&Spanned<'_>], error: Span) -> Option<Diagnostic> {
    let assign = piece.iter().position(|t| t.tok == Tok::Assign)?;
    let lhs = &piece[..assign];
    let k = lhs.windows(3).position(|w| {
        matches!(w[0].tok, Tok::Ident(n) if n.len() > 1 && n.starts_with('d'))
            && w[1].tok == Tok::Slash
            && w[2].tok == Tok::Ident("dt")
    })?;
    if lhs.len() == 3 || error.start >= piece[assign].span.start {
        return None;
    }
    let span = Span::new(lhs[0].span.start, lhs[lhs.len() - 1].span.end);
    let Tok::Ident(num) = lhs[k].tok else { return None };
    Some(
        Diagnostic::error(
            "E0013",
            "an ODE's left side must be `dX/dt` alone",
            span,
            "this is more than a time derivative",
        )
        .with_help(format!("move every other factor to the right side, e.g. `{num}/dt = (…) / tau`")),
    )
}

/// `a * b = …` or `-65 mV = v` in a handler: an assignment whose target is an expression.
fn target_expression(piece: &[&Spanned<'_>], error: Span) -> Option<Diagnostic> {
    // Statements live only in `on` handlers.
    if piece.first().is_none_or(|t| t.tok != Tok::On) {
        return None;
    }
    // The first token with exactly this span, found by binary search (see `unexpected`).
    let first = piece.partition_point(|t| t.span.start < error.start);
    let at = first + piece[first..].iter().take_while(|t| t.span.start == error.start).position(|t| t.span == error)?;
    // The statement around the error: back to `{` or a terminator at the same depth.
    let mut depth = 0i32;
    let mut start = None;
    for k in (0..at).rev() {
        match piece[k].tok {
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth += 1,
            Tok::LParen | Tok::LBracket => depth -= 1,
            Tok::LBrace if depth == 0 => {
                start = Some(k + 1);
                break;
            }
            Tok::LBrace => depth -= 1,
            Tok::Term if depth == 0 => {
                start = Some(k + 1);
                break;
            }
            _ => {}
        }
    }
    let start = start?;
    if piece.get(start).is_some_and(|t| t.tok.starts_declaration() || t.tok == Tok::If) {
        return None;
    }
    let mut depth = 0i32;
    for (j, t) in piece[at..].iter().enumerate() {
        match t.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
            Tok::RParen | Tok::RBracket => depth -= 1,
            Tok::RBrace | Tok::Term if depth == 0 => return None,
            Tok::RBrace => depth -= 1,
            // An operator that begins the statement (`{ = 1 }`) has no target at all: that is a
            // plain unexpected token, not a bad target (the span would run backwards; found by
            // fuzzing).
            Tok::Assign | Tok::PlusAssign | Tok::MinusAssign | Tok::StarAssign | Tok::SlashAssign
                if depth == 0 && at + j == start =>
            {
                return None;
            }
            Tok::Assign | Tok::PlusAssign | Tok::MinusAssign | Tok::StarAssign | Tok::SlashAssign if depth == 0 => {
                let last = piece[..at + j].last()?;
                let span = Span::new(piece[start].span.start, last.span.end);
                return Some(
                    Diagnostic::error("E0014", "invalid assignment target", span, "an expression cannot be assigned to")
                        .with_help("assign to a state or parameter name, a field (`post.v`) or an element (`w[i]`); put the arithmetic on the right side"),
                );
            }
            _ => {}
        }
    }
    None
}

/// `parm tau: time` or `stat v: voltage`: a declaration whose keyword is misspelt.
fn misspelt_leading_keyword(piece: &[&Spanned<'_>], error: Span) -> Option<Diagnostic> {
    let (first, second) = (piece.first()?, piece.get(1)?);
    let Tok::Ident(word) = first.tok else { return None };
    if second.span != error {
        return None;
    }
    let keyword = closest(word, KEYWORDS.iter().map(|(k, _)| *k))?;
    Some(
        Diagnostic::error(
            "E0010",
            format!("unexpected name `{word}` at the start of a declaration"),
            first.span,
            "not a keyword",
        )
        .with_help(format!("did you mean the keyword `{keyword}`?")),
    )
}
