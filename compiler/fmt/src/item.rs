//! Top-level items and the file: header comments first, then the items separated by exactly
//! one empty line, then any comments at the end. Between two one-line declarations (`import`,
//! `const`, `fn`) the source's choice is kept: an empty line or none.

use crate::Formatter;
use crate::doc::{Doc, concat, newline, text};
use crate::lists::doc_lines;
use scn_grammar::ast::*;

impl Formatter<'_> {
    /// The whole file.
    pub fn file(&mut self, file: &File) -> Doc {
        let mut out = Vec::new();
        let mut first = true;
        let mut prev_end = 0usize;
        let mut prev_decl = false;
        for (k, item) in file.items.iter().enumerate() {
            let limit = file.items.get(k + 1).map_or(self.src.len(), |n| n.span.start);
            let e = self.element(prev_end, item.span, item.doc.as_deref(), limit, |f| f.item(item));
            let is_decl = matches!(item.kind, ItemKind::Import(_) | ItemKind::Const(_) | ItemKind::Fn(_));
            // Exactly one empty line between items, except between declarations.
            let forced = (k > 0 && !(prev_decl && is_decl)).then_some(true);
            for (j, c) in e.leading.iter().enumerate() {
                if !first {
                    out.push(newline(if j == 0 { forced.unwrap_or(c.blank_before) } else { c.blank_before }));
                }
                first = false;
                out.push(text(self.comments.text(c.span)));
            }
            if !first {
                out.push(newline(if e.leading.is_empty() { forced.unwrap_or(e.blank_before) } else { e.blank_before }));
            }
            first = false;
            if let Some(doc) = &e.doc {
                out.push(doc_lines(doc));
                out.push(Doc::Hard);
            }
            out.push(e.body);
            out.push(self.suffix(&e.trailing));
            prev_end = e.trailing.last().map_or(item.span.end, |c| c.end).max(item.span.end);
            prev_decl = is_decl;
        }
        let end = self.comments.take_own_lines(prev_end, usize::MAX);
        self.push_own_lines(&mut out, &end, &mut first);
        if let Some(Doc::Hard | Doc::Blank) = out.first() {
            out.remove(0);
        }
        concat(out)
    }

    /// One item.
    fn item(&mut self, item: &Item) -> Doc {
        match &item.kind {
            ItemKind::Import(i) => {
                let mut parts = vec![text("import "), self.path(&i.path)];
                if let Some(a) = &i.alias {
                    parts.push(text(format!(" as {}", a.name)));
                }
                if let Some(names) = &i.names {
                    let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
                    parts.push(text(format!(".{{{}}}", names.join(", "))));
                }
                concat(parts)
            }
            ItemKind::Const(c) => self.const_def(c),
            ItemKind::Fn(f) => self.fn_def(f),
            ItemKind::Model(m) => {
                self.interior_before(m.body.span.start);
                concat(vec![text(format!("{} {} ", m.kind.keyword(), m.name.name)), self.body(&m.body)])
            }
            ItemKind::Network(n) => {
                self.interior_before(n.body.span.start);
                concat(vec![text(format!("network {} ", n.name.name)), self.body(&n.body)])
            }
            ItemKind::Property(p) => {
                self.interior_before(p.body.span.start);
                concat(vec![
                    text(format!("property {} for ", p.name.name)),
                    self.path(&p.network),
                    text(" "),
                    self.body(&p.body),
                ])
            }
            ItemKind::Error => text(self.source(item.span)),
        }
    }
}
