//! Interval invariants of a population's states, for `@static`: an abstract interpretation of
//! the model's step (DESIGN §3: integration with `next` and refractory clamps, conditions with
//! resets and `refractory`, then the port handlers with the summed weights of everything that
//! can arrive in one step) over boxes of intervals, one box per refractory phase, iterated to a
//! fixpoint with widening. The result contains every value a state can hold at the end of a
//! step, for every neuron of the population. Anything the analysis does not model (ODEs,
//! synapse models, continuous inputs feeding an update, draws in a condition) either widens to
//! the whole format or makes the analysis refuse, with the reason.

use scn_runtime::ir::{AssignOp, BinOp, CmpOp, Expr, Func, Model, Network, Rule, Source, Stmt, Trigger};

/// A closed interval (`lo > hi` never occurs; an impossible value is `None` one level up).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    fn point(x: f64) -> Self {
        Interval { lo: x, hi: x }
    }

    fn join(self, o: Interval) -> Interval {
        Interval { lo: self.lo.min(o.lo), hi: self.hi.max(o.hi) }
    }

    fn mul(self, o: Interval) -> Interval {
        let c = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi];
        let c = c.map(|x| if x.is_nan() { 0.0 } else { x });
        Interval {
            lo: c.iter().copied().fold(f64::INFINITY, f64::min),
            hi: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// The analysed number format of a model: a fixed-point format, or f64.
#[derive(Clone, Copy, Debug)]
struct Format {
    /// `(min, max, lsb)` of a fixed-point format, in scaled units.
    fixed: Option<(f64, f64, f64)>,
    trap: bool,
}

impl Format {
    fn full(&self) -> Interval {
        match self.fixed {
            Some((lo, hi, _)) => Interval { lo, hi },
            None => Interval { lo: f64::NEG_INFINITY, hi: f64::INFINITY },
        }
    }
}

/// The invariant of one population.
#[derive(Clone, Debug)]
pub struct Invariant {
    /// Per state slot, the values it can hold at the end of any step (and initially).
    pub states: Vec<Interval>,
    /// Whether some operation may stop the run: a result outside the format under `overflow
    /// trap`, or a fixed-point fault (a division by zero, a shift or power the analysis cannot
    /// bound, a function the fixed-point evaluator may not support).
    pub may_stop: bool,
    /// The format's range `(min, max)` in scaled units, for a fixed-point model.
    pub format: Option<(f64, f64)>,
}

type Boxed = Vec<Interval>;

struct Analysis<'a> {
    model: &'a Model,
    format: Format,
    params: Vec<Interval>,
    index: Interval,
    /// Per input port: the summed weight that can arrive in one step.
    port_sums: Vec<Interval>,
    refractory: u64,
    clamp: Vec<u16>,
    may_stop: bool,
}

/// Computes the invariant of population `pop` of `net`, or why it cannot.
pub fn invariant(net: &Network, pop: usize) -> Result<Invariant, String> {
    let p = &net.populations[pop];
    let model = &net.models[p.model];
    if !model.odes.is_empty() {
        return Err(format!(
            "`{}` has differential equations, which the interval analysis does not integrate",
            model.name
        ));
    }
    let format = match &model.fixed {
        Some(fx) => {
            let s = &fx.spec;
            let lsb = 2f64.powi(-(s.frac as i32));
            let (lo, hi) = if s.signed {
                (-(2f64.powi(s.width as i32 - 1)) * lsb, (2f64.powi(s.width as i32 - 1) - 1.0) * lsb)
            } else {
                (0.0, (2f64.powi(s.width as i32) - 1.0) * lsb)
            };
            Format { fixed: Some((lo, hi, lsb)), trap: s.overflow == scn_runtime::fixed::Overflow::Trap }
        }
        None => Format { fixed: None, trap: false },
    };
    let (refractory, clamp) = refractory_of(model, net.clocked, net.dt)?;
    let mut a = Analysis {
        model,
        format,
        params: Vec::new(),
        index: Interval { lo: 0.0, hi: p.size.saturating_sub(1) as f64 },
        port_sums: Vec::new(),
        refractory,
        clamp,
        may_stop: false,
    };
    let empty: Boxed = Vec::new();
    let mut params = Vec::new();
    for (k, e) in model.param_init.iter().enumerate() {
        let e = p.param_overrides.iter().rev().find(|(s, _)| *s as usize == k).map_or(e, |(_, e)| e);
        a.params = params.clone();
        params.push(a.eval(e, &empty, &[])?);
    }
    a.params = params;
    a.port_sums = port_sums(net, pop, model)?;
    let mut init = Vec::new();
    for (k, e) in model.state_init.iter().enumerate() {
        let e = p.state_overrides.iter().rev().find(|(s, _)| *s as usize == k).map_or(e, |(_, e)| e);
        let v = a.eval(e, &init, &[])?;
        init.push(a.store(v, k));
    }
    let phases = a.refractory.max(1) as usize;
    let mut now: Vec<Option<Boxed>> = vec![None; phases];
    now[0] = Some(init);
    for round in 0..400 {
        let mut next = now.clone();
        for (k, b) in now.iter().enumerate() {
            let Some(b) = b else { continue };
            for (phase, out) in a.step(k as u64, b)? {
                next[phase] = Some(match next[phase].take() {
                    Some(old) => join(&old, &out),
                    None => out,
                });
            }
        }
        if next == now {
            let mut states = vec![None::<Interval>; model.states.len()];
            for b in now.iter().flatten() {
                for (s, i) in states.iter_mut().zip(b) {
                    *s = Some(s.map_or(*i, |x| x.join(*i)));
                }
            }
            let full = a.format.full();
            return Ok(Invariant {
                states: states.into_iter().map(|s| s.unwrap_or(full)).collect(),
                may_stop: a.may_stop,
                format: a.format.fixed.map(|(lo, hi, _)| (lo, hi)),
            });
        }
        // Widening: after a few rounds, a bound that still moves jumps to the format's limit.
        if round >= 24 {
            for (n, o) in next.iter_mut().zip(&now) {
                if let (Some(n), Some(o)) = (n, o) {
                    for (k, (x, y)) in n.iter_mut().zip(o).enumerate() {
                        let full = if a.model.fixed.as_ref().is_some_and(|f| f.int_states[k]) {
                            Interval { lo: f64::NEG_INFINITY, hi: f64::INFINITY }
                        } else {
                            a.format.full()
                        };
                        if x.lo < y.lo {
                            x.lo = full.lo;
                        }
                        if x.hi > y.hi {
                            x.hi = full.hi;
                        }
                    }
                }
            }
        }
        now = next;
    }
    Err("the interval analysis did not converge".into())
}

fn join(a: &Boxed, b: &Boxed) -> Boxed {
    a.iter().zip(b).map(|(x, y)| x.join(*y)).collect()
}

fn join_opt(a: Option<Boxed>, b: Option<Boxed>) -> Option<Boxed> {
    match (a, b) {
        (Some(a), Some(b)) => Some(join(&a, &b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The refractory period in steps that every `refractory` statement of the model sets (they
/// must agree and be constant), and the states it clamps.
fn refractory_of(model: &Model, clocked: bool, dt: f64) -> Result<(u64, Vec<u16>), String> {
    fn walk(stmts: &[Stmt], out: &mut Vec<(f64, bool, Vec<u16>)>) {
        for s in stmts {
            match s {
                Stmt::Refractory { duration: Expr::Const(d), in_steps, clamp } => {
                    out.push((*d, *in_steps, clamp.clone()))
                }
                Stmt::Refractory { .. } => out.push((f64::NAN, true, Vec::new())),
                Stmt::If { then, otherwise, .. } => {
                    walk(then, out);
                    walk(otherwise, out);
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for c in &model.conditions {
        walk(&c.body, &mut found);
    }
    let mut steps = None;
    let mut clamp = Vec::new();
    for (d, in_steps, c) in found {
        if d.is_nan() {
            return Err("a refractory period is not a constant".into());
        }
        let r = if in_steps || clocked { d } else { d / dt };
        let r = scn_runtime::interp::eval::round_half_even(r).max(0.0) as u64;
        if steps.is_some_and(|s| s != r) || (!clamp.is_empty() && clamp != c) {
            return Err("the model's refractory statements differ".into());
        }
        steps = Some(r);
        clamp = c;
    }
    Ok((steps.unwrap_or(0), clamp))
}

/// Per spike port of `pop`'s model, the interval of the weights summed over one step: every
/// projection onto the port contributes its weight once per connection, and a target has at
/// most its in-degree of connections from each projection.
fn port_sums(net: &Network, pop: usize, model: &Model) -> Result<Vec<Interval>, String> {
    let mut sums = vec![Interval::point(0.0); model.inputs.len()];
    for pr in net.projections.iter().filter(|pr| pr.target == pop) {
        if pr.synapse.is_some() {
            return Err(format!("projection `{}` runs a synapse model, which the interval analysis does not", pr.name));
        }
        let Expr::Const(w) = pr.weight else {
            return Err(format!("the weight of `{}` is not a constant", pr.name));
        };
        let sources = match &pr.source {
            Source::Population(p) => net.populations[*p].size,
            Source::Poisson { n, .. } | Source::Stream { n, .. } | Source::Replay { n, .. } => *n,
            Source::Rate { p, .. } => p.len() as u64,
        };
        let indegree = match &pr.rule {
            Rule::OneToOne => 1,
            Rule::Indegree(k) => *k,
            Rule::Pairs(pairs) => {
                let mut per: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
                for (_, t) in pairs {
                    *per.entry(*t).or_default() += 1;
                }
                per.values().copied().max().unwrap_or(0)
            }
            Rule::All | Rule::Probability(_) | Rule::Outdegree(_) => sources,
        } as f64;
        let i = Interval { lo: (w * indegree).min(0.0), hi: (w * indegree).max(0.0) };
        if let Some(s) = sums.get_mut(pr.port as usize) {
            *s = Interval { lo: s.lo + i.lo, hi: s.hi + i.hi };
        }
    }
    Ok(sums)
}

impl Analysis<'_> {
    /// A value stored into state `k`: quantised to the format. An `int` state holds integers,
    /// exact when the arithmetic stays in integers but passing through the format (and its
    /// overflow mode) when it meets a fixed-point value, so outside the format's range it may
    /// hold either.
    fn store(&mut self, v: Interval, k: usize) -> Interval {
        if self.model.fixed.as_ref().is_some_and(|f| f.int_states[k]) {
            let v = Interval { lo: v.lo.floor(), hi: v.hi.ceil() };
            let full = self.format.full();
            if v.lo >= full.lo && v.hi <= full.hi {
                return v;
            }
            if self.format.trap {
                self.may_stop = true;
            }
            return v.join(Interval { lo: full.lo.floor(), hi: full.hi.ceil() });
        }
        self.quant(v)
    }

    /// The result of an operation re-quantised to the format: rounding moves it by less than
    /// one LSB; outside the range, saturation clamps, wrapping can give any value and a trap
    /// stops the run (the value then never exists).
    fn quant(&mut self, v: Interval) -> Interval {
        let Some((lo, hi, _)) = self.format.fixed else { return v };
        if v.lo >= lo && v.hi <= hi {
            return v;
        }
        if self.format.trap {
            self.may_stop = true;
        }
        let wraps = self.model.fixed.as_ref().is_some_and(|f| f.spec.overflow == scn_runtime::fixed::Overflow::Wrap);
        if wraps {
            return self.format.full();
        }
        Interval { lo: v.lo.clamp(lo, hi), hi: v.hi.clamp(lo, hi) }
    }

    /// Notes an operation that may stop a fixed-point run with a fault.
    fn fault(&mut self) {
        if self.format.fixed.is_some() {
            self.may_stop = true;
        }
    }

    fn round(&mut self, v: Interval) -> Interval {
        match self.format.fixed {
            Some((_, _, lsb)) => self.quant(Interval { lo: v.lo - lsb, hi: v.hi + lsb }),
            None => v,
        }
    }

    fn eval(&mut self, e: &Expr, b: &[Interval], locals: &[(u16, Interval)]) -> Result<Interval, String> {
        let unbounded = Interval { lo: f64::NEG_INFINITY, hi: f64::INFINITY };
        let full = if self.format.fixed.is_some() { self.format.full() } else { unbounded };
        Ok(match e {
            Expr::Const(c) => Interval::point(*c),
            Expr::Param(k) => self.params.get(*k as usize).copied().unwrap_or(full),
            Expr::State(k) => b.get(*k as usize).copied().unwrap_or(full),
            Expr::Local(k) => locals.iter().rev().find(|(s, _)| s == k).map_or(full, |(_, v)| *v),
            Expr::Input(_) | Expr::Draw { .. } | Expr::Noise { .. } => full,
            Expr::Time => Interval { lo: 0.0, hi: f64::INFINITY },
            Expr::Dt => unbounded,
            Expr::Index => self.index,
            Expr::Neg(x) => {
                let v = self.eval(x, b, locals)?;
                self.quant(Interval { lo: -v.hi, hi: -v.lo })
            }
            Expr::Not(_) | Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) => Interval { lo: 0.0, hi: 1.0 },
            Expr::If(_, x, y) => {
                let (x, y) = (self.eval(x, b, locals)?, self.eval(y, b, locals)?);
                x.join(y)
            }
            Expr::Bin(op, x, y) => {
                let (x, y) = (self.eval(x, b, locals)?, self.eval(y, b, locals)?);
                match op {
                    BinOp::Add => self.quant(Interval { lo: x.lo + y.lo, hi: x.hi + y.hi }),
                    BinOp::Sub => self.quant(Interval { lo: x.lo - y.hi, hi: x.hi - y.lo }),
                    BinOp::Mul => {
                        let m = x.mul(y);
                        self.round(m)
                    }
                    BinOp::Div if y.lo > 0.0 || y.hi < 0.0 => {
                        let m = x.mul(Interval { lo: 1.0 / y.hi, hi: 1.0 / y.lo });
                        self.round(m)
                    }
                    BinOp::Shr | BinOp::Shl if y.lo == y.hi && y.lo.fract() == 0.0 && (0.0..64.0).contains(&y.lo) => {
                        let k = if *op == BinOp::Shr { -y.lo } else { y.lo };
                        let scale = 2f64.powi(k as i32);
                        match self.format.fixed {
                            // An arithmetic shift of the raw value floors.
                            Some((_, _, lsb)) if k < 0.0 => {
                                let f = |v: f64| (v / lsb * scale).floor() * lsb;
                                Interval { lo: f(x.lo), hi: f(x.hi) }
                            }
                            _ => self.quant(Interval { lo: x.lo * scale, hi: x.hi * scale }),
                        }
                    }
                    _ => {
                        // A division by zero, a bad shift or power stops a fixed-point run.
                        self.fault();
                        full
                    }
                }
            }
            Expr::Call(f, args) => {
                let mut v = Vec::new();
                for a in args {
                    v.push(self.eval(a, b, locals)?);
                }
                match (f, v.as_slice()) {
                    (Func::Min, [x, y]) => Interval { lo: x.lo.min(y.lo), hi: x.hi.min(y.hi) },
                    (Func::Max, [x, y]) => Interval { lo: x.lo.max(y.lo), hi: x.hi.max(y.hi) },
                    (Func::Clip, [x, lo, hi]) => {
                        Interval { lo: x.lo.max(lo.lo).min(hi.hi), hi: x.hi.min(hi.hi).max(lo.lo) }
                    }
                    (Func::Abs, [x]) => Interval {
                        lo: if x.lo <= 0.0 && x.hi >= 0.0 { 0.0 } else { x.lo.abs().min(x.hi.abs()) },
                        hi: x.lo.abs().max(x.hi.abs()),
                    },
                    (Func::Heaviside, _) => Interval { lo: 0.0, hi: 1.0 },
                    _ => {
                        self.fault();
                        full
                    }
                }
            }
        })
    }

    /// The values of `e` over `b`. An expression of one fixed-point state (and constants) is
    /// evaluated at every value of the format in the state's interval (up to 2^16 of them), so
    /// that `v - (v >> k)` does not lose that both terms are the same `v`; otherwise interval
    /// arithmetic.
    fn image(&mut self, e: &Expr, b: &[Interval]) -> Result<Interval, String> {
        fn states(e: &Expr, out: &mut Vec<u16>) -> bool {
            match e {
                Expr::State(s) => {
                    out.push(*s);
                    true
                }
                Expr::Const(_) | Expr::Param(_) => true,
                Expr::Neg(x) | Expr::Not(x) => states(x, out),
                Expr::Bin(_, x, y) | Expr::Cmp(_, x, y) | Expr::And(x, y) | Expr::Or(x, y) => {
                    states(x, out) && states(y, out)
                }
                Expr::If(c, x, y) => states(c, out) && states(x, out) && states(y, out),
                Expr::Call(_, args) => args.iter().all(|a| states(a, out)),
                _ => false,
            }
        }
        let mut read = Vec::new();
        if let (true, Some((_, _, lsb))) = (states(e, &mut read), self.format.fixed) {
            read.sort_unstable();
            read.dedup();
            if let [s] = read[..]
                && self.model.fixed.as_ref().is_some_and(|f| !f.int_states[s as usize])
            {
                let i = b[s as usize];
                let (lo, hi) = ((i.lo / lsb).ceil(), (i.hi / lsb).floor());
                if hi - lo < 65536.0 {
                    let mut point = b.to_vec();
                    let mut out: Option<Interval> = None;
                    let mut raw = lo;
                    while raw <= hi {
                        point[s as usize] = Interval::point(raw * lsb);
                        let v = self.eval(e, &point, &[])?;
                        out = Some(out.map_or(v, |o| o.join(v)));
                        raw += 1.0;
                    }
                    if let Some(v) = out {
                        return Ok(v);
                    }
                }
            }
        }
        self.eval(e, b, &[])
    }

    /// The box in which `cond` is `truth` (`None`: it never is), narrowing states compared
    /// with a bound; other conditions do not narrow.
    fn narrow(
        &mut self,
        b: &[Interval],
        cond: &Expr,
        truth: bool,
        locals: &[(u16, Interval)],
    ) -> Result<Option<Boxed>, String> {
        Ok(match cond {
            Expr::Not(x) => self.narrow(b, x, !truth, locals)?,
            Expr::And(x, y) | Expr::Or(x, y) if truth == matches!(cond, Expr::And(..)) => {
                match self.narrow(b, x, truth, locals)? {
                    Some(n) => self.narrow(&n, y, truth, locals)?,
                    None => None,
                }
            }
            Expr::And(x, y) | Expr::Or(x, y) => {
                join_opt(self.narrow(b, x, truth, locals)?, self.narrow(b, y, truth, locals)?)
            }
            Expr::Cmp(op, x, y) => {
                let (state, bound, op) = match (x.as_ref(), y.as_ref()) {
                    (Expr::State(s), e) => (*s, self.eval(e, b, locals)?, *op),
                    (e, Expr::State(s)) => (*s, self.eval(e, b, locals)?, flip(*op)),
                    _ => return Ok(Some(b.to_vec())),
                };
                let op = if truth { op } else { negate(op) };
                let mut n = b.to_vec();
                let x = &mut n[state as usize];
                match op {
                    CmpOp::Ge | CmpOp::Gt => x.lo = x.lo.max(bound.lo),
                    CmpOp::Le | CmpOp::Lt => x.hi = x.hi.min(bound.hi),
                    CmpOp::Eq => *x = Interval { lo: x.lo.max(bound.lo), hi: x.hi.min(bound.hi) },
                    CmpOp::Ne => {}
                }
                if x.lo > x.hi { None } else { Some(n) }
            }
            _ => Some(b.to_vec()),
        })
    }

    /// Runs statements on the boxes of the paths that have not (`.0`) and have (`.1`) set a
    /// refractory period in this step.
    fn exec(
        &mut self,
        stmts: &[Stmt],
        mut paths: (Option<Boxed>, Option<Boxed>),
        locals: &mut Vec<(u16, Interval)>,
    ) -> Result<(Option<Boxed>, Option<Boxed>), String> {
        for s in stmts {
            match s {
                Stmt::Assign { state, op, value } => {
                    for b in [&mut paths.0, &mut paths.1].into_iter().flatten() {
                        let v = self.eval(value, b, locals)?;
                        let x = b[*state as usize];
                        let r = match op {
                            AssignOp::Set => v,
                            AssignOp::Add => Interval { lo: x.lo + v.lo, hi: x.hi + v.hi },
                            AssignOp::Sub => Interval { lo: x.lo - v.hi, hi: x.hi - v.lo },
                            AssignOp::Mul => {
                                let m = x.mul(v);
                                self.round(m)
                            }
                            AssignOp::Div => {
                                if v.lo <= 0.0 && v.hi >= 0.0 {
                                    self.fault();
                                }
                                self.format.full()
                            }
                        };
                        b[*state as usize] = self.store(r, *state as usize);
                    }
                }
                Stmt::Let { local, value } => {
                    let mut v = None::<Interval>;
                    for b in [&paths.0, &paths.1].into_iter().flatten() {
                        let x = self.eval(value, b, locals)?;
                        v = Some(v.map_or(x, |y| y.join(x)));
                    }
                    if let Some(v) = v {
                        locals.push((*local, v));
                    }
                }
                Stmt::Emit => {}
                Stmt::Refractory { .. } => paths = (None, join_opt(paths.1, paths.0)),
                Stmt::Deliver(_) => return Err("`deliver` belongs to synapse models".into()),
                Stmt::If { cond, then, otherwise } => {
                    let mut yes = (None, None);
                    let mut no = (None, None);
                    for (k, b) in [&paths.0, &paths.1].into_iter().enumerate() {
                        let Some(b) = b else { continue };
                        let (t, f) = (self.narrow(b, cond, true, locals)?, self.narrow(b, cond, false, locals)?);
                        if k == 0 {
                            yes.0 = t;
                            no.0 = f;
                        } else {
                            yes.1 = t;
                            no.1 = f;
                        }
                    }
                    let a = self.exec(then, yes, locals)?;
                    let c = self.exec(otherwise, no, locals)?;
                    paths = (join_opt(a.0, c.0), join_opt(a.1, c.1));
                }
            }
        }
        Ok(paths)
    }

    /// One step from phase `k` (0: not refractory, k: the k-th step of a refractory period)
    /// with the states in `b`: the end-of-step boxes and their phases.
    fn step(&mut self, k: u64, b: &[Interval]) -> Result<Vec<(usize, Boxed)>, String> {
        // Integration: every `next` from the same pre-update state; clamped states held.
        let mut n = b.to_vec();
        for (s, e) in &self.model.nexts {
            if k > 0 && self.clamp.contains(s) {
                continue;
            }
            let v = self.image(e, b)?;
            n[*s as usize] = self.store(v, *s as usize);
        }
        // Conditions, unless refractory.
        let mut paths = (Some(n), None);
        if k == 0 {
            for c in &self.model.conditions {
                let mut out = (None, None);
                for (p, b) in [paths.0.take(), paths.1.take()].into_iter().enumerate() {
                    let Some(b) = b else { continue };
                    let mut locals = Vec::new();
                    let runs = self.narrow(&b, &c.cond, true, &locals)?;
                    let skipped =
                        if c.trigger == Trigger::Level { self.narrow(&b, &c.cond, false, &locals)? } else { Some(b) };
                    let start = if p == 0 { (runs, None) } else { (None, runs) };
                    let ran = self.exec(&c.body, start, &mut locals)?;
                    let skipped = if p == 0 { (skipped, None) } else { (None, skipped) };
                    out = (join_opt(out.0, join_opt(ran.0, skipped.0)), join_opt(out.1, join_opt(ran.1, skipped.1)));
                }
                paths = out;
            }
        }
        // The port handlers, refractory neurons too.
        for h in &self.model.handlers {
            if h.body.iter().any(|s| matches!(s, Stmt::Emit | Stmt::Refractory { .. })) {
                return Err("a port handler emits or starts a refractory period".into());
            }
            let w = self.port_sums.get(h.port as usize).copied().unwrap_or(Interval::point(0.0));
            let mut locals = vec![(h.local, w)];
            paths = self.exec(&h.body, paths, &mut locals)?;
        }
        let r = self.refractory;
        let after = |phase: u64| if phase + 1 < r { (phase + 1) as usize } else { 0 };
        let mut out = Vec::new();
        if let Some(b) = paths.0 {
            out.push((if k == 0 { 0 } else { after(k) }, b));
        }
        if let Some(b) = paths.1 {
            out.push((if r >= 2 { 1 } else { 0 }, b));
        }
        Ok(out)
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        x => x,
    }
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}
