//! `scn doc std.neurons.NAME`: a standard-library module's documentation: its provenance (the
//! module's header comment: paper, year, DOI), for every model its doc comment, its
//! parameters with type, default and admissible range, its states, inputs and presets, and
//! the module's constants and functions. `scn doc --catalogue` prints the Markdown catalogue
//! of every module (docs/stdlib.md).

use scn_grammar::ast::{self, DeclKind, Member, MemberKind};
use std::io::Write;

/// Arguments of `scn doc`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A standard-library module (`std.neurons.adex`), optionally followed by one of its items
    /// (`std.neurons.adex.AdEx`).
    #[arg(required_unless_present = "catalogue")]
    path: Option<String>,
    /// Print the Markdown catalogue of the whole standard library instead (docs/stdlib.md).
    #[arg(long, conflicts_with = "path")]
    catalogue: bool,
}

/// Prints the documentation, or an error naming the known modules.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let Some(path) = &args.path else {
        write!(out, "{}", super::catalogue::render())?;
        return Ok(0);
    };
    let dotted = path.strip_prefix("std.").unwrap_or(path);
    let (module, item) = match scn_stdlib::source(dotted) {
        Some(_) => (dotted, None),
        None => match dotted.rsplit_once('.') {
            Some((m, i)) if scn_stdlib::source(m).is_some() => (m, Some(i)),
            _ => {
                writeln!(err, "error: `{path}` is not a standard-library module")?;
                let known: Vec<String> = scn_stdlib::MODULES.iter().map(|(m, _)| format!("std.{m}")).collect();
                writeln!(err, "known modules: {}", known.join(", "))?;
                return Ok(1);
            }
        },
    };
    let source = scn_stdlib::source(module).unwrap_or_default();
    let parsed = scn_grammar::parse(source);
    let models: Vec<(&ast::Item, &ast::Model)> = parsed
        .file
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ast::ItemKind::Model(m) if item.is_none_or(|name| m.name.name == name) => Some((i, m)),
            _ => None,
        })
        .collect();
    if let Some(name) = item
        && models.is_empty()
    {
        writeln!(err, "error: std.{module} has no model `{name}`")?;
        return Ok(1);
    }
    write!(out, "{}", render(module, source, &models))?;
    if item.is_none() {
        write!(out, "{}", values(source, &parsed.file.items))?;
    }
    Ok(0)
}

/// The text of `span` in `source`.
fn text(source: &str, span: scn_diagnostics::Span) -> &str {
    source.get(span.start..span.end).unwrap_or("")
}

/// The documentation of `module` for the given models, as plain text.
pub fn render(module: &str, source: &str, models: &[(&ast::Item, &ast::Model)]) -> String {
    let mut s = format!("std.{module}\n");
    let header = scn_stdlib::header(source);
    if !header.is_empty() {
        s.push_str("\nProvenance:\n");
        for line in header.lines() {
            s.push_str(&format!("  {line}\n").replace("  \n", "\n"));
        }
    }
    for (item, model) in models {
        s.push_str(&format!("\n{} {}\n", model.kind.keyword(), model.name.name));
        if let Some(doc) = &item.doc {
            for line in doc.trim().lines() {
                s.push_str(&format!("  {}\n", line.strip_prefix(' ').unwrap_or(line)).replace("  \n", "\n"));
            }
        }
        s.push_str(&declarations(source, &model.body.members, DeclKind::Param, "Parameters"));
        s.push_str(&declarations(source, &model.body.members, DeclKind::State, "States"));
        s.push_str(&declarations(source, &model.body.members, DeclKind::Input, "Inputs"));
        let presets: Vec<String> = model
            .body
            .members
            .iter()
            .filter_map(|m| match &m.kind {
                MemberKind::Preset { name, .. } => Some(format!(
                    "  {:<10} {}\n",
                    name.name,
                    m.doc.as_deref().map(str::trim).unwrap_or("").lines().next().unwrap_or("")
                )),
                _ => None,
            })
            .collect();
        if !presets.is_empty() {
            s.push_str("\nPresets:\n");
            s.push_str(&presets.concat());
        }
    }
    s
}

/// The module's constants and functions: signature and doc comment each.
fn values(source: &str, items: &[ast::Item]) -> String {
    let mut s = String::new();
    for (title, want_fn) in [("Constants", false), ("Functions", true)] {
        let rows: Vec<String> = items
            .iter()
            .filter(|i| match &i.kind {
                ast::ItemKind::Const(_) => !want_fn,
                ast::ItemKind::Fn(_) => want_fn,
                _ => false,
            })
            .map(|item| {
                let mut row = format!("  {}\n", text(source, item.span).lines().next().unwrap_or("").trim());
                for line in item.doc.as_deref().unwrap_or("").trim().lines() {
                    row.push_str(&format!("    {}\n", line.trim()));
                }
                row
            })
            .collect();
        if !rows.is_empty() {
            s.push_str(&format!("\n{title}:\n{}", rows.concat()));
        }
    }
    s
}

/// A table of the `kind` declarations: name, type, default, admissible range, first doc line.
fn declarations(source: &str, members: &[Member], kind: DeclKind, title: &str) -> String {
    let rows: Vec<[String; 5]> = members
        .iter()
        .filter_map(|m| match &m.kind {
            MemberKind::Decl(d) if d.kind == kind => Some([
                d.name.name.clone(),
                d.ty.as_ref().map_or_else(|| "(inferred)".to_string(), |t| text(source, t.span).to_string()),
                d.value.as_ref().map_or_else(|| "-".to_string(), |v| text(source, v.span).to_string()),
                d.range.as_ref().map_or_else(
                    || "-".to_string(),
                    |(lo, hi)| format!("[{}, {}]", text(source, lo.span), text(source, hi.span)),
                ),
                m.doc.as_deref().map(str::trim).unwrap_or("").lines().next().unwrap_or("").to_string(),
            ]),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let headings = ["name", "type", "default", "range", "description"];
    let widths: Vec<usize> =
        (0..4).map(|c| rows.iter().map(|r| r[c].len()).chain([headings[c].len()]).max().unwrap_or(0)).collect();
    let line = |r: [&str; 5]| {
        let mut l = String::from(" ");
        for c in 0..4 {
            l.push_str(&format!(" {:<w$}", r[c], w = widths[c]));
        }
        format!("{}  {}\n", l, r[4]).trim_end().to_string() + "\n"
    };
    let mut s = format!("\n{title}:\n");
    s.push_str(&line(headings));
    for r in &rows {
        s.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    s
}
