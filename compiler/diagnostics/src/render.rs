//! Rendering: ariadne reports for people, JSON lines for tools.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
use serde::Serialize;

/// Renders diagnostics as rustc-style reports. `color` switches ANSI colours on.
pub fn render_human(file: &SourceFile, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    let name = file.name.as_str();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let span = clamp(file, d.primary.span.range());
        let mut report = Report::build(kind, (name, span.clone()))
            .with_config(Config::default().with_color(color).with_index_type(IndexType::Byte))
            .with_code(d.code)
            .with_message(&d.message)
            .with_label(Label::new((name, span)).with_message(&d.primary.message).with_order(0));
        for (i, label) in d.secondary.iter().enumerate() {
            report = report.with_label(
                Label::new((name, clamp(file, label.span.range())))
                    .with_message(&label.message)
                    .with_order(i as i32 + 1),
            );
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        for note in &d.notes {
            report = report.with_note(note);
        }
        report
            .finish()
            .write((name, Source::from(file.text.as_str())), &mut out)
            .expect("writing to a Vec cannot fail");
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Keeps a span inside the text (ariadne needs a real position for end-of-file errors).
fn clamp(file: &SourceFile, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let len = file.text.len();
    let start = range.start.min(len);
    let end = range.end.clamp(start, len);
    start..end
}

#[derive(Serialize)]
struct JsonPosition {
    offset: usize,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    start: JsonPosition,
    end: JsonPosition,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    primary: JsonLabel<'a>,
    secondary: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
}

/// Renders diagnostics as JSON, one object per line. Lines and columns are 1-based (columns
/// count characters), offsets are bytes.
pub fn render_json(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let pos = |offset: usize| {
        let (line, column) = file.line_col(offset);
        JsonPosition { offset, line: line + 1, column: column + 1 }
    };
    let label =
        |l: &'_ crate::diagnostic::Label| -> (JsonPosition, JsonPosition) { (pos(l.span.start), pos(l.span.end)) };
    let mut out = String::new();
    for d in diagnostics {
        let (start, end) = label(&d.primary);
        let json = JsonDiagnostic {
            file: &file.name,
            severity: d.severity,
            code: d.code,
            message: &d.message,
            primary: JsonLabel { start, end, message: &d.primary.message },
            secondary: d
                .secondary
                .iter()
                .map(|l| {
                    let (start, end) = label(l);
                    JsonLabel { start, end, message: &l.message }
                })
                .collect(),
            help: d.help.as_deref(),
            notes: &d.notes,
        };
        out.push_str(&serde_json::to_string(&json).expect("diagnostics serialise"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn sample() -> (SourceFile, Vec<Diagnostic>) {
        let file = SourceFile::new("m.scn", "neuron A {\n    param x: time = 5 msec\n}\n");
        let d = Diagnostic::error("E0010", "unexpected name `msec`", Span::new(34, 38), "not a unit")
            .with_help("write `ms` for milliseconds");
        (file, vec![d])
    }

    #[test]
    fn human_report_has_code_span_and_help() {
        let (file, ds) = sample();
        let text = render_human(&file, &ds, false);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn json_lines_have_one_based_positions() {
        let (file, ds) = sample();
        let text = render_json(&file, &ds);
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["code"], "E0010");
        assert_eq!(v["primary"]["start"]["line"], 2);
        assert_eq!(v["primary"]["start"]["column"], 24);
        assert_eq!(v["help"], "write `ms` for milliseconds");
        assert_eq!(text.lines().count(), 1);
    }
}
