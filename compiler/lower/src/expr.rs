//! Lowering expressions and statements to the runtime IR: names to slots, lets and functions
//! inlined, units to SI values, draws numbered by call site.

use crate::fixed::FixedCtx;
use crate::{Lowerer, unsupported};
use scn_diagnostics::Diagnostic;
use scn_grammar::ast::{self, Arg, BinOp, CmpOp, ExprKind, UnaryOp};
use scn_runtime::ir::{self, DrawKind, Expr, Func};
use scn_sema::scope::Found;
use std::collections::HashMap;

/// What a name means inside the element being lowered.
#[derive(Clone, Debug)]
pub enum Slot<'p> {
    /// A parameter slot.
    Param(u16),
    /// A state slot.
    State(u16),
    /// A continuous input slot.
    Input(u16),
    /// A spike input slot (only valid as a handler trigger).
    SpikePort(u16),
    /// A local slot.
    Local(u16),
    /// A named expression, inlined where used.
    Let(&'p ast::Expr),
    /// An already lowered value (function arguments, constants).
    Value(Expr),
}

/// The names of one element (a neuron, a synapse or a connection) and its draw sites.
pub struct Scope<'p> {
    /// Names visible here, innermost last.
    pub frames: Vec<HashMap<String, Slot<'p>>>,
    /// The next draw site number.
    pub next_site: u16,
    /// The next local slot.
    pub next_local: u16,
    /// Whether `noise` may appear (ODE right sides).
    pub in_ode: bool,
    /// Guard against named expressions that refer to themselves.
    pub depth: u32,
    /// Inside a `precision` model: constants are quantised into its format in scaled units,
    /// and constructs without a bit-exact definition are refused.
    pub fixed: Option<FixedCtx>,
    /// Inside a synapse: the fields of the connected neurons it reads (`pre.x`, `post.v`), in
    /// order of first use. Each becomes a continuous input of the synapse model, numbered
    /// after its declared inputs from [`Scope::peer_base`]; the network binds it per
    /// projection (see `scn_runtime::ir::SynapseInput`).
    pub peer_fields: Option<Vec<String>>,
    /// The input slot of the first peer field (the number of declared inputs).
    pub peer_base: u16,
    /// The tables read here with the element's `index` (`load("w.csv")[index]`), for the
    /// check that they cover every element of the population or connection.
    pub tables: Vec<crate::table::TableUse>,
}

impl<'p> Scope<'p> {
    /// An empty scope.
    pub fn new() -> Self {
        Scope {
            frames: vec![HashMap::new()],
            next_site: 0,
            next_local: 0,
            in_ode: false,
            depth: 0,
            fixed: None,
            peer_fields: None,
            peer_base: 0,
            tables: Vec::new(),
        }
    }

    /// Binds a name in the innermost frame.
    pub fn bind(&mut self, name: &str, slot: Slot<'p>) {
        self.frames.last_mut().expect("a frame").insert(name.to_string(), slot);
    }

    /// The meaning of a name.
    pub fn get(&self, name: &str) -> Option<&Slot<'p>> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }

    /// A fresh local slot.
    pub fn local(&mut self) -> u16 {
        self.next_local += 1;
        self.next_local - 1
    }
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// The file name of `load("FILE")`.
fn load_file(e: &ast::Expr) -> Option<&str> {
    let ExprKind::Call(f, args) = &e.kind else { return None };
    if !matches!(&f.kind, ExprKind::Name(n) if n.name == "load") {
        return None;
    }
    match args.as_slice() {
        [Arg::Positional(x)] => match &x.kind {
            ExprKind::Str(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'p> Lowerer<'p> {
    /// Lowers one expression.
    pub fn expr(&mut self, sc: &mut Scope<'p>, e: &'p ast::Expr) -> Result<Expr, Diagnostic> {
        if let Some(ctx) = &sc.fixed {
            match &e.kind {
                ExprKind::Number(t) => {
                    let r = scn_sema::value::number(t).ok_or_else(|| unsupported(e.span, "this number"))?;
                    let is_int = matches!(self.analysis.type_at(self.module, e.span), Some(scn_sema::ty::Ty::Int));
                    if is_int && r.is_integer() {
                        return crate::fixed::dyadic(r.num(), 0, e.span);
                    }
                    return ctx.quantise(r, scn_units::Dim::DIMENSIONLESS, e.span);
                }
                ExprKind::Quantity { value, unit } => {
                    return match scn_units::quantity(value, unit) {
                        Ok((v, u)) => ctx.quantise(v, u.dim, e.span),
                        Err(err) => Err(unsupported(e.span, &err.to_string())),
                    };
                }
                ExprKind::Binary(op @ (BinOp::Mul | BinOp::Div | BinOp::Pow), x, y) => {
                    self.check_scales(ctx, *op, x, y, e)?;
                }
                _ => {}
            }
        }
        Ok(match &e.kind {
            ExprKind::Number(t) => Expr::Const(scn_sema::value::number(t).map_or(f64::NAN, |r| r.to_f64())),
            ExprKind::Quantity { value, unit } => match scn_units::quantity(value, unit) {
                Ok((v, _)) => Expr::Const(v.to_f64()),
                Err(err) => return Err(unsupported(e.span, &err.to_string())),
            },
            ExprKind::Bool(v) => Expr::Const(if *v { 1.0 } else { 0.0 }),
            ExprKind::Str(_) => return Err(unsupported(e.span, "a string value")),
            ExprKind::Name(n) => self.name(sc, &n.name, e)?,
            ExprKind::Paren(x) => self.expr(sc, x)?,
            ExprKind::Unary(op, x) => {
                let v = self.expr(sc, x)?;
                match op {
                    UnaryOp::Neg => Expr::Neg(b(v)),
                    UnaryOp::Not => Expr::Not(b(v)),
                    UnaryOp::BitNot => return Err(unsupported(e.span, "stream or bitwise `!`")),
                }
            }
            ExprKind::Binary(op, x, y) => {
                let (l, r) = (self.expr(sc, x)?, self.expr(sc, y)?);
                let op = match op {
                    BinOp::Add => ir::BinOp::Add,
                    BinOp::Sub => ir::BinOp::Sub,
                    BinOp::Mul => ir::BinOp::Mul,
                    BinOp::Div => ir::BinOp::Div,
                    BinOp::Rem => ir::BinOp::Rem,
                    BinOp::Pow => ir::BinOp::Pow,
                    BinOp::Shl => ir::BinOp::Shl,
                    BinOp::Shr => ir::BinOp::Shr,
                    BinOp::And => return Ok(Expr::And(b(l), b(r))),
                    BinOp::Or => return Ok(Expr::Or(b(l), b(r))),
                    BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                        return Err(unsupported(e.span, "stream operators"));
                    }
                };
                Expr::Bin(op, b(l), b(r))
            }
            ExprKind::Compare(first, rest) => {
                let mut left = self.expr(sc, first)?;
                let mut out: Option<Expr> = None;
                for (op, x) in rest {
                    let right = self.expr(sc, x)?;
                    let op = match op {
                        CmpOp::Eq => ir::CmpOp::Eq,
                        CmpOp::Ne => ir::CmpOp::Ne,
                        CmpOp::Lt => ir::CmpOp::Lt,
                        CmpOp::Le => ir::CmpOp::Le,
                        CmpOp::Gt => ir::CmpOp::Gt,
                        CmpOp::Ge => ir::CmpOp::Ge,
                    };
                    let c = Expr::Cmp(op, b(left), b(right.clone()));
                    out = Some(match out {
                        None => c,
                        Some(prev) => Expr::And(b(prev), b(c)),
                    });
                    left = right;
                }
                out.unwrap_or(left)
            }
            ExprKind::Cast(x, _) => self.expr(sc, x)?,
            ExprKind::If(c, x, y) => Expr::If(b(self.expr(sc, c)?), b(self.expr(sc, x)?), b(self.expr(sc, y)?)),
            ExprKind::Call(f, args) => self.call(sc, f, args, e)?,
            // `dend.v`, `NaT.m`, `soma.NaT.i`: members of compartments and channel instances.
            ExprKind::Field(..) if dotted(e).is_some_and(|p| sc.get(&p).is_some()) => {
                let path = dotted(e).expect("checked");
                self.name(sc, &path, e)?
            }
            // `pre.x` / `post.x` in a synapse: a state of the connected neuron, read as an input.
            ExprKind::Field(base, field)
                if sc.peer_fields.is_some()
                    && matches!(&base.kind, ExprKind::Name(n) if n.name == "pre" || n.name == "post") =>
            {
                let ExprKind::Name(side) = &base.kind else { unreachable!() };
                let path = format!("{}.{}", side.name, field.name);
                let fields = sc.peer_fields.as_mut().expect("checked");
                let k = fields.iter().position(|f| *f == path).unwrap_or_else(|| {
                    fields.push(path);
                    fields.len() - 1
                });
                Expr::Input(sc.peer_base + k as u16)
            }
            // `load("w.csv")[i]`: one value of a table file per element.
            ExprKind::Index(base, i) if sc.fixed.is_none() && load_file(base).is_some() => {
                let file = load_file(base).expect("checked");
                let values = crate::table::read_table(&self.model_dir(), file, e.span)?;
                let index = self.expr(sc, i)?;
                if matches!(&i.kind, ExprKind::Name(n) if n.name == "index") {
                    sc.tables.push(crate::table::TableUse { file: file.to_string(), len: values.len(), span: e.span });
                }
                crate::table::lookup(&values, &index)
            }
            ExprKind::Index(..) | ExprKind::Field(..) | ExprKind::Array(_) | ExprKind::Range(..) => {
                return Err(unsupported(e.span, "arrays, indexing and fields in element expressions"));
            }
        })
    }

    fn name(&mut self, sc: &mut Scope<'p>, name: &str, e: &'p ast::Expr) -> Result<Expr, Diagnostic> {
        if let Some(slot) = sc.get(name).cloned() {
            return Ok(match slot {
                Slot::Param(i) => Expr::Param(i),
                Slot::State(i) => Expr::State(i),
                Slot::Input(i) => Expr::Input(i),
                Slot::Local(i) => Expr::Local(i),
                Slot::SpikePort(_) => return Err(unsupported(e.span, "reading a spike port as a value")),
                Slot::Value(v) => v,
                Slot::Let(body) => {
                    if sc.depth > 64 {
                        return Err(unsupported(e.span, "named expressions that refer to themselves"));
                    }
                    sc.depth += 1;
                    let v = self.expr(sc, body);
                    sc.depth -= 1;
                    v?
                }
            });
        }
        if sc.fixed.is_some() && (name == "t" || name == "dt") {
            return Err(unsupported(e.span, &format!("`{name}` in a fixed-point (`precision`) model")));
        }
        match name {
            "t" => return Ok(Expr::Time),
            "dt" => return Ok(Expr::Dt),
            "index" => return Ok(Expr::Index),
            _ => {}
        }
        if let Found::Item(r) = self.lookup(name)
            && let ast::ItemKind::Const(c) = &self.item(r).kind
        {
            if let Some(ctx) = &sc.fixed {
                let v = scn_sema::value::eval(&c.value, &crate::ModuleNames { lowerer: self }, 0)
                    .and_then(|v| v.num())
                    .ok_or_else(|| unsupported(e.span, "a constant whose value is not known before the run"))?;
                return ctx.quantise(v.0, v.1, e.span);
            }
            return match self.const_value(&c.value) {
                Some(v) => Ok(Expr::Const(v)),
                None => Err(unsupported(e.span, "a constant whose value is not known before the run")),
            };
        }
        Err(unsupported(e.span, &format!("the name `{name}` here")))
    }

    fn call(
        &mut self,
        sc: &mut Scope<'p>,
        f: &'p ast::Expr,
        args: &'p [Arg],
        e: &'p ast::Expr,
    ) -> Result<Expr, Diagnostic> {
        let ExprKind::Name(fname) = &f.kind else { return Err(unsupported(f.span, "calling an expression")) };
        let name = fname.name.as_str();
        let positional: Vec<&'p ast::Expr> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Positional(x) => Some(x),
                _ => None,
            })
            .collect();
        let mut lowered = Vec::new();
        for x in &positional {
            lowered.push(self.expr(sc, x)?);
        }
        let func = match name {
            "exp" => Some(Func::Exp),
            "log" => Some(Func::Log),
            "sqrt" => Some(Func::Sqrt),
            "abs" => Some(Func::Abs),
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "clip" => Some(Func::Clip),
            "floor" => Some(Func::Floor),
            "ceil" => Some(Func::Ceil),
            "round" => Some(Func::Round),
            "tanh" => Some(Func::Tanh),
            "atan" => Some(Func::Atan),
            "tan" => Some(Func::Tan),
            "sigmoid" => Some(Func::Sigmoid),
            "exprel" => Some(Func::Exprel),
            "boltz" => Some(Func::Boltz),
            "hill" => Some(Func::Hill),
            "heaviside" => Some(Func::Heaviside),
            _ => None,
        };
        if let Some(func) = func {
            if sc.fixed.is_some()
                && matches!(
                    func,
                    Func::Exp
                        | Func::Log
                        | Func::Sqrt
                        | Func::Tanh
                        | Func::Atan
                        | Func::Tan
                        | Func::Sigmoid
                        | Func::Exprel
                        | Func::Boltz
                        | Func::Hill
                )
            {
                return Err(unsupported(
                    e.span,
                    &format!("`{name}(…)` in a fixed-point (`precision`) model: it has no bit-exact definition"),
                ));
            }
            return Ok(Expr::Call(func, lowered));
        }
        if sc.fixed.is_some() && matches!(name, "uniform" | "normal" | "lognormal" | "bernoulli" | "noise") {
            return Err(unsupported(
                e.span,
                &format!("the random draw `{name}(…)` in a fixed-point (`precision`) model"),
            ));
        }
        let draw = match name {
            "uniform" => Some(DrawKind::Uniform),
            "normal" => Some(DrawKind::Normal),
            "lognormal" => Some(DrawKind::Lognormal),
            "bernoulli" if args.iter().all(|a| matches!(a, Arg::Positional(_))) => Some(DrawKind::Bernoulli),
            _ => None,
        };
        if let Some(kind) = draw {
            let site = sc.next_site;
            sc.next_site += 1;
            return Ok(Expr::Draw { site, kind, args: lowered });
        }
        if name == "noise" {
            let site = sc.next_site;
            sc.next_site += 1;
            let sigma =
                lowered.into_iter().next().ok_or_else(|| unsupported(e.span, "`noise` without an amplitude"))?;
            return Ok(Expr::Noise { site, sigma: b(sigma) });
        }
        if let Found::Item(r) = self.lookup(name)
            && let ast::ItemKind::Fn(def) = &self.item(r).kind
        {
            let def: &'p ast::FnDef = def;
            sc.frames.push(HashMap::new());
            for (p, v) in def.params.iter().zip(lowered) {
                sc.bind(&p.name.name, Slot::Value(v));
            }
            let saved = self.module;
            self.module = r.module;
            let body = self.expr(sc, &def.body);
            self.module = saved;
            sc.frames.pop();
            return body;
        }
        Err(unsupported(e.span, &format!("`{name}(…)` in the interpreter")))
    }

    /// Lowers a handler body.
    pub fn stmts(&mut self, sc: &mut Scope<'p>, stmts: &'p [ast::Stmt]) -> Result<Vec<ir::Stmt>, Diagnostic> {
        let mut out = Vec::new();
        sc.frames.push(HashMap::new());
        for s in stmts {
            out.push(match &s.kind {
                ast::StmtKind::Assign { target, op, value } => {
                    let ExprKind::Name(n) = &target.kind else {
                        return Err(unsupported(target.span, "assigning to a field or element"));
                    };
                    let Some(Slot::State(state)) = sc.get(&n.name).cloned() else {
                        return Err(unsupported(target.span, "assigning to something other than a state"));
                    };
                    let value = self.expr(sc, value)?;
                    let op = match op {
                        ast::AssignOp::Set => ir::AssignOp::Set,
                        ast::AssignOp::Add => ir::AssignOp::Add,
                        ast::AssignOp::Sub => ir::AssignOp::Sub,
                        ast::AssignOp::Mul => ir::AssignOp::Mul,
                        ast::AssignOp::Div => ir::AssignOp::Div,
                    };
                    ir::Stmt::Assign { state, op, value }
                }
                ast::StmtKind::Let { name, value } => {
                    let value = self.expr(sc, value)?;
                    let local = sc.local();
                    sc.bind(&name.name, Slot::Local(local));
                    ir::Stmt::Let { local, value }
                }
                ast::StmtKind::Emit { name, .. } if name.name == "spike" => ir::Stmt::Emit,
                ast::StmtKind::Emit { name, .. } => return Err(unsupported(name.span, "emitting a named output")),
                ast::StmtKind::Deliver(v) => ir::Stmt::Deliver(self.expr(sc, v)?),
                ast::StmtKind::Refractory { duration, clamp } => {
                    let in_steps = is_step_duration(duration);
                    // A duration is a count of steps or seconds, never a fixed-point value; in a
                    // precision model it must be constant.
                    let fixed = sc.fixed.take();
                    let d = self.expr(sc, duration);
                    sc.fixed = fixed;
                    let d = d?;
                    if sc.fixed.is_some() && !matches!(d, Expr::Const(_)) {
                        return Err(unsupported(
                            duration.span,
                            "a refractory period that is not constant in a fixed-point (`precision`) model",
                        ));
                    }
                    let mut slots = Vec::new();
                    for c in clamp {
                        match sc.get(&c.name) {
                            // The engines keep the held states of an element in one 64-bit mask.
                            Some(Slot::State(s)) if *s >= 63 => {
                                return Err(unsupported(
                                    c.span,
                                    "clamping a state beyond the model's 63rd (declare the clamped states first)",
                                ));
                            }
                            Some(Slot::State(s)) => slots.push(*s),
                            _ => return Err(unsupported(c.span, "clamping something other than a state")),
                        }
                    }
                    ir::Stmt::Refractory { duration: d, in_steps, clamp: slots }
                }
                ast::StmtKind::If { cond, then, otherwise } => {
                    let cond = self.expr(sc, cond)?;
                    let then = self.stmts(sc, &then.stmts)?;
                    let otherwise = match otherwise.as_deref() {
                        Some(ast::Else::Block(blk)) => self.stmts(sc, &blk.stmts)?,
                        Some(ast::Else::If(st)) => self.stmts(sc, std::slice::from_ref(st))?,
                        None => Vec::new(),
                    };
                    ir::Stmt::If { cond, then, otherwise }
                }
                ast::StmtKind::Error => return Err(unsupported(s.span, "a statement with errors")),
            });
        }
        sc.frames.pop();
        Ok(out)
    }
}

/// A chain of names and fields as one dotted name (`soma.NaT.m`), if it is one.
pub fn dotted(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.name.clone()),
        ExprKind::Field(base, f) => Some(format!("{}.{}", dotted(base)?, f.name)),
        _ => None,
    }
}

/// Whether a duration is written in cycles or steps (counted, not timed).
pub fn is_step_duration(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Quantity { unit, .. } => {
            unit.atoms.iter().any(|a| matches!(a.name.as_str(), "cycles" | "steps" | "cycle" | "step"))
        }
        ExprKind::Paren(x) => is_step_duration(x),
        _ => false,
    }
}

impl Lowerer<'_> {
    /// In a precision scope, `a * b` holds `(a/sa)(b/sb)`: it is the result in its own scale
    /// only when `sa · sb` is that scale (`sa / sb` for `/`). Anything else would need a hidden
    /// rescaling multiply, so it is refused, as is a dimensioned base of `**`.
    fn check_scales(
        &self,
        ctx: &FixedCtx,
        op: BinOp,
        x: &ast::Expr,
        y: &ast::Expr,
        e: &ast::Expr,
    ) -> Result<(), Diagnostic> {
        let ty = |x: &ast::Expr| self.analysis.type_at(self.module, x.span);
        let (Some(ta), Some(tb), Some(te)) = (ty(x), ty(y), ty(e)) else { return Ok(()) };
        let missing = |t: &scn_sema::ty::Ty, at: &ast::Expr| {
            unsupported(at.span, &format!("a value of type {t} inside `precision`, whose dimension has no `scale`"))
        };
        let sa = ctx.scale_of_ty(ta).ok_or_else(|| missing(ta, x))?;
        let sb = ctx.scale_of_ty(tb).ok_or_else(|| missing(tb, y))?;
        let se = ctx.scale_of_ty(te).ok_or_else(|| missing(te, e))?;
        let composed = match op {
            BinOp::Mul => sa.checked_mul(sb),
            BinOp::Div => sa.checked_div(sb),
            _ => {
                if sa == scn_units::Rational::ONE && se == scn_units::Rational::ONE {
                    return Ok(());
                }
                return Err(unsupported(e.span, "`**` of a dimensioned quantity in a fixed-point (`precision`) model"));
            }
        };
        if composed == Some(se) {
            return Ok(());
        }
        Err(unsupported(
            e.span,
            &format!(
                "this {} in a fixed-point (`precision`) model: the scales of its operands do not compose to the \
                 scale of its result ({te}); choose scales that do (e.g. scale(current) = scale(voltage) · \
                 scale(conductance))",
                if op == BinOp::Mul { "product" } else { "quotient" }
            ),
        ))
    }
}
