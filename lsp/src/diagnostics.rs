//! Compiler diagnostics as LSP diagnostics.

use crate::position::LineIndex;
use scn_diagnostics::{Diagnostic, Severity};
use tower_lsp_server::ls_types::{self as lsp, DiagnosticRelatedInformation, Location, NumberOrString, Uri};

/// Converts the diagnostics of one file. The message is the compiler's message (what `scn
/// check` prints first), followed by the help line and notes; secondary labels become related
/// information in the same file.
pub fn to_lsp(uri: &Uri, text: &str, diags: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
    let index = LineIndex::new(text);
    diags.iter().map(|d| convert(uri, &index, d)).collect()
}

fn convert(uri: &Uri, index: &LineIndex<'_>, d: &Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if !d.primary.message.is_empty() && d.primary.message != d.message {
        message.push_str(&format!("\n{}", d.primary.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), index.range(l.span)),
            message: l.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: index.range(d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("scn".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}
