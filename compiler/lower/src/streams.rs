//! Lowering the stochastic-computing part of a network (LANGUAGE §7): `param` arrays (literal
//! or `load("file.csv")`), `stream` declarations, `output`s and `stimulus bits(s)`.

use crate::{Lowerer, unsupported};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, ExprKind, MemberKind, TypeKind, UnaryOp};
use scn_runtime::ir::{self, ScArray, ScExpr, ScNetwork, ScOutput, ScSource, StreamDecl, StreamExpr};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Names visible in stream and output expressions.
pub(crate) struct ScNames {
    /// Network arrays by name.
    pub arrays: HashMap<String, usize>,
    /// Streams by name: index and dims.
    pub streams: HashMap<String, usize>,
}

/// A lowered stream expression with its length and encoding.
struct Lowered {
    expr: StreamExpr,
    length: u64,
    bipolar: bool,
}

fn named<'a>(args: &'a [Arg], key: &str) -> Option<&'a ast::Expr> {
    args.iter().find_map(|a| match a {
        Arg::Named(n, v) if n.name == key => Some(v),
        _ => None,
    })
}

fn positional(args: &[Arg]) -> Vec<&ast::Expr> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn strip(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ExprKind::Paren(x) => strip(x),
        _ => e,
    }
}

fn call_name(e: &ast::Expr) -> Option<(&str, &[Arg])> {
    match &strip(e).kind {
        ExprKind::Call(f, args) => match &f.kind {
            ExprKind::Name(n) => Some((n.name.as_str(), args.as_slice())),
            _ => None,
        },
        _ => None,
    }
}

/// `base[i][j]` as the base name and its index expressions.
fn index_chain(e: &ast::Expr) -> Option<(&ast::Ident, Vec<&ast::Expr>)> {
    match &strip(e).kind {
        ExprKind::Name(n) => Some((n, Vec::new())),
        ExprKind::Index(b, i) => {
            let (n, mut v) = index_chain(b)?;
            v.push(i);
            Some((n, v))
        }
        _ => None,
    }
}

/// The declared dimensions of an array type (`prob[4][16]` is `[4, 16]`).
fn type_dims(t: &ast::Type, out: &mut Vec<ast::Expr>) {
    if let TypeKind::Array(inner, n) = &t.kind {
        type_dims(inner, out);
        out.push(n.clone());
    }
}

/// Reads a CSV of numbers (no header, one row per line).
/// Rows of numbers from a data file: a `.npy` array ([`crate::npy`]) or a CSV without header.
pub(crate) fn read_numbers(path: &Path) -> Result<Vec<Vec<f64>>, String> {
    if path.extension().is_some_and(|e| e == "npy") { crate::npy::read(path) } else { read_csv(path) }
}

pub(crate) fn read_csv(path: &Path) -> Result<Vec<Vec<f64>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut row = Vec::new();
        for cell in line.split(',') {
            let cell = cell.trim();
            row.push(
                cell.parse::<f64>()
                    .map_err(|_| format!("`{}` line {}: `{cell}` is not a number", path.display(), k + 1))?,
            );
        }
        rows.push(row);
    }
    Ok(rows)
}

impl<'p> Lowerer<'p> {
    /// The directory `load` paths are relative to: the root model file's.
    pub(crate) fn model_dir(&self) -> PathBuf {
        match &self.analysis.program.modules[0].origin {
            scn_sema::modules::Origin::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            _ => PathBuf::new(),
        }
    }

    fn const_int(&self, consts: &HashMap<String, f64>, e: &ast::Expr, what: &str) -> Result<i64, Diagnostic> {
        let v = self
            .net_value_pub(consts, e)
            .ok_or_else(|| unsupported(e.span, &format!("{what} that is not constant")))?;
        if v.fract() != 0.0 {
            return Err(unsupported(e.span, &format!("{what} that is not an integer")));
        }
        Ok(v as i64)
    }

    fn range(&self, consts: &HashMap<String, f64>, r: &ast::Expr) -> Result<(i64, i64), Diagnostic> {
        match &strip(r).kind {
            ExprKind::Range(a, b) => {
                Ok((self.const_int(consts, a, "a range bound")?, self.const_int(consts, b, "a range bound")?))
            }
            _ => Err(unsupported(r.span, "this index range")),
        }
    }

    /// A network `param` array, or `None` for a scalar parameter.
    pub(crate) fn sc_array(
        &self,
        consts: &HashMap<String, f64>,
        d: &ast::Decl,
        span: Span,
    ) -> Result<Option<ScArray>, Diagnostic> {
        let Some(value) = &d.value else { return Ok(None) };
        let mut dims_e = Vec::new();
        if let Some(t) = &d.ty {
            type_dims(t, &mut dims_e);
        }
        let mut declared = Vec::new();
        for e in &dims_e {
            declared.push(self.const_int(consts, e, "an array size")? as u64);
        }
        let (dims, values) = if let Some(("load", args)) = call_name(value) {
            let file = positional(args)
                .first()
                .and_then(|e| match &e.kind {
                    ExprKind::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .ok_or_else(|| unsupported(value.span, "`load` of something other than a file name"))?;
            if !file.ends_with(".csv") && !file.ends_with(".npy") {
                return Err(unsupported(value.span, "loading files other than CSV and NumPy `.npy`"));
            }
            let path = self.model_dir().join(&file);
            let rows = read_numbers(&path).map_err(|m| {
                Diagnostic::error("E0701", format!("cannot load `{file}`"), value.span, m).with_help(
                    "give a CSV of numbers (no header, one row per line) or a 1-D/2-D `.npy` array next to the model file",
                )
            })?;
            let ncols = rows.first().map_or(0, Vec::len);
            let values: Vec<f64> = rows.iter().flatten().copied().collect();
            let bad = |msg: String| {
                Diagnostic::error("E0701", format!("`{file}` does not fit `{}`", d.name.name), value.span, msg)
                    .with_help("a 2-D array T[N][M] is N lines of M values; a 1-D array one row or one column")
            };
            if rows.iter().any(|r| r.len() != ncols) {
                return Err(bad("its rows have different lengths".into()));
            }
            let dims = match declared.len() {
                0 | 1 => {
                    if rows.len() > 1 && ncols > 1 {
                        return Err(bad(format!("it holds {} rows of {ncols} values", rows.len())));
                    }
                    vec![values.len() as u64]
                }
                2 => {
                    if rows.len() as u64 != declared[0] || ncols as u64 != declared[1] {
                        return Err(bad(format!("it holds {} rows of {ncols} values", rows.len())));
                    }
                    declared.clone()
                }
                _ => return Err(unsupported(span, "loading arrays of more than two dimensions")),
            };
            if declared.len() == 1 && declared[0] != values.len() as u64 {
                return Err(bad(format!("it holds {} values, not {}", values.len(), declared[0])));
            }
            (dims, values)
        } else if matches!(strip(value).kind, ExprKind::Array(_)) {
            let mut values = Vec::new();
            let mut dims = Vec::new();
            self.flatten_array(consts, strip(value), 0, &mut dims, &mut values)?;
            if !declared.is_empty() && declared != dims {
                return Err(unsupported(value.span, "an array literal whose shape differs from its type"));
            }
            (dims, values)
        } else {
            return Ok(None);
        };
        Ok(Some(ScArray { name: d.name.name.clone(), dims, values }))
    }

    fn flatten_array(
        &self,
        consts: &HashMap<String, f64>,
        e: &ast::Expr,
        depth: usize,
        dims: &mut Vec<u64>,
        out: &mut Vec<f64>,
    ) -> Result<(), Diagnostic> {
        match &strip(e).kind {
            ExprKind::Array(items) => {
                if dims.len() == depth {
                    dims.push(items.len() as u64);
                } else if dims[depth] != items.len() as u64 {
                    return Err(unsupported(e.span, "a ragged array"));
                }
                for x in items {
                    self.flatten_array(consts, x, depth + 1, dims, out)?;
                }
                Ok(())
            }
            _ => {
                if dims.len() != depth {
                    return Err(unsupported(e.span, "a ragged array"));
                }
                out.push(
                    self.net_value_pub(consts, e)
                        .ok_or_else(|| unsupported(e.span, "an array element that is not constant"))?,
                );
                Ok(())
            }
        }
    }

    /// Lowers every `stream` and `output` of `net` (arrays were collected already).
    pub(crate) fn sc_network(
        &mut self,
        net: &'p ast::Network,
        consts: &HashMap<String, f64>,
        arrays: Vec<ScArray>,
    ) -> Result<(ScNetwork, ScNames), Diagnostic> {
        let mut names = ScNames {
            arrays: arrays.iter().enumerate().map(|(k, a)| (a.name.clone(), k)).collect(),
            streams: HashMap::new(),
        };
        let mut sc = ScNetwork { arrays, ..ScNetwork::default() };
        // First the names and shapes of every stream, so that streams may refer to each other.
        for m in &net.body.members {
            if let MemberKind::Stream { name, binders, .. } = &m.kind {
                let mut dims = Vec::new();
                for b in binders {
                    let (a, z) = self.range(consts, &b.range)?;
                    if a != 0 {
                        return Err(unsupported(b.range.span, "a stream index range that does not start at 0"));
                    }
                    dims.push(z.max(0) as u64);
                }
                names.streams.insert(name.name.clone(), sc.streams.len());
                sc.streams.push(StreamDecl {
                    name: name.name.clone(),
                    dims,
                    value: StreamExpr::Not(Box::new(StreamExpr::Ref { stream: 0, index: vec![] })),
                });
            }
        }
        let mut length: Option<(u64, Span)> = None;
        let mut k = 0;
        for m in &net.body.members {
            match &m.kind {
                MemberKind::Stream { binders, value, .. } => {
                    let env: Vec<String> = binders.iter().map(|b| b.name.name.clone()).collect();
                    let mut env = env;
                    let l = self.sc_stream(consts, &names, &mut sc, &mut env, value)?;
                    match length {
                        Some((len, _)) if len != l.length => {
                            return Err(unsupported(
                                value.span,
                                &format!("streams of different lengths in one network ({len} and {})", l.length),
                            ));
                        }
                        _ => length = Some((l.length, value.span)),
                    }
                    sc.streams[k].value = l.expr;
                    k += 1;
                }
                MemberKind::Decl(d) if d.kind == ast::DeclKind::Output => {
                    let value = d
                        .value
                        .as_ref()
                        .ok_or_else(|| unsupported(m.span, "an output without a defining expression"))?;
                    let mut dims = Vec::new();
                    let mut env = Vec::new();
                    for b in &d.binders {
                        let (a, z) = self.range(consts, &b.range)?;
                        if a != 0 {
                            return Err(unsupported(b.range.span, "an output index range that does not start at 0"));
                        }
                        dims.push(z.max(0) as u64);
                        env.push(b.name.name.clone());
                    }
                    let value = self.sc_num(consts, &names, &mut sc, &mut env, value)?;
                    sc.outputs.push(ScOutput { name: d.name.name.clone(), dims, value });
                }
                _ => {}
            }
        }
        sc.length = length.map_or(0, |(l, _)| l);
        if sc.length == 0 && !sc.outputs.is_empty() {
            return Err(unsupported(net.name.span, "network outputs without streams"));
        }
        Ok((sc, names))
    }

    fn sc_num(
        &mut self,
        consts: &HashMap<String, f64>,
        names: &ScNames,
        sc: &mut ScNetwork,
        env: &mut Vec<String>,
        e: &'p ast::Expr,
    ) -> Result<ScExpr, Diagnostic> {
        let e = strip(e);
        let mentions_env = {
            let mut found = false;
            visit_names(e, &mut |n| found |= env.iter().any(|b| b == n));
            found
        };
        if !mentions_env && let Some(v) = self.net_value_pub(consts, e) {
            return Ok(ScExpr::Const(v));
        }
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(k) = env.iter().rposition(|b| *b == n.name) {
                    return Ok(ScExpr::Index(k as u16));
                }
                if let Some(v) = consts.get(&n.name) {
                    return Ok(ScExpr::Const(*v));
                }
                Err(unsupported(e.span, &format!("`{}` here", n.name)))
            }
            ExprKind::Index(..) => {
                let (base, idx) = index_chain(e).ok_or_else(|| unsupported(e.span, "this indexing"))?;
                let array = *names
                    .arrays
                    .get(&base.name)
                    .ok_or_else(|| unsupported(e.span, &format!("indexing `{}` here", base.name)))?;
                let mut index = Vec::new();
                for i in idx {
                    index.push(self.sc_num(consts, names, sc, env, i)?);
                }
                Ok(ScExpr::Array { array, index })
            }
            ExprKind::Unary(UnaryOp::Neg, x) => Ok(ScExpr::Neg(Box::new(self.sc_num(consts, names, sc, env, x)?))),
            ExprKind::Binary(op, a, b) => {
                let op = match op {
                    ast::BinOp::Add => ir::BinOp::Add,
                    ast::BinOp::Sub => ir::BinOp::Sub,
                    ast::BinOp::Mul => ir::BinOp::Mul,
                    ast::BinOp::Div => ir::BinOp::Div,
                    ast::BinOp::Rem => ir::BinOp::Rem,
                    ast::BinOp::Pow => ir::BinOp::Pow,
                    ast::BinOp::Shl => ir::BinOp::Shl,
                    ast::BinOp::Shr => ir::BinOp::Shr,
                    _ => return Err(unsupported(e.span, "this operator on numbers")),
                };
                let a = self.sc_num(consts, names, sc, env, a)?;
                let b = self.sc_num(consts, names, sc, env, b)?;
                Ok(ScExpr::Bin(op, Box::new(a), Box::new(b)))
            }
            ExprKind::Call(..) => {
                let (f, args) = call_name(e).ok_or_else(|| unsupported(e.span, "this call"))?;
                let pos = positional(args);
                match (f, pos.as_slice()) {
                    ("popcount", [s]) => {
                        let l = self.sc_stream(consts, names, sc, env, s)?;
                        Ok(ScExpr::Popcount(Box::new(l.expr)))
                    }
                    ("decode", [x]) => {
                        let inner = match call_name(x) {
                            Some(("popcount", a)) if positional(a).len() == 1 => positional(a)[0],
                            _ => x,
                        };
                        let l = self.sc_stream(consts, names, sc, env, inner)?;
                        Ok(ScExpr::Decode {
                            bipolar: l.bipolar,
                            count: Box::new(ScExpr::Popcount(Box::new(l.expr))),
                            length: l.length,
                        })
                    }
                    ("sum", [body]) => {
                        let Some(Arg::Binder(b)) = args.iter().find(|a| matches!(a, Arg::Binder(_))) else {
                            return Err(unsupported(e.span, "`sum` without an index binder"));
                        };
                        let (from, to) = self.range(consts, &b.range)?;
                        env.push(b.name.name.clone());
                        let binder = (env.len() - 1) as u16;
                        let body = self.sc_num(consts, names, sc, env, body);
                        env.pop();
                        Ok(ScExpr::Sum { binder, from, to, body: Box::new(body?) })
                    }
                    _ => Err(unsupported(e.span, &format!("`{f}` in a stream output"))),
                }
            }
            _ => Err(unsupported(e.span, "this expression in a stream output")),
        }
    }

    fn sc_stream(
        &mut self,
        consts: &HashMap<String, f64>,
        names: &ScNames,
        sc: &mut ScNetwork,
        env: &mut Vec<String>,
        e: &'p ast::Expr,
    ) -> Result<Lowered, Diagnostic> {
        let e = strip(e);
        let pair = |this: &mut Self, sc: &mut ScNetwork, env: &mut Vec<String>, a: &'p ast::Expr, b: &'p ast::Expr| {
            let x = this.sc_stream(consts, names, sc, env, a)?;
            let y = this.sc_stream(consts, names, sc, env, b)?;
            if x.length != y.length {
                return Err(unsupported(e.span, "combining streams of different lengths"));
            }
            Ok((x, y))
        };
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Index(..) => {
                let (base, idx) = index_chain(e).ok_or_else(|| unsupported(e.span, "this stream"))?;
                let stream = *names
                    .streams
                    .get(&base.name)
                    .ok_or_else(|| unsupported(e.span, &format!("`{}` as a stream", base.name)))?;
                let mut index = Vec::new();
                for i in idx {
                    index.push(self.sc_num(consts, names, sc, env, i)?);
                }
                let (length, bipolar) = stream_shape(sc, stream);
                Ok(Lowered { expr: StreamExpr::Ref { stream, index }, length, bipolar })
            }
            ExprKind::Unary(UnaryOp::BitNot, x) => {
                let l = self.sc_stream(consts, names, sc, env, x)?;
                Ok(Lowered { expr: StreamExpr::Not(Box::new(l.expr)), ..l })
            }
            ExprKind::Binary(op @ (ast::BinOp::BitAnd | ast::BinOp::BitOr | ast::BinOp::BitXor), a, b) => {
                let (x, y) = pair(self, sc, env, a, b)?;
                let (xa, yb) = (Box::new(x.expr), Box::new(y.expr));
                let expr = match op {
                    ast::BinOp::BitAnd => StreamExpr::And(xa, yb),
                    ast::BinOp::BitOr => StreamExpr::Or(xa, yb),
                    _ => StreamExpr::Xor(xa, yb),
                };
                Ok(Lowered { expr, length: x.length, bipolar: x.bipolar })
            }
            ExprKind::Call(..) => {
                let (f, args) = call_name(e).ok_or_else(|| unsupported(e.span, "this call"))?;
                let pos = positional(args);
                match (f, pos.as_slice()) {
                    ("encode" | "encode_bipolar", [value, source, ..]) => {
                        let bipolar = f == "encode_bipolar";
                        let len_e = named(args, "length")
                            .or_else(|| pos.get(2).copied())
                            .ok_or_else(|| unsupported(e.span, "`encode` without `length`"))?;
                        let length = self.const_int(consts, len_e, "a stream length")?;
                        if length <= 0 {
                            return Err(unsupported(len_e.span, "a stream length below 1"));
                        }
                        let value = self.sc_num(consts, names, sc, env, value)?;
                        let (kind, sargs) =
                            call_name(source).ok_or_else(|| unsupported(source.span, "this number source"))?;
                        let (source_kind, key) = match kind {
                            "lfsr16" => {
                                let dialect = match named(sargs, "variant") {
                                    None => scn_runtime::sc::LfsrDialect::Canonical,
                                    Some(v) => {
                                        let name = match &strip(v).kind {
                                            ExprKind::Name(n) => n.name.clone(),
                                            ExprKind::Str(s) => s.clone(),
                                            _ => return Err(unsupported(v.span, "this LFSR variant")),
                                        };
                                        scn_runtime::sc::LfsrDialect::from_name(&name)
                                            .map_err(|_| unsupported(v.span, &format!("the LFSR variant `{name}`")))?
                                    }
                                };
                                (ScSource::Lfsr16(dialect), "seed")
                            }
                            "sobol16" => (ScSource::Sobol16, "start"),
                            "halton2" => (ScSource::Halton2, "start"),
                            "bernoulli" => (ScSource::Bernoulli, "seed"),
                            _ => return Err(unsupported(source.span, &format!("`{kind}` as a stream source"))),
                        };
                        let seed = match named(sargs, key).or_else(|| positional(sargs).first().copied()) {
                            Some(s) => self.sc_num(consts, names, sc, env, s)?,
                            None if key == "seed" => ScExpr::Const(f64::from(scn_runtime::sc::LFSR16_DEFAULT_SEED)),
                            None => ScExpr::Const(0.0),
                        };
                        let site = sc.sites;
                        sc.sites += 1;
                        Ok(Lowered {
                            expr: StreamExpr::Encode {
                                site,
                                bipolar,
                                value: Box::new(value),
                                source: source_kind,
                                seed: Box::new(seed),
                                length: length as u64,
                            },
                            length: length as u64,
                            bipolar,
                        })
                    }
                    ("xnor", [a, b]) => {
                        let (x, y) = pair(self, sc, env, a, b)?;
                        let expr = StreamExpr::Xnor(Box::new(x.expr), Box::new(y.expr));
                        Ok(Lowered { expr, length: x.length, bipolar: x.bipolar })
                    }
                    ("cordiv", [a, b]) => {
                        let (x, y) = pair(self, sc, env, a, b)?;
                        let expr = StreamExpr::Cordiv(Box::new(x.expr), Box::new(y.expr));
                        Ok(Lowered { expr, length: x.length, bipolar: x.bipolar })
                    }
                    ("mux", [s, a, b]) => {
                        let sel = self.sc_stream(consts, names, sc, env, s)?;
                        let (x, y) = pair(self, sc, env, a, b)?;
                        if sel.length != x.length {
                            return Err(unsupported(e.span, "combining streams of different lengths"));
                        }
                        let expr = StreamExpr::Mux(Box::new(sel.expr), Box::new(x.expr), Box::new(y.expr));
                        Ok(Lowered { expr, length: x.length, bipolar: x.bipolar })
                    }
                    _ => Err(unsupported(e.span, &format!("`{f}` as a stream"))),
                }
            }
            _ => Err(unsupported(e.span, "this stream expression")),
        }
    }
}

/// Length and encoding of a declared stream (from its lowered value; forward references are
/// resolved when the referenced stream is lowered, so they report 0 until then).
fn stream_shape(sc: &ScNetwork, stream: usize) -> (u64, bool) {
    fn shape(sc: &ScNetwork, e: &StreamExpr, depth: u32) -> (u64, bool) {
        if depth > 64 {
            return (0, false);
        }
        match e {
            StreamExpr::Encode { length, bipolar, .. } => (*length, *bipolar),
            StreamExpr::Ref { stream, .. } => shape(sc, &sc.streams[*stream].value, depth + 1),
            StreamExpr::Not(a) | StreamExpr::And(a, _) | StreamExpr::Or(a, _) | StreamExpr::Xor(a, _) => {
                shape(sc, a, depth + 1)
            }
            StreamExpr::Xnor(a, _) | StreamExpr::Cordiv(a, _) | StreamExpr::Mux(_, a, _) => shape(sc, a, depth + 1),
        }
    }
    shape(sc, &sc.streams[stream].value, 0)
}

fn visit_names(e: &ast::Expr, f: &mut dyn FnMut(&str)) {
    match &e.kind {
        ExprKind::Name(n) => f(&n.name),
        ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::Cast(x, _) | ExprKind::Field(x, _) => visit_names(x, f),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
            visit_names(a, f);
            visit_names(b, f);
        }
        ExprKind::Compare(a, rest) => {
            visit_names(a, f);
            for (_, x) in rest {
                visit_names(x, f);
            }
        }
        ExprKind::Call(c, args) => {
            visit_names(c, f);
            for a in args {
                match a {
                    Arg::Positional(x) | Arg::Named(_, x) => visit_names(x, f),
                    Arg::Binder(b) => visit_names(&b.range, f),
                }
            }
        }
        ExprKind::If(a, b, c) => {
            visit_names(a, f);
            visit_names(b, f);
            visit_names(c, f);
        }
        ExprKind::Array(xs) => xs.iter().for_each(|x| visit_names(x, f)),
        _ => {}
    }
}
