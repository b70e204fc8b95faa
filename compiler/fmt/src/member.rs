//! Members of neurons, synapses, channels, compartments, networks and properties, and the
//! entry blocks of `pop`, `connect`, `stimulus`, `sub` and `preset`.
//!
//! Members are one per line. In a run of consecutive checks (no empty line between them) the
//! `@` of the methods is aligned one column after the longest check, as long as the lines stay
//! within the width.

use crate::Formatter;
use crate::doc::{Doc, WIDTH, concat, group, indent, text};
use crate::expr::level;
use crate::lists::ListStyle;
use scn_grammar::ast::*;

impl Formatter<'_> {
    /// A braced list of members.
    pub fn body(&mut self, body: &Body) -> Doc {
        let pads = self.check_pads(&body.members);
        let (open, close) = (body.span.start, body.span.end.saturating_sub(1));
        let members: Vec<(&Member, Option<usize>)> = body.members.iter().zip(pads).collect();
        let list = self.braced(open, close, &members, |m| m.0.span, |m| m.0.doc.as_deref(), |f, m| f.member(m.0, m.1));
        self.layout_braced(list, ListStyle::Members)
    }

    /// For each member, the spaces before its `@` when it is an aligned check.
    fn check_pads(&self, members: &[Member]) -> Vec<Option<usize>> {
        let mut pads = vec![None; members.len()];
        let mut run: Vec<(usize, usize)> = Vec::new();
        let widths: Vec<Option<(usize, usize)>> = members.iter().map(|m| self.check_widths(m)).collect();
        for k in 0..=members.len() {
            let continues = k < members.len()
                && widths[k].is_some()
                && (run.is_empty()
                    || !self
                        .comments
                        .blank_between(members[k - 1].span.end, self.comments.doc_start(members[k].span.start)));
            if !continues {
                let longest = run.iter().map(|&(i, _)| widths[i].map_or(0, |w| w.0)).max().unwrap_or(0);
                for &(i, methods) in &run {
                    let (own, _) = widths[i].expect("only checks are in runs");
                    if 4 + longest + 1 + methods <= WIDTH {
                        pads[i] = Some(longest - own + 1);
                    }
                }
                run.clear();
            }
            if let Some(Some((_, methods))) = widths.get(k) {
                run.push((k, *methods));
            }
        }
        pads
    }

    /// The flat widths of a check with methods: before the `@`, and from the `@` on.
    fn check_widths(&self, m: &Member) -> Option<(usize, usize)> {
        let MemberKind::Check(c) = &m.kind else { return None };
        if c.methods.is_empty() {
            return None;
        }
        let own = self.check_head(c).flat_width()?;
        let methods = self.methods(&c.methods).flat_width()?;
        (4 + own + 1 + methods <= WIDTH).then_some((own, methods))
    }

    /// One member; `pad` aligns the `@` of a check.
    pub fn member(&mut self, m: &Member, pad: Option<usize>) -> Doc {
        match &m.kind {
            MemberKind::Decl(d) => {
                let mut parts = vec![text(format!("{} {}", d.kind.keyword(), d.name.name))];
                parts.extend(d.binders.iter().map(|b| self.binder(b)));
                parts.push(self.ascription(d.ty.as_ref()));
                if let Some(v) = &d.value {
                    parts.push(text(" = "));
                    parts.push(self.expr(v));
                }
                if let Some((lo, hi)) = &d.range {
                    parts.extend([text(" in ["), self.expr(lo), text(", "), self.expr(hi), text("]")]);
                }
                concat(parts)
            }
            MemberKind::Let { name, ty, value } => concat(vec![
                text(format!("let {}", name.name)),
                self.ascription(ty.as_ref()),
                text(" = "),
                self.expr(value),
            ]),
            MemberKind::Const(c) => self.const_def(c),
            MemberKind::Fn(f) => self.fn_def(f),
            MemberKind::Ode { var, rhs, .. } => concat(vec![text(format!("d{}/dt = ", var.name)), self.expr(rhs)]),
            MemberKind::Next { var, rhs } => concat(vec![text(format!("next {} = ", var.name)), self.expr(rhs)]),
            MemberKind::On { trigger, body } => {
                self.interior_before(body.span.start);
                concat(vec![text("on "), self.expr(trigger), text(" "), self.block(body)])
            }
            MemberKind::Invariant(e) => concat(vec![text("invariant "), self.expr(e)]),
            MemberKind::Solver { name, substeps } => match substeps {
                Some(s) => concat(vec![text(format!("solver {} substeps ", name.name)), self.expr(s)]),
                None => text(format!("solver {}", name.name)),
            },
            MemberKind::Substeps(e) => concat(vec![text("substeps "), self.expr(e)]),
            MemberKind::Precision(p) => {
                let mut parts = vec![text("precision "), self.ty(&p.ty)];
                if let Some(o) = &p.overflow {
                    parts.push(text(format!(" overflow {}", o.name)));
                }
                if let Some(r) = &p.rounding {
                    parts.push(text(format!(" rounding {}", r.name)));
                }
                if !p.scale.is_empty() {
                    parts.push(text(" scale"));
                    parts.push(self.args(&p.scale));
                }
                concat(parts)
            }
            MemberKind::Rng { name, source } => concat(vec![text(format!("rng {} = ", name.name)), self.expr(source)]),
            MemberKind::Use(items) => {
                let mut parts = vec![text("use ")];
                for (k, u) in items.iter().enumerate() {
                    if k > 0 {
                        parts.push(text(", "));
                    }
                    parts.push(self.path(&u.path));
                    if !u.args.is_empty() {
                        parts.push(self.args(&u.args));
                    }
                }
                concat(parts)
            }
            MemberKind::Compartment { name, body } => {
                self.interior_before(body.span.start);
                concat(vec![text(format!("compartment {} ", name.name)), self.body(body)])
            }
            MemberKind::Preset { name, entries } => {
                let block = self.entry_block(entries, m.span.end.saturating_sub(1));
                concat(vec![text(format!("preset {} ", name.name)), block])
            }
            MemberKind::Gate { name, entries } => {
                let mut inner = vec![Doc::Line];
                for (k, e) in entries.iter().enumerate() {
                    if k > 0 {
                        inner.push(text(","));
                        inner.push(Doc::Line);
                    }
                    inner.push(self.entry(e));
                }
                concat(vec![text(format!("gate {}:", name.name)), group(indent(concat(inner)))])
            }
            MemberKind::Current(e) => concat(vec![text("current "), self.expr(e)]),
            MemberKind::Setting { name, value } => concat(vec![text(format!("{} = ", name.name)), self.expr(value)]),
            MemberKind::Pop { name, model, size, overrides } => {
                let mut parts = vec![
                    text(format!("pop {} = ", name.name)),
                    self.path(model),
                    text("["),
                    self.expr(size),
                    text("]"),
                ];
                self.push_entries(&mut parts, overrides, m);
                concat(parts)
            }
            MemberKind::Connect { name, source, targets, via, rules } => {
                let mut parts = vec![text("connect ")];
                if let Some(n) = name {
                    parts.push(text(format!("{} = ", n.name)));
                }
                parts.push(self.expr(source));
                self.push_targets(&mut parts, targets, via.as_ref());
                self.push_entries(&mut parts, rules, m);
                concat(parts)
            }
            MemberKind::Stimulus { name, kind, args, targets, via, rules } => {
                let mut parts = vec![text("stimulus ")];
                if let Some(n) = name {
                    parts.push(text(format!("{} = ", n.name)));
                }
                parts.push(text(&kind.name));
                parts.push(self.args(args));
                self.push_targets(&mut parts, targets, via.as_ref());
                self.push_entries(&mut parts, rules, m);
                concat(parts)
            }
            MemberKind::Monitor { kind, args } => concat(vec![text(format!("monitor {}", kind.name)), self.args(args)]),
            MemberKind::Stream { name, binders, ty, value } => {
                let mut parts = vec![text(format!("stream {}", name.name))];
                parts.extend(binders.iter().map(|b| self.binder(b)));
                parts.push(self.ascription(ty.as_ref()));
                parts.push(text(" = "));
                parts.push(self.expr(value));
                concat(parts)
            }
            MemberKind::Sub { name, model, overrides } => {
                let mut parts = vec![text(format!("sub {} = ", name.name)), self.path(model)];
                self.push_entries(&mut parts, overrides, m);
                concat(parts)
            }
            MemberKind::Check(c) => {
                let mut parts = vec![self.check_head(c)];
                if !c.methods.is_empty() {
                    parts.push(text(" ".repeat(pad.unwrap_or(1))));
                    parts.push(self.methods(&c.methods));
                }
                concat(parts)
            }
            MemberKind::Error => text(self.source(m.span)),
        }
    }

    /// `[i in a..b]` after a declared name.
    fn binder(&self, b: &Binder) -> Doc {
        concat(vec![text("["), self.binder_arg(b), text("]")])
    }

    /// ` -> a, b` and ` via S(args)`.
    fn push_targets(&self, parts: &mut Vec<Doc>, targets: &[Expr], via: Option<&Via>) {
        parts.push(text(" -> "));
        for (k, t) in targets.iter().enumerate() {
            if k > 0 {
                parts.push(text(", "));
            }
            parts.push(self.expr(t));
        }
        if let Some(v) = via {
            parts.push(text(" via "));
            parts.push(self.path(&v.model));
            if !v.args.is_empty() {
                parts.push(self.args(&v.args));
            }
        }
    }

    /// ` { entries }` when there are entries (the block ends the member).
    fn push_entries(&mut self, parts: &mut Vec<Doc>, entries: &[Entry], m: &Member) {
        if !entries.is_empty() {
            parts.push(text(" "));
            parts.push(self.entry_block(entries, m.span.end.saturating_sub(1)));
        }
    }

    /// An entry block whose `}` is at `close`.
    fn entry_block(&mut self, entries: &[Entry], close: usize) -> Doc {
        let open = self
            .open_brace_of(close)
            .unwrap_or_else(|| entries.first().map_or(close, |e| e.span.start).saturating_sub(1));
        self.interior_before(open);
        let list = self.braced(open, close, entries, |e| e.span, |_| None, |f, e| f.entry(e));
        self.layout_braced(list, ListStyle::Entries)
    }

    /// `name = e`, `let name = e` or a flag.
    fn entry(&self, e: &Entry) -> Doc {
        match &e.kind {
            EntryKind::Set(n, v) => concat(vec![text(format!("{} = ", n.name)), self.expr(v)]),
            EntryKind::Let(n, v) => concat(vec![text(format!("let {} = ", n.name)), self.expr(v)]),
            EntryKind::Flag(n) => text(&n.name),
        }
    }

    /// A check up to its methods.
    fn check_head(&self, c: &Check) -> Doc {
        concat(vec![text(format!("{} ", c.kind.keyword())), self.prop(&c.prop)])
    }

    /// `@m1, m2(args)`.
    fn methods(&self, methods: &[Method]) -> Doc {
        let mut parts = vec![text("@")];
        for (k, m) in methods.iter().enumerate() {
            if k > 0 {
                parts.push(text(", "));
            }
            parts.push(text(&m.name.name));
            if let Some(args) = &m.args {
                parts.push(self.args(args));
            }
        }
        concat(parts)
    }

    /// A property form.
    fn prop(&self, p: &Prop) -> Doc {
        let post = |e: &Expr| self.expr_at(e, level::POSTFIX);
        let bit_or = |e: &Expr| self.expr_at(e, level::BIT_OR);
        match p {
            Prop::Expr(e) => self.expr(e),
            Prop::Window { subject, window, length, op, bound } => {
                let w = match window {
                    WindowKind::Sliding => "sliding",
                    WindowKind::Tumbling => "tumbling",
                };
                concat(vec![
                    post(subject),
                    text(format!(" per {w} ")),
                    bit_or(length),
                    text(format!(" {} ", op.symbol())),
                    bit_or(bound),
                ])
            }
            Prop::After { trigger, then, duration } => {
                concat(vec![post(trigger), text(" "), post(then), text(" for "), bit_or(duration)])
            }
            Prop::AtMost { subject, duration } => concat(vec![post(subject), text(" at_most "), bit_or(duration)]),
            Prop::Within { event, duration, cause } => {
                concat(vec![post(event), text(" within "), bit_or(duration), text(" of "), post(cause)])
            }
            Prop::PrecededBy { event, cause, duration } => {
                concat(vec![post(event), text(" preceded_by "), post(cause), text(" within "), bit_or(duration)])
            }
            Prop::InRange { subject, lo, hi } => {
                concat(vec![post(subject), text(" in ["), self.expr(lo), text(", "), self.expr(hi), text("]")])
            }
        }
    }

    /// `const NAME[: T] = e`.
    pub fn const_def(&self, c: &Const) -> Doc {
        concat(vec![
            text(format!("const {}", c.name.name)),
            self.ascription(c.ty.as_ref()),
            text(" = "),
            self.expr(&c.value),
        ])
    }

    /// `fn name(params)[ -> T] = e`.
    pub fn fn_def(&self, f: &FnDef) -> Doc {
        let params =
            f.params.iter().map(|p| concat(vec![text(format!("{}: ", p.name.name)), self.ty(&p.ty)])).collect();
        let mut parts = vec![text(format!("fn {}", f.name.name)), crate::expr::delimited("(", params, ")", true)];
        if let Some(r) = &f.ret {
            parts.push(text(" -> "));
            parts.push(self.ty(r));
        }
        parts.push(text(" = "));
        parts.push(self.expr(&f.body));
        concat(parts)
    }
}
