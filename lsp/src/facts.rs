//! Facts a hover adds below the type: a stream's provenance and the expected error of its
//! decoded value, and a fixed-point quantity's format and proved range.

use scn_diagnostics::Span;
use scn_grammar::ast;
use scn_sema::Analysis;
use scn_sema::ty::{Encoding, Ty};

/// For a stream type: the sources it depends on and the standard error of its decoded value
/// over one frame (worst case over the value: p = 1/2), e.g.
/// `stream from lfsr16 0xACE1; expected error of the decoded value ≤ 0.031 (1/(2√256))`.
pub fn stream_facts(ty: &Ty) -> Option<String> {
    let Ty::Bits { encoding, len, prov } = ty else { return None };
    let sources: Vec<String> = prov
        .roots
        .iter()
        .map(|(kind, seed)| match seed {
            Some(s) => format!("{} 0x{s:04X}", kind.name()),
            None => format!("{} (seed not known before the run)", kind.name()),
        })
        .collect();
    let mut text =
        if sources.is_empty() { "stream".to_string() } else { format!("stream from {}", sources.join(", ")) };
    if prov.negated {
        text.push_str(" (complemented)");
    }
    if let Some(l) = len {
        // A frame of L Bernoulli bits: sd(p̂) = sqrt(p (1 - p) / L) ≤ 1 / (2 √L); the bipolar
        // value 2p̂ - 1 has twice that.
        let (bound, formula) = match encoding {
            Encoding::Unipolar => (0.5 / (*l as f64).sqrt(), format!("1/(2√{l})")),
            Encoding::Bipolar => (1.0 / (*l as f64).sqrt(), format!("1/√{l}")),
        };
        text.push_str(&format!("; expected error of the decoded value ≤ {bound:.3} ({formula}, one frame)"));
    }
    Some(text)
}

/// For a parameter, state or input of a model with a `precision` declaration (module 0): its
/// format, the range the analysis proved and the smallest format that holds it.
pub fn fixed_point_facts(analysis: &Analysis, target: Span) -> Option<String> {
    let root = analysis.program.modules.first()?;
    let text = &root.source.text;
    let name = text.get(target.start..target.end)?;
    let model = root.parsed.file.items.iter().find_map(|i| match &i.kind {
        ast::ItemKind::Model(m) if i.span.start <= target.start && target.end <= i.span.end => Some(m),
        _ => None,
    })?;
    let report = analysis.precision.iter().find(|r| r.model == model.name.name)?;
    let row = report.rows.iter().find(|r| r.name == name)?;
    let mut out = format!("fixed point: {} ({} on overflow)", report.format, report.overflow);
    if let Some((lo, hi)) = row.range {
        let unit = if row.scale.is_empty() { String::new() } else { format!(" × {}", row.scale) };
        out.push_str(&format!("; proved range [{lo}, {hi}]{unit}"));
    }
    if let Some(smallest) = &row.smallest {
        out.push_str(&format!("; smallest format {smallest}"));
    }
    Some(out)
}
