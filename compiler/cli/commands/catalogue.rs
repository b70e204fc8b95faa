//! The Markdown catalogue of the standard library (docs/stdlib.md), generated from the
//! sources by `scn doc --catalogue`: every model, function and constant of every `std`
//! module, with its summary and the references (DOI, ISBN, arXiv) of its provenance.

use scn_grammar::ast::{Item, ItemKind};

/// The families of the library, in catalogue order: folder and title.
const FAMILIES: &[(&str, &str)] = &[
    ("neurons", "Neurons"),
    ("channels", "Ion channels"),
    ("synapses", "Synapses and plasticity rules"),
    ("encoders", "Encoders and stream sources"),
];

/// One catalogue row.
struct Row {
    name: String,
    kind: &'static str,
    module: String,
    summary: String,
    references: Vec<String>,
}

/// The whole catalogue as Markdown.
pub fn render() -> String {
    let mut families: Vec<(&str, Vec<Row>)> = FAMILIES.iter().map(|(_, title)| (*title, Vec::new())).collect();
    for (module, source) in scn_stdlib::MODULES {
        let Some(k) = FAMILIES.iter().position(|(dir, _)| module.split('.').next() == Some(*dir)) else { continue };
        let header_refs = references(&scn_stdlib::header(source));
        for item in &scn_grammar::parse(source).file.items {
            if let Some(row) = row(module, item, &header_refs) {
                families[k].1.push(row);
            }
        }
    }
    let counts: Vec<String> =
        families.iter().map(|(title, rows)| format!("{} {}", rows.len(), title.to_lowercase())).collect();
    let mut s = String::from(
        "# The standard-library catalogue\n\n\
         Every model, function and constant of the standard library, generated from the sources in\n\
         `stdlib/` by `scn doc --catalogue > docs/stdlib.md` (`tests/stdlib_catalogue.rs` fails when\n\
         this file is out of date). `scn doc std.MODULE` prints a module's provenance, equations,\n\
         and every parameter with its unit, default and admissible range. Module paths are below\n\
         `std.`: import with `import std.MODULE.{Name}`.\n\n",
    );
    s.push_str(&format!("In all: {}.\n", counts.join(", ")));
    for (title, rows) in &families {
        s.push_str(&format!(
            "\n## {title}\n\n| name | kind | module | summary | references |\n|---|---|---|---|---|\n"
        ));
        for r in rows {
            let refs = if r.references.is_empty() { "—".to_string() } else { r.references.join(", ") };
            s.push_str(&format!(
                "| `{}` | {} | `{}` | {} | {} |\n",
                r.name,
                r.kind,
                r.module,
                r.summary.replace('|', "\\|"),
                refs
            ));
        }
    }
    s
}

/// The row of a model, function or constant; its references are those of its doc comment,
/// else those of the module header.
fn row(module: &str, item: &Item, header_refs: &[String]) -> Option<Row> {
    let (name, kind) = match &item.kind {
        ItemKind::Model(m) => (m.name.name.clone(), m.kind.keyword()),
        ItemKind::Fn(f) => (f.name.name.clone(), "fn"),
        ItemKind::Const(c) => (c.name.name.clone(), "const"),
        _ => return None,
    };
    let doc = item.doc.as_deref().unwrap_or("");
    let own = references(doc);
    Some(Row {
        name,
        kind,
        module: module.to_string(),
        summary: summary(doc),
        references: if own.is_empty() { header_refs.to_vec() } else { own },
    })
}

/// The first paragraph of a doc comment, on one line.
fn summary(doc: &str) -> String {
    doc.trim().lines().map(str::trim).take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The DOIs, ISBNs and arXiv identifiers cited in `text`, in order, without repeats, as
/// Markdown (a DOI links to doi.org).
fn references(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_start_matches(['(', '[']);
        let lower = w.to_ascii_lowercase();
        let (tag, id) =
            if let Some(rest) = lower.strip_prefix("doi:").or_else(|| lower.strip_prefix("https://doi.org/")) {
                ("doi", w[w.len() - rest.len()..].to_string())
            } else if lower == "doi" || lower == "doi:" {
                ("doi", words.get(i + 1).map_or(String::new(), |n| n.to_string()))
            } else if lower == "isbn" || lower == "isbn:" {
                ("isbn", words.get(i + 1).map_or(String::new(), |n| n.to_string()))
            } else if let Some(rest) = lower.strip_prefix("arxiv:") {
                ("arxiv", w[w.len() - rest.len()..].to_string())
            } else {
                continue;
            };
        let id = id.trim_end_matches(['.', ',', ';', ')', ']']).trim_start_matches('(').to_string();
        if id.is_empty() || !id.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let md = match tag {
            "doi" => format!("[doi:{id}](https://doi.org/{id})"),
            "isbn" => format!("ISBN {id}"),
            _ => format!("arXiv:{id}"),
        };
        if !out.contains(&md) {
            out.push(md);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_in_every_spelling() {
        let text = "Paper, J. Phys. 1952, doi:10.1113/x.1. Also (DOI 10.1/abc), (ISBN 978-0-12) and arXiv:1901.00001; DOI 10.1/abc again.";
        assert_eq!(
            references(text),
            [
                "[doi:10.1113/x.1](https://doi.org/10.1113/x.1)",
                "[doi:10.1/abc](https://doi.org/10.1/abc)",
                "ISBN 978-0-12",
                "arXiv:1901.00001"
            ]
        );
        assert!(references("no reference, DOI pending").is_empty());
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        assert_eq!(summary(" Leaky neuron\n (Lapicque 1907).\n\n Parameters: …"), "Leaky neuron (Lapicque 1907).");
    }
}
