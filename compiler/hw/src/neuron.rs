//! One fixed-point neuron model, specialised to one parameter vector, as a clocked module:
//! one clock cycle is one simulation step, in the order of DESIGN §3 (integrate with `next`
//! unless a clamped state is refractory, then the conditions, then the port handlers).
//!
//! Ports: `init_<state>` (reset values), `hit_<port>`/`sum_<port>` for each spike port with a
//! handler (whether weights arrived this cycle, and their sum in the format); outputs `spike`
//! and `st_<state>` (each state's register, i.e. the state at the start of the cycle).

use crate::arith::{Arith, Fmt, INT_WIDTH, XVal};
use crate::builder::{ModuleBuilder, konst, unsigned_width};
use crate::error::HwError;
use crate::ir::{Module, NetId, Pred, Value};
use scn_runtime::fixed::{Overflow, Rounding};
use scn_runtime::interp::eval::round_half_even;
use scn_runtime::interp::fixed_eval::{FFrame, FVal, Phase, Quant, feval};
use scn_runtime::ir::{AssignOp, BinOp, CmpOp, Expr, FixedModel, Func, Model, Stmt, Trigger};

/// The interface of a lowered neuron module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuronPorts {
    /// Reset-value inputs: (state slot, port name, width).
    pub inits: Vec<(u16, String, u32)>,
    /// Spike ports with a handler: (port slot, hit port name, sum port name).
    pub handlers: Vec<(u16, String, String)>,
    /// State outputs: (state slot, port name, width).
    pub states: Vec<(u16, String, u32)>,
}

/// The width of a state's register.
pub fn state_width(fx: &FixedModel, slot: usize) -> u32 {
    if fx.int_states[slot] { INT_WIDTH } else { fx.spec.width }
}

/// Checks that a model can be lowered at all (before any per-element work).
pub fn check_model(m: &Model) -> Result<&FixedModel, HwError> {
    let fx = m.fixed.as_ref().ok_or_else(|| HwError::needs_precision(&m.name))?;
    let no = |what: &str| Err(HwError::unsupported(&m.name, what));
    if fx.spec.overflow == Overflow::Trap {
        return no("`overflow trap` (hardware has no run to stop)");
    }
    if fx.spec.rounding == Rounding::Stochastic {
        return no("`rounding stochastic` (it draws from Philox, not from a declared LFSR/Sobol source)");
    }
    if !m.odes.is_empty() {
        return no("an ODE in a fixed-point model");
    }
    if !m.invariants.is_empty() {
        return no("an `invariant`");
    }
    if !m.on_pre.is_empty() || !m.on_post.is_empty() {
        return no("a synapse model");
    }
    if fx.spec.width > 32 {
        return no("a format wider than 32 bits (exact products must fit the lowering's 96-bit intermediates)");
    }
    Ok(fx)
}

fn mentions_state(e: &Expr) -> bool {
    match e {
        Expr::State(_) | Expr::Local(_) => true,
        Expr::Neg(a) | Expr::Not(a) => mentions_state(a),
        Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
            mentions_state(a) || mentions_state(b)
        }
        Expr::If(c, a, b) => mentions_state(c) || mentions_state(a) || mentions_state(b),
        Expr::Call(_, args) | Expr::Draw { args, .. } => args.iter().any(mentions_state),
        Expr::Noise { sigma, .. } => mentions_state(sigma),
        _ => false,
    }
}

/// Whether the model reads its element index (then every element gets its own module).
pub fn uses_index(m: &Model) -> bool {
    fn e(x: &Expr) -> bool {
        match x {
            Expr::Index => true,
            Expr::Neg(a) | Expr::Not(a) => e(a),
            Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => e(a) || e(b),
            Expr::If(c, a, b) => e(c) || e(a) || e(b),
            Expr::Call(_, args) | Expr::Draw { args, .. } => args.iter().any(e),
            Expr::Noise { sigma, .. } => e(sigma),
            _ => false,
        }
    }
    fn s(body: &[Stmt]) -> bool {
        body.iter().any(|st| match st {
            Stmt::Assign { value, .. } | Stmt::Let { value, .. } | Stmt::Deliver(value) => e(value),
            Stmt::Refractory { duration, .. } => e(duration),
            Stmt::If { cond, then, otherwise } => e(cond) || s(then) || s(otherwise),
            Stmt::Emit => false,
        })
    }
    m.nexts.iter().any(|(_, x)| e(x))
        || m.conditions.iter().any(|c| e(&c.cond) || s(&c.body))
        || m.handlers.iter().any(|h| s(&h.body))
}

/// One element's constants: parameters (raw or integer) and its index.
pub struct Element<'a> {
    /// Raw parameter values.
    pub params: &'a [i128],
    /// The element's index (used only by models that read `index`).
    pub index: u64,
}

struct Lower<'a> {
    m: &'a Model,
    fx: &'a FixedModel,
    fmt: Fmt,
    el: &'a Element<'a>,
    dt: f64,
    b: ModuleBuilder,
    locals: Vec<Option<XVal>>,
}

/// The state of the datapath between statements: each state's storage bits.
#[derive(Clone)]
struct Env {
    states: Vec<Value>,
}

/// What the condition bodies did, under which predicates.
#[derive(Default)]
struct Effects {
    emit: Option<Value>,
    /// (predicate, refractory steps R ≥ 1, clamped states mask).
    refractory: Vec<(Value, u64, u64)>,
}

impl<'a> Lower<'a> {
    fn no(&self, what: &str) -> HwError {
        HwError::unsupported(&self.m.name, what)
    }

    fn arith(&mut self) -> Arith<'_> {
        Arith { b: &mut self.b, fmt: self.fmt }
    }

    fn read(&mut self, env: &Env, slot: usize) -> XVal {
        let raw = env.states[slot];
        if self.fx.int_states[slot] { self.arith().from_int_storage(raw) } else { self.arith().from_storage(raw) }
    }

    fn fold(&self, e: &Expr) -> Result<FVal, HwError> {
        let spec = self.fx.spec;
        let q = Quant::new(&spec, 0, 0, 0, Phase::Integrate);
        let states = vec![0i128; self.m.states.len()];
        let f = FFrame {
            params: self.el.params,
            int_params: &self.fx.int_params,
            states: &states,
            int_states: &self.fx.int_states,
            inputs: &[],
            locals: &[],
            index: self.el.index,
            q: &q,
        };
        feval(e, &f).map_err(|fault| self.no(&format!("a constant that fails to evaluate ({fault})")))
    }

    fn constant(&mut self, v: FVal) -> XVal {
        match v {
            FVal::Int(n) => self.arith().int_const(n),
            FVal::Fix(r) => self.arith().fix_const(r),
        }
    }

    fn shift_amount(&self, e: &Expr) -> Result<u32, HwError> {
        let v = self.fold(e)?;
        let frac = self.fmt.frac;
        let k = match v {
            FVal::Int(n) => Some(n),
            FVal::Fix(r) if r % (1i128 << frac) == 0 => Some(r >> frac),
            FVal::Fix(_) => None,
        };
        match k {
            Some(k) if (0..=127).contains(&k) => Ok(k as u32),
            _ => Err(self.no("a shift by an amount that is not a non-negative integer constant")),
        }
    }

    fn expr(&mut self, e: &Expr, env: &Env) -> Result<XVal, HwError> {
        if !mentions_state(e) {
            let v = self.fold(e)?;
            return Ok(self.constant(v));
        }
        Ok(match e {
            Expr::State(s) => self.read(env, *s as usize),
            Expr::Local(l) => {
                self.locals.get(*l as usize).copied().flatten().ok_or_else(|| self.no("an unset local"))?
            }
            Expr::Neg(x) => {
                let x = self.expr(x, env)?;
                let n = self.arith().exact_neg(x);
                if x.int { n } else { self.arith().requant_x(n) }
            }
            Expr::Not(x) => {
                let x = self.expr(x, env)?;
                let t = self.arith().is_true(x);
                let n = self.b.not("not", t);
                self.arith().truth(n)
            }
            Expr::Bin(op, a, b) => self.bin(*op, a, b, env)?,
            Expr::Cmp(op, a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let (p, swap) = match op {
                    CmpOp::Eq => (Pred::Eq, false),
                    CmpOp::Ne => (Pred::Ne, false),
                    CmpOp::Lt => (Pred::Slt, false),
                    CmpOp::Le => (Pred::Sle, false),
                    CmpOp::Gt => (Pred::Sgt, false),
                    CmpOp::Ge => (Pred::Sge, false),
                };
                let (x, y) = if swap { (y, x) } else { (x, y) };
                let c = self.arith().cmp(p, x, y);
                self.arith().truth(c)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let x = self.expr(a, env)?;
                let y = self.expr(b, env)?;
                let (tx, ty) = (self.arith().is_true(x), self.arith().is_true(y));
                let r = if matches!(e, Expr::And(..)) { self.b.and("and", tx, ty) } else { self.b.or("or", tx, ty) };
                self.arith().truth(r)
            }
            Expr::If(c, a, b) => {
                let c = self.expr(c, env)?;
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                if x.int != y.int {
                    return Err(self.no("an `if` whose branches mix `int` and fixed-point values"));
                }
                let t = self.arith().is_true(c);
                self.arith().select(t, x, y)
            }
            Expr::Call(f, args) => self.call(*f, args, env)?,
            Expr::Input(_) => return Err(self.no("a continuous input")),
            Expr::Time | Expr::Dt => return Err(self.no("`t` or `dt`")),
            Expr::Draw { .. } | Expr::Noise { .. } => {
                return Err(self.no("a random draw (hardware draws only from declared LFSR/Sobol sources)"));
            }
            Expr::Const(_) | Expr::Param(_) | Expr::Index => unreachable!("folded above"),
        })
    }

    fn bin(&mut self, op: BinOp, a: &Expr, b: &Expr, env: &Env) -> Result<XVal, HwError> {
        match op {
            BinOp::Shr => {
                let k = self.shift_amount(b)?;
                let x = self.expr(a, env)?;
                let v = self.b.shra("shr", x.v, k);
                return Ok(XVal { v, ..x });
            }
            BinOp::Shl => {
                let k = self.shift_amount(b)?;
                let x = self.expr(a, env)?;
                let w = (self.b.width(x.v) + k).min(crate::arith::MAX_WIDTH);
                let e = self.b.sext("shl", x.v, w);
                let v = self.b.shl("shl", e, k);
                let exact = XVal { v, ..x };
                return Ok(if x.int { exact } else { self.arith().requant_x(exact) });
            }
            BinOp::Div | BinOp::Rem | BinOp::Pow => {
                return Err(self.no("`/`, `%` or `**` on states (use shifts and products by constants)"));
            }
            _ => {}
        }
        let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
        let exact = match op {
            BinOp::Add => self.arith().exact_addsub(x, y, false),
            BinOp::Sub => self.arith().exact_addsub(x, y, true),
            _ => self.arith().exact_mul(x, y),
        };
        Ok(if exact.int { exact } else { self.arith().requant_x(exact) })
    }

    fn call(&mut self, f: Func, args: &[Expr], env: &Env) -> Result<XVal, HwError> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.expr(a, env)?);
        }
        if vals.windows(2).any(|w| w[0].int != w[1].int) {
            return Err(self.no("a built-in whose arguments mix `int` and fixed-point values"));
        }
        Ok(match f {
            Func::Abs => {
                let x = vals[0];
                let n = self.arith().exact_neg(x);
                let neg = self.arith().cmp(Pred::Slt, x, XVal { v: konst(1, 0), frac: x.frac, int: x.int });
                let a = self.arith().select(neg, n, x);
                if x.int { a } else { self.arith().requant_x(a) }
            }
            Func::Min | Func::Max => {
                let mut best = vals[0];
                for &v in &vals[1..] {
                    let p = if f == Func::Min { Pred::Slt } else { Pred::Sgt };
                    let take = self.arith().cmp(p, v, best);
                    best = self.arith().select(take, v, best);
                }
                best
            }
            Func::Clip => {
                let (x, lo, hi) = (vals[0], vals[1], vals[2]);
                let below = self.arith().cmp(Pred::Slt, x, lo);
                let x = self.arith().select(below, lo, x);
                let above = self.arith().cmp(Pred::Sgt, x, hi);
                self.arith().select(above, hi, x)
            }
            other => return Err(self.no(&format!("`{other:?}` on states").to_lowercase())),
        })
    }

    fn store(&mut self, slot: usize, v: XVal) -> Value {
        if self.fx.int_states[slot] { self.arith().to_int_storage(v) } else { self.arith().to_fix_storage(v) }
    }

    fn exec(&mut self, body: &[Stmt], pred: Value, env: &mut Env, fx: &mut Effects) -> Result<(), HwError> {
        for s in body {
            match s {
                Stmt::Assign { state, op, value } => {
                    let slot = *state as usize;
                    let v = self.expr(value, env)?;
                    let old = self.read(env, slot);
                    let new = match op {
                        AssignOp::Set => v,
                        AssignOp::Add | AssignOp::Sub => {
                            let e = self.arith().exact_addsub(old, v, *op == AssignOp::Sub);
                            if e.int { e } else { self.arith().requant_x(e) }
                        }
                        AssignOp::Mul => {
                            let e = self.arith().exact_mul(old, v);
                            if e.int { e } else { self.arith().requant_x(e) }
                        }
                        AssignOp::Div => return Err(self.no("`/=`")),
                    };
                    let stored = self.store(slot, new);
                    let name = format!("{}_set", self.m.states[slot]);
                    env.states[slot] = self.b.mux(&name, pred, stored, env.states[slot]);
                }
                Stmt::Let { local, value } => {
                    let v = self.expr(value, env)?;
                    let l = *local as usize;
                    if self.locals.len() <= l {
                        self.locals.resize(l + 1, None);
                    }
                    self.locals[l] = Some(v);
                }
                Stmt::Emit => {
                    fx.emit = Some(match fx.emit {
                        None => pred,
                        Some(e) => self.b.or("emit", e, pred),
                    });
                }
                Stmt::Refractory { duration, in_steps, clamp } => {
                    let Expr::Const(d) = duration else {
                        return Err(self.no("a refractory period that is not constant"));
                    };
                    let steps = if *in_steps { *d } else { d / self.dt };
                    let r = (round_half_even(steps).max(0.0) as u64).max(1);
                    let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                    fx.refractory.push((pred, r, mask));
                }
                Stmt::Deliver(_) => return Err(self.no("`deliver`")),
                Stmt::If { cond, then, otherwise } => {
                    let c = self.expr(cond, env)?;
                    let t = self.arith().is_true(c);
                    let nt = self.b.not("else", t);
                    let p_then = self.b.and("then", pred, t);
                    let p_else = self.b.and("else", pred, nt);
                    self.exec(then, p_then, env, fx)?;
                    self.exec(otherwise, p_else, env, fx)?;
                }
            }
        }
        Ok(())
    }
}

/// Lowers model `m` for one parameter vector into a module named `name`.
pub fn lower_neuron(m: &Model, el: &Element<'_>, dt: f64, name: &str) -> Result<(Module, NeuronPorts), HwError> {
    let fx = check_model(m)?;
    let fmt = Fmt::new(&fx.spec);
    let b = ModuleBuilder::new(name, &format!("neuron model {} (one element per instance)", m.name));
    let mut l = Lower { m, fx, fmt, el, dt, b, locals: vec![None; m.locals as usize] };
    let ns = m.states.len();
    let mut ports = NeuronPorts { inits: Vec::new(), handlers: Vec::new(), states: Vec::new() };
    // Registers: states (reset to the init ports), refractory counter, held bits, last conditions.
    let mut regs: Vec<NetId> = Vec::with_capacity(ns);
    let mut inits = Vec::with_capacity(ns);
    for (s, sname) in m.states.iter().enumerate() {
        let w = state_width(fx, s);
        let init = l.b.input(&format!("init_{sname}"), w);
        ports.inits.push((s as u16, l.b.module().nets[net_of(init)].name.clone(), w));
        inits.push(init);
    }
    let mut handler_inputs = Vec::new();
    for h in &m.handlers {
        let pname = &m.inputs[h.port as usize].name;
        let hit = l.b.input(&format!("hit_{pname}"), 1);
        let sum = l.b.input(&format!("sum_{pname}"), fx.spec.width);
        let names = (l.b.module().nets[net_of(hit)].name.clone(), l.b.module().nets[net_of(sum)].name.clone());
        ports.handlers.push((h.port, names.0, names.1));
        handler_inputs.push((hit, sum));
    }
    for (s, sname) in m.states.iter().enumerate() {
        regs.push(l.b.reg(sname, state_width(fx, s), inits[s]));
    }
    let max_r = collect_refractory(m, dt);
    let rc_width = unsigned_width(u128::from(max_r.max(1)));
    let rc = l.b.reg("refr_count", rc_width, konst(rc_width, 0));
    let refr = l.b.icmp("refractory", Pred::Ne, Value::Net(rc), konst(rc_width, 0));
    let clampable = clamp_mask(m);
    let mut held: Vec<Option<NetId>> = vec![None; ns];
    for (s, slot) in held.iter_mut().enumerate() {
        if clampable & (1u64 << s.min(63)) != 0 {
            let h = l.b.reg(&format!("held_{}", m.states[s]), 1, konst(1, 0));
            l.b.set_next(h, Value::Net(h));
            *slot = Some(h);
        }
    }
    let old = Env { states: regs.iter().map(|&r| Value::Net(r)).collect() };
    // 3. Integration: every `next` from the same pre-update state.
    let mut env = old.clone();
    let mut nexts = Vec::new();
    for (s, e) in &m.nexts {
        let v = l.expr(e, &old)?;
        nexts.push((*s as usize, l.store(*s as usize, v)));
    }
    for (s, v) in nexts {
        env.states[s] = match held[s] {
            Some(h) => {
                let hold = l.b.and("hold", refr, Value::Net(h));
                l.b.mux(&format!("{}_int", m.states[s]), hold, old.states[s], v)
            }
            None => v,
        };
    }
    // 5. Conditions: all evaluated on the integrated state, then the bodies in order.
    let mut holds = Vec::new();
    for c in &m.conditions {
        let v = l.expr(&c.cond, &env)?;
        holds.push(l.arith().is_true(v));
    }
    let not_refr = l.b.not("active", refr);
    let mut fx_cond = Effects::default();
    for (k, c) in m.conditions.iter().enumerate() {
        let fire = match c.trigger {
            Trigger::Level => holds[k],
            Trigger::Rise | Trigger::Fall => {
                let last = l.b.reg(&format!("last_cond{k}"), 1, konst(1, 0));
                l.b.set_next(last, holds[k]);
                let (now, before) = if c.trigger == Trigger::Rise {
                    (holds[k], l.b.not("was_false", Value::Net(last)))
                } else {
                    (l.b.not("now_false", holds[k]), Value::Net(last))
                };
                l.b.and("edge", now, before)
            }
        };
        let p = l.b.and(&format!("fire{k}"), fire, not_refr);
        l.exec(&c.body, p, &mut env, &mut fx_cond)?;
    }
    // 6. Port handlers run with the summed weight, refractory or not; their `emit` and
    // `refractory` have no effect (as in the interpreter).
    for (h, &(hit, sum)) in m.handlers.iter().zip(&handler_inputs) {
        let x = l.arith().from_storage(sum);
        if l.locals.len() <= h.local as usize {
            l.locals.resize(h.local as usize + 1, None);
        }
        l.locals[h.local as usize] = Some(x);
        let mut ignored = Effects::default();
        l.exec(&h.body, hit, &mut env, &mut ignored)?;
    }
    for (&r, &v) in regs.iter().zip(&env.states) {
        l.b.set_next(r, v);
    }
    // Refractory bookkeeping: the last period set this step wins.
    let mut count_next = {
        let dec = l.b.sub("refr_dec", Value::Net(rc), konst(rc_width, 1));
        l.b.mux("refr_left", refr, dec, konst(rc_width, 0))
    };
    for &(p, r, mask) in &fx_cond.refractory {
        count_next = l.b.mux("refr_set", p, konst(rc_width, (r - 1) as i128), count_next);
        for (s, h) in held.iter().enumerate() {
            if let Some(h) = h {
                let cur = match &l.b.module().nets[*h].kind {
                    crate::ir::NetKind::Reg { next, .. } => *next,
                    _ => Value::Net(*h),
                };
                let bit = konst(1, i128::from(mask & (1u64 << s.min(63)) != 0));
                let v = l.b.mux("held_set", p, bit, cur);
                l.b.set_next(*h, v);
            }
        }
    }
    l.b.set_next(rc, count_next);
    let spike = fx_cond.emit.unwrap_or(konst(1, 0));
    l.b.output("spike", spike);
    for (s, sname) in m.states.iter().enumerate() {
        let name = format!("st_{sname}");
        l.b.output(&name, Value::Net(regs[s]));
        let port = l.b.module().outputs.last().map(|o| o.name.clone()).unwrap_or(name);
        ports.states.push((s as u16, port, state_width(fx, s)));
    }
    Ok((l.b.finish(), ports))
}

fn net_of(v: Value) -> NetId {
    match v {
        Value::Net(n) => n,
        Value::Const(_) => unreachable!("ports are nets"),
    }
}

fn walk_refractory(body: &[Stmt], dt: f64, max: &mut u64, mask: &mut u64) {
    for s in body {
        match s {
            Stmt::Refractory { duration: Expr::Const(d), in_steps, clamp } => {
                let steps = if *in_steps { *d } else { d / dt };
                *max = (*max).max((round_half_even(steps).max(0.0) as u64).max(1));
                *mask |= clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
            }
            Stmt::If { then, otherwise, .. } => {
                walk_refractory(then, dt, max, mask);
                walk_refractory(otherwise, dt, max, mask);
            }
            _ => {}
        }
    }
}

fn collect_refractory(m: &Model, dt: f64) -> u64 {
    let (mut max, mut mask) = (1, 0);
    for c in &m.conditions {
        walk_refractory(&c.body, dt, &mut max, &mut mask);
    }
    max
}

fn clamp_mask(m: &Model) -> u64 {
    let (mut max, mut mask) = (1, 0);
    for c in &m.conditions {
        walk_refractory(&c.body, 1.0, &mut max, &mut mask);
    }
    mask
}
