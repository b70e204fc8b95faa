//! Seeds of indexed streams and the independence obligations between their elements.
//!
//! `stream xs[i in 0..16] = encode(x[i], lfsr16(seed = 0xACE1 + i), length = L)` has one seed
//! per element. Wherever two stream elements meet in an operator that needs independent inputs
//! (`&`, `xnor`, a `mux` select), the checker records an obligation with the index binders in
//! scope; after the network is walked, every binder combination is evaluated and two elements
//! on the same seed are reported (E0302).

use crate::checker::{Checker, Cx, EnvNames};
use crate::value::{self, Names, Value};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{Arg, Binder, Body, Expr, ExprKind, MemberKind};
use scn_units::Rational;
use std::collections::HashMap;

/// At most this many index combinations are enumerated per declaration or obligation.
const LIMIT: u64 = 1 << 20;

/// A stream element as written: a stream name and index expressions.
#[derive(Clone, Debug)]
pub struct StreamRef {
    /// The stream's name.
    pub name: String,
    /// Its index expressions, outermost first.
    pub indices: Vec<Expr>,
}

impl StreamRef {
    /// The stream element an expression names, if it is `s`, `s[i]`, `s[i][j]`.
    pub fn of(e: &Expr) -> Option<StreamRef> {
        let mut indices = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::Index(b, i) => {
                    indices.push((**i).clone());
                    cur = b;
                }
                ExprKind::Paren(inner) => cur = inner,
                ExprKind::Name(n) => {
                    indices.reverse();
                    return Some(StreamRef { name: n.name.clone(), indices });
                }
                _ => return None,
            }
        }
    }
}

/// Two stream elements that must be independent for every value of the binders in scope.
#[derive(Clone, Debug)]
pub struct Obligation {
    /// One operand.
    pub a: StreamRef,
    /// The other.
    pub b: StreamRef,
    /// Binders in scope with their ranges.
    pub binders: Vec<(String, Expr)>,
    /// Where the operator is.
    pub span: Span,
    /// The operator, for the message.
    pub what: String,
}

/// The seed of every element of every indexed LFSR stream of a network.
#[derive(Debug, Default)]
pub struct SeedTable {
    streams: HashMap<String, StreamSeeds>,
}

#[derive(Debug)]
struct StreamSeeds {
    dims: Vec<u64>,
    seeds: Vec<Option<u64>>,
}

struct WithBinders<'a, 'b, 'p> {
    inner: &'a EnvNames<'b, 'p>,
    values: &'a [(String, i128)],
}

impl Names for WithBinders<'_, '_, '_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<Value> {
        if let Some((_, v)) = self.values.iter().rev().find(|(n, _)| n == name) {
            return Some(Value::scalar(Rational::new(*v, 1)?));
        }
        self.inner.value_of(name, depth)
    }
}

/// Calls `f` with every combination of binder values (ranges must be constant).
/// Binder values in scope, innermost last.
type Bound = [(String, i128)];

fn each_combination(ranges: &[(String, i128, i128)], f: &mut dyn FnMut(&Bound) -> bool) {
    let total: u64 = ranges.iter().map(|(_, a, b)| (b - a).max(0) as u64).fold(1u64, |x, y| x.saturating_mul(y));
    if total == 0 || total > LIMIT {
        return;
    }
    let mut current: Vec<(String, i128)> = ranges.iter().map(|(n, a, _)| (n.clone(), *a)).collect();
    loop {
        if !f(&current) {
            return;
        }
        let mut k = ranges.len();
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            current[k].1 += 1;
            if current[k].1 < ranges[k].2 {
                break;
            }
            current[k].1 = ranges[k].1;
        }
    }
}

fn range_of(e: &Expr, names: &dyn Names) -> Option<(i128, i128)> {
    let ExprKind::Range(a, b) = &e.kind else { return None };
    Some((value::eval(a, names, 0)?.as_int()?, value::eval(b, names, 0)?.as_int()?))
}

/// The LFSR seed expression of `encode(_, lfsr16(seed = S), …)`.
fn lfsr_seed(e: &Expr) -> Option<&Expr> {
    let ExprKind::Call(f, args) = &e.kind else { return None };
    if !matches!(&f.kind, ExprKind::Name(n) if n.name == "encode" || n.name == "encode_bipolar") {
        return None;
    }
    args.iter().find_map(|a| match a {
        Arg::Positional(Expr { kind: ExprKind::Call(g, gargs), .. }) if matches!(&g.kind, ExprKind::Name(n) if n.name == "lfsr16") => {
            gargs.iter().find_map(|ga| match ga {
                Arg::Named(n, s) if n.name == "seed" => Some(s),
                _ => None,
            })
        }
        _ => None,
    })
}

impl SeedTable {
    /// Evaluates the seed of every element of every LFSR stream declared in `body`.
    pub fn build<'p>(checker: &Checker<'p>, cx: &Cx<'p>, body: &'p Body) -> SeedTable {
        let names = EnvNames { checker, env: &cx.env };
        let mut table = SeedTable::default();
        for m in &body.members {
            let MemberKind::Stream { name, binders, value, .. } = &m.kind else { continue };
            let Some(seed) = lfsr_seed(value) else { continue };
            let Some(ranges) = binder_ranges(binders, &names) else { continue };
            let dims: Vec<u64> = ranges.iter().map(|(_, a, b)| (b - a).max(0) as u64).collect();
            let mut seeds = Vec::new();
            each_combination(&ranges, &mut |vals| {
                let scoped = WithBinders { inner: &names, values: vals };
                let s = value::eval(seed, &scoped, 0).and_then(|v| v.as_int()).map(|s| {
                    let s = s.rem_euclid(1 << 16) as u64;
                    if s == 0 { 1 } else { s }
                });
                seeds.push(s);
                true
            });
            if ranges.is_empty() {
                let s = value::eval(seed, &names, 0).and_then(|v| v.as_int()).map(|s| s.rem_euclid(1 << 16) as u64);
                seeds = vec![s.map(|s| if s == 0 { 1 } else { s })];
            }
            table.streams.insert(name.name.clone(), StreamSeeds { dims, seeds });
        }
        table
    }

    fn seed(&self, r: &StreamRef, names: &dyn Names) -> Option<(u64, Vec<i128>)> {
        let s = self.streams.get(&r.name)?;
        if s.dims.len() != r.indices.len() {
            return None;
        }
        let mut flat: u64 = 0;
        let mut idx = Vec::new();
        for (e, &d) in r.indices.iter().zip(&s.dims) {
            let i = value::eval(e, names, 0)?.as_int()?;
            if i < 0 || i as u64 >= d {
                return None;
            }
            idx.push(i);
            flat = flat * d + i as u64;
        }
        Some((s.seeds.get(flat as usize).copied().flatten()?, idx))
    }

    /// Checks every obligation, reporting the first colliding pair of each.
    pub fn check<'p>(&self, checker: &mut Checker<'p>, cx: &Cx<'p>, obligations: &[Obligation]) {
        let mut found = Vec::new();
        {
            let names = EnvNames { checker, env: &cx.env };
            for ob in obligations {
                let Some(ranges) = ob
                    .binders
                    .iter()
                    .map(|(n, r)| range_of(r, &names).map(|(a, b)| (n.clone(), a, b)))
                    .collect::<Option<Vec<_>>>()
                else {
                    continue;
                };
                let mut hit = None;
                each_combination(&ranges, &mut |vals| {
                    let scoped = WithBinders { inner: &names, values: vals };
                    if let (Some((sa, ia)), Some((sb, ib))) = (self.seed(&ob.a, &scoped), self.seed(&ob.b, &scoped))
                        && sa == sb
                    {
                        hit = Some((sa, ia, ib));
                        return false;
                    }
                    true
                });
                if let Some((seed, ia, ib)) = hit {
                    let show = |r: &StreamRef, idx: &[i128]| {
                        format!("{}{}", r.name, idx.iter().map(|i| format!("[{i}]")).collect::<String>())
                    };
                    found.push(
                        Diagnostic::error(
                            "E0302",
                            format!("seed collision: `{}` and `{}` both use LFSR seed 0x{seed:04X}", show(&ob.a, &ia), show(&ob.b, &ib)),
                            ob.span,
                            format!("independent streams needed for {}", ob.what),
                        )
                        .with_help("give the two stream families disjoint seeds, e.g. a different base or a stride that cannot meet"),
                    );
                }
            }
        }
        for d in found {
            checker.report(d);
        }
    }
}

fn binder_ranges(binders: &[Binder], names: &dyn Names) -> Option<Vec<(String, i128, i128)>> {
    binders.iter().map(|b| range_of(&b.range, names).map(|(a, z)| (b.name.name.clone(), a, z))).collect()
}
