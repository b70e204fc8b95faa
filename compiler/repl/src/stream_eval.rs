//! Evaluating stochastic-computing expressions (`popcount(encode(0.3, lfsr16(seed = 1),
//! length = 256))`) bit-exactly: the expression is wrapped into a one-frame clocked network,
//! lowered with `scn-lower` and run by the reference interpreter, so the REPL shows exactly
//! what a network computes. The expected value and the standard error of the estimate
//! (σ = √(p(1−p)/L)) come beside the result.

use crate::candidate::Candidate;
use crate::names::ConstNames;
use crate::quantity::format_float;
use scn_grammar::ast::{Arg, BinOp, Expr, ExprKind, UnaryOp};
use scn_sema::ty::{Encoding, Ty};
use std::path::Path;

/// The wrapper network's name.
const NETWORK: &str = "__repl_sc";

/// Whether `ty` is a stream result the REPL evaluates by running one frame.
pub fn is_stream_value(ty: &Ty) -> bool {
    matches!(ty, Ty::Bits { .. } | Ty::Count(_) | Ty::Prob | Ty::Bipolar)
}

/// The frame length of the streams inside the typed expression, from the checker's types.
pub fn frame_length(c: &Candidate) -> Option<u64> {
    let lo = c.offset;
    let hi = c.offset + c.len;
    c.analysis.tables.types.iter().filter(|((m, span), _)| *m == 0 && span.start >= lo && span.end <= hi).find_map(
        |(_, ty)| match ty {
            Ty::Bits { len: Some(l), .. } => Some(*l),
            _ => None,
        },
    )
}

/// Runs one frame of `typed` (of type `ty`, streams of length `length`) after the session's
/// declarations, and describes the result.
pub fn evaluate(session: &str, typed: &str, ty: &Ty, length: u64, dir: &Path) -> Result<String, String> {
    let (before, after) = match ty {
        Ty::Bits { .. } => (
            format!("network {NETWORK} {{\n    stream __repl_bits = "),
            "\n    output __repl_out = popcount(__repl_bits)\n}".to_string(),
        ),
        _ => (
            format!(
                "network {NETWORK} {{\n    stream __repl_frame = encode(0.5, lfsr16(seed = 1), length = {length})\n    output __repl_out = "
            ),
            "\n}".to_string(),
        ),
    };
    let c = Candidate::check(session, &before, typed, &after, dir);
    if let Some((_, d)) = c.analysis.diagnostics.iter().find(|(_, d)| d.is_error()) {
        return Err(format!("cannot run this expression as a stream: {}", d.message));
    }
    let net = scn_lower::lower_network(&c.analysis, Some(NETWORK)).map_err(|d| d.message)?;
    let mut sim = scn_runtime::interp::Simulation::new(&net);
    sim.run(length, |_| {}).map_err(|e| e.to_string())?;
    let value = sim
        .outputs
        .first()
        .and_then(|f| f.first())
        .and_then(|o| o.first())
        .copied()
        .ok_or("the frame produced no value")?;
    let expr = typed_expr(&c).ok_or("the expression was lost")?;
    let expected = expected_probability(expr, &ConstNames::root(&c.analysis));
    Ok(describe(ty, value, length, expected))
}

/// The typed expression inside the wrapper network.
fn typed_expr(c: &Candidate) -> Option<&Expr> {
    let module = &c.analysis.program.modules[0];
    let item = module.parsed.file.items.last()?;
    let scn_grammar::ast::ItemKind::Network(n) = &item.kind else { return None };
    n.body.members.iter().find_map(|m| match &m.kind {
        scn_grammar::ast::MemberKind::Stream { value, .. } if c.is_typed(value.span) => Some(value),
        scn_grammar::ast::MemberKind::Decl(d) => d.value.as_ref().filter(|v| c.is_typed(v.span)),
        _ => None,
    })
}

/// The line shown for a frame's result.
fn describe(ty: &Ty, value: f64, length: u64, expected: Option<f64>) -> String {
    let l = length as f64;
    let sigma = |p: f64| (p * (1.0 - p) / l).sqrt();
    let bipolar = matches!(ty, Ty::Bits { encoding: Encoding::Bipolar, .. } | Ty::Bipolar);
    let expectation = |scale: f64, offset: f64, unit: &str| match expected {
        Some(p) => format!(
            ", expected {} ± {}{unit} (σ = √(p(1−p)/L) with p = {}, L = {length})",
            format_float(scale * p + offset),
            format_float(scale * sigma(p)),
            format_float(p)
        ),
        None => String::new(),
    };
    match ty {
        Ty::Bits { .. } | Ty::Count(_) => {
            let count = value.round() as u64;
            let decoded = if bipolar { 2.0 * value / l - 1.0 } else { value / l };
            let (scale, offset) = if bipolar { (2.0, -1.0) } else { (1.0, 0.0) };
            format!(
                "{count} of {length} ones ({ty}); decoded {}{}",
                format_float(decoded),
                expectation(scale, offset, "")
            )
        }
        Ty::Bipolar => format!("{} ({ty}){}", format_float(value), expectation(2.0, -1.0, "")),
        _ => format!("{} ({ty}){}", format_float(value), expectation(1.0, 0.0, "")),
    }
}

/// The probability of a 1-bit that the stream expression `e` has on average, assuming its
/// sources are independent (the checker warns where they are not); `None` when a value is not
/// a constant.
pub fn expected_probability(e: &Expr, names: &ConstNames<'_>) -> Option<f64> {
    let p = |x: &Expr| expected_probability(x, names);
    match &e.kind {
        ExprKind::Paren(x) => p(x),
        ExprKind::Unary(UnaryOp::Not, x) => Some(1.0 - p(x)?),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (p(a)?, p(b)?);
            match op {
                BinOp::BitAnd => Some(a * b),
                BinOp::BitOr => Some(a + b - a * b),
                BinOp::BitXor => Some(a + b - 2.0 * a * b),
                _ => None,
            }
        }
        ExprKind::Call(f, args) => {
            let ExprKind::Name(name) = &f.kind else { return None };
            let pos: Vec<&Expr> = args
                .iter()
                .filter_map(|a| match a {
                    Arg::Positional(e) => Some(e),
                    _ => None,
                })
                .collect();
            let constant = |x: &Expr| scn_sema::value::eval(x, names, 0).and_then(|v| v.num()).map(|(r, _)| r.to_f64());
            match (name.name.as_str(), pos.as_slice()) {
                ("encode", [x, ..]) => constant(x).map(|v| v.clamp(0.0, 1.0)),
                ("encode_bipolar", [x, ..]) => constant(x).map(|v| ((v + 1.0) / 2.0).clamp(0.0, 1.0)),
                ("popcount" | "decode", [x]) => p(x),
                ("xnor", [a, b]) => {
                    let (a, b) = (p(a)?, p(b)?);
                    Some(1.0 - (a + b - 2.0 * a * b))
                }
                ("mux", [s, a, b]) => {
                    let (s, a, b) = (p(s)?, p(a)?, p(b)?);
                    Some(s * a + (1.0 - s) * b)
                }
                _ => None,
            }
        }
        ExprKind::Name(n) => {
            let (m, value) = names.const_expr(&n.name)?;
            expected_probability(value, &ConstNames { analysis: names.analysis, module: m })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_the_decoded_value_and_its_expected_error() {
        let ty = Ty::Count(Some(256));
        let line = describe(&ty, 77.0, 256, Some(0.3));
        assert!(line.starts_with("77 of 256 ones (count<256>); decoded 0.30078125, expected 0.3 ± 0.02864"), "{line}");
    }

    #[test]
    fn bipolar_values_scale_the_error() {
        let line = describe(&Ty::Bipolar, 0.5, 100, Some(0.75));
        assert!(line.contains("expected 0.5 ± 0.0866025"), "{line}");
    }
}
