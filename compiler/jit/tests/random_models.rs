//! Random well-typed neuron models, built as runtime IR, run on the interpreter and
//! on the JIT: every spike, every recorded state and the final state of every neuron must be
//! bit-identical (NaNs compare equal to NaNs, as they print the same), and a failing
//! invariant must fail at the same neuron and step on both engines.

use proptest::prelude::*;
use scn_runtime::interp::{RunError, Simulation};
use scn_runtime::ir::*;

const STATES: u16 = 3;
const PARAMS: u16 = 2;

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (-3.0f64..3.0).prop_map(Expr::Const),
        Just(Expr::Const(0.0)),
        Just(Expr::Const(0.5)),
        (0..PARAMS).prop_map(Expr::Param),
        (0..STATES).prop_map(Expr::State),
        (0..2u16).prop_map(Expr::Input),
        Just(Expr::Time),
        Just(Expr::Dt),
        Just(Expr::Index),
    ]
}

fn func() -> impl Strategy<Value = (Func, usize)> {
    prop_oneof![
        Just((Func::Exp, 1)),
        Just((Func::Log, 1)),
        Just((Func::Sqrt, 1)),
        Just((Func::Abs, 1)),
        Just((Func::Min, 2)),
        Just((Func::Max, 3)),
        Just((Func::Clip, 3)),
        Just((Func::Floor, 1)),
        Just((Func::Ceil, 1)),
        Just((Func::Round, 1)),
        Just((Func::Tanh, 1)),
        Just((Func::Sigmoid, 1)),
        Just((Func::Exprel, 1)),
        Just((Func::Boltz, 3)),
        Just((Func::Hill, 3)),
        Just((Func::Heaviside, 1)),
    ]
}

fn binop() -> impl Strategy<Value = BinOp> {
    prop_oneof![
        Just(BinOp::Add),
        Just(BinOp::Sub),
        Just(BinOp::Mul),
        Just(BinOp::Div),
        Just(BinOp::Rem),
        Just(BinOp::Pow),
        Just(BinOp::Shl),
        Just(BinOp::Shr),
    ]
}

fn cmpop() -> impl Strategy<Value = CmpOp> {
    prop_oneof![Just(CmpOp::Eq), Just(CmpOp::Ne), Just(CmpOp::Lt), Just(CmpOp::Le), Just(CmpOp::Gt), Just(CmpOp::Ge)]
}

/// An expression; `noise` allows `noise(…)` terms (ODE right-hand sides only), `local`
/// allows reading handler local 0.
fn expr(noise: bool, local: bool) -> impl Strategy<Value = Expr> {
    let base = if local { prop_oneof![4 => leaf(), 1 => Just(Expr::Local(0))].boxed() } else { leaf().boxed() };
    base.prop_recursive(4, 24, 3, move |inner| {
        let mut options = vec![
            inner.clone().prop_map(|x| Expr::Neg(Box::new(x))).boxed(),
            inner.clone().prop_map(|x| Expr::Not(Box::new(x))).boxed(),
            (binop(), inner.clone(), inner.clone())
                .prop_map(|(o, a, b)| Expr::Bin(o, Box::new(a), Box::new(b)))
                .boxed(),
            (binop(), inner.clone(), inner.clone())
                .prop_map(|(o, a, b)| Expr::Bin(o, Box::new(a), Box::new(b)))
                .boxed(),
            (cmpop(), inner.clone(), inner.clone())
                .prop_map(|(o, a, b)| Expr::Cmp(o, Box::new(a), Box::new(b)))
                .boxed(),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))).boxed(),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))).boxed(),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| Expr::If(Box::new(c), Box::new(a), Box::new(b)))
                .boxed(),
            (func(), prop::collection::vec(inner.clone(), 3))
                .prop_map(|((f, n), mut args)| {
                    args.truncate(n);
                    Expr::Call(f, args)
                })
                .boxed(),
            (0..4u16, 0..4usize, prop::collection::vec(inner.clone(), 2))
                .prop_map(|(site, k, args)| {
                    let kind = [DrawKind::Uniform, DrawKind::Normal, DrawKind::Lognormal, DrawKind::Bernoulli][k];
                    Expr::Draw { site, kind, args }
                })
                .boxed(),
        ];
        if noise {
            options
                .push((0..4u16, inner.clone()).prop_map(|(site, s)| Expr::Noise { site, sigma: Box::new(s) }).boxed());
        }
        prop::strategy::Union::new(options)
    })
}

fn assign_op() -> impl Strategy<Value = AssignOp> {
    prop_oneof![Just(AssignOp::Set), Just(AssignOp::Add), Just(AssignOp::Sub), Just(AssignOp::Mul), Just(AssignOp::Div)]
}

fn stmt(local: bool) -> impl Strategy<Value = Stmt> {
    let simple = prop_oneof![
        (0..STATES, assign_op(), expr(false, local)).prop_map(|(state, op, value)| Stmt::Assign { state, op, value }),
        expr(false, local).prop_map(|value| Stmt::Let { local: 1, value }),
        Just(Stmt::Emit),
        (expr(false, local), any::<bool>(), prop::collection::vec(0..STATES, 0..3))
            .prop_map(|(duration, in_steps, clamp)| Stmt::Refractory { duration, in_steps, clamp }),
    ];
    simple.prop_recursive(2, 8, 3, move |inner| {
        (expr(false, local), prop::collection::vec(inner.clone(), 0..3), prop::collection::vec(inner, 0..2))
            .prop_map(|(cond, then, otherwise)| Stmt::If { cond, then, otherwise })
    })
}

fn solver() -> impl Strategy<Value = Solver> {
    prop_oneof![Just(Solver::Euler), Just(Solver::Heun), Just(Solver::Rk4), Just(Solver::ExpEuler), Just(Solver::Exact)]
}

fn trigger() -> impl Strategy<Value = Trigger> {
    prop_oneof![Just(Trigger::Level), Just(Trigger::Rise), Just(Trigger::Fall)]
}

/// The network the random models are grafted onto, lowered from SCN source so that the test
/// never spells out an IR struct (whose fields grow with the language). Its 7 neurons (three
/// pairs for the vector code and one for the scalar tail) have 3
/// states, 2 parameters (`a` differs per neuron, `b` does not), a spike port (0) and a
/// continuous port (1) that a current drives from 10 ms to 30 ms; Poisson input and a
/// delayed recurrent projection hit the spike port; every state and spike is monitored.
const BASE: &str = "neuron Base {
    param a: dimensionless = uniform(-1, 1)
    param b: dimensionless = 0.75
    state x: dimensionless = normal(0, 1)
    state y: dimensionless = normal(0, 1)
    state z: dimensionless = normal(0, 1)
    input syn: spike(dimensionless)
    input drive: dimensionless = 0.25
    on syn(w) { x += w }
}
network Host {
    dt = 1 ms
    seed = 11
    pop p = Base[7]
    stimulus poisson(rate = 300 Hz, n = 7) -> p.syn { one_to_one, weight = 0.5 }
    connect p -> p.syn { all, weight = -0.25, delay = 1 ms }
    stimulus current(amplitude = 0.5, start = 10 ms, stop = 30 ms) -> p.drive
    monitor spikes(p)
    monitor state(p[0..7].x, p[0..7].y, p[0..7].z)
}
";

fn base_network() -> Network {
    let analysis = scn_sema::check_source("base.scn", BASE.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the base network lowers");
    let m = &net.models[net.populations[0].model];
    assert_eq!((m.params.len(), m.states.len(), m.inputs.len()), (2, 3, 2));
    assert!(m.inputs[0].spike && !m.inputs[1].spike);
    assert_eq!((net.projections.len(), net.currents.len()), (2, 1));
    net
}

fn base() -> Model {
    let net = base_network();
    net.models[net.populations[0].model].clone()
}

/// The base neuron with random dynamics, conditions, handler and invariants.
fn model() -> impl Strategy<Value = Model> {
    (
        solver(),
        1..4u32,
        prop::collection::vec((0..STATES, expr(true, false)), 0..3),
        prop::collection::vec((0..STATES, expr(false, false)), 0..2),
        prop::collection::vec((trigger(), expr(false, false), prop::collection::vec(stmt(false), 0..4)), 0..3),
        prop::collection::vec(stmt(true), 0..3),
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(expr(false, false), 1..3)],
    )
        .prop_map(|(solver, substeps, mut odes, nexts, conds, handler, invariants)| {
            odes.sort_by_key(|(s, _)| *s);
            odes.dedup_by_key(|(s, _)| *s);
            let mut m = base();
            m.odes = odes;
            m.nexts = nexts;
            m.handlers = vec![PortHandler { port: 0, local: 0, body: handler }];
            m.conditions = conds.into_iter().map(|(trigger, cond, body)| Condition { trigger, cond, body }).collect();
            m.invariants = invariants;
            m.solver = solver;
            m.substeps = substeps;
            m.locals = m.locals.max(2);
            m.draw_sites = m.draw_sites.max(4);
            m
        })
}

fn network(model: Model) -> Network {
    let mut net = base_network();
    let at = net.populations[0].model;
    net.models[at] = model;
    net
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn run(net: &Network, jit: bool) -> (Result<(), RunError>, Simulation<'_>) {
    let mut sim = Simulation::new(net);
    if jit {
        let a = scn_jit::attach(net, &mut sim);
        assert_eq!(a.populations, vec![scn_jit::PopEngine::Jit]);
        // Only invariants (no fused pass) and the exact solver's per-element cache (a matrix
        // that does not fold) keep a model off the vector code.
        let m = &net.models[net.populations[0].model];
        if m.invariants.is_empty() && m.solver != Solver::Exact {
            assert_eq!(a.vector, vec![true], "a model without invariants gets the vector step");
        }
    }
    let r = sim.run(40, |_| {});
    (r, sim)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_models_are_bit_identical(m in model()) {
        let net = network(m);
        let (ri, si) = run(&net, false);
        let (rj, sj) = run(&net, true);
        match (&ri, &rj) {
            (Err(RunError::Invariant { neuron: a, step: b, .. }), Err(RunError::Invariant { neuron: c, step: d, .. })) => {
                prop_assert_eq!((a, b), (c, d));
            }
            _ => prop_assert_eq!(ri.is_ok(), rj.is_ok(), "{:?} vs {:?}", ri, rj),
        }
        prop_assert_eq!(&si.spikes, &sj.spikes);
        prop_assert_eq!(si.samples.len(), sj.samples.len());
        for (a, b) in si.samples.iter().zip(&sj.samples) {
            prop_assert!(a.step == b.step && a.neuron == b.neuron && same(a.value, b.value), "{:?} vs {:?}", a, b);
        }
        for i in 0..7 {
            for s in 0..STATES {
                let (a, b) = (si.state(0, i, s), sj.state(0, i, s));
                prop_assert!(same(a, b), "state {} of neuron {}: {} vs {}", s, i, a, b);
            }
        }
    }
}

#[test]
fn models_the_jit_does_not_compile_keep_the_interpreter() {
    let mut m = base();
    m.substeps = scn_jit::solver::MAX_SUBSTEPS + 1;
    m.odes = vec![(0, Expr::Neg(Box::new(Expr::State(0))))];
    let net = network(m);
    let mut sim = Simulation::new(&net);
    let a = scn_jit::attach(&net, &mut sim);
    assert!(matches!(&a.populations[0], scn_jit::PopEngine::Interp(why) if why.contains("substeps")));
    assert!(!sim.has_kernel(0));
}

/// Gates of both kinetics forms under `rush_larsen` (with an ungated ODE beside them, which
/// takes exponential Euler), compiled and bit-identical to the interpreter.
#[test]
fn rush_larsen_gates_are_bit_identical() {
    let st = |k| Box::new(Expr::State(k));
    let c = |x| Box::new(Expr::Const(x));
    let mut m = base();
    let alpha = Expr::Bin(BinOp::Mul, c(0.5), Box::new(Expr::Call(Func::Exp, vec![Expr::State(2)])));
    let beta = Expr::Bin(BinOp::Add, c(0.3), Box::new(Expr::Input(1)));
    let (inf, tau) = (Expr::Call(Func::Tanh, vec![Expr::State(0)]), Expr::Bin(BinOp::Add, c(2.0), st(2)));
    let rate = |g: u16| {
        let open = Expr::Bin(BinOp::Mul, Box::new(alpha.clone()), Box::new(Expr::Bin(BinOp::Sub, c(1.0), st(g))));
        Expr::Bin(BinOp::Sub, Box::new(open), Box::new(Expr::Bin(BinOp::Mul, Box::new(beta.clone()), st(g))))
    };
    let relax =
        Expr::Bin(BinOp::Div, Box::new(Expr::Bin(BinOp::Sub, Box::new(inf.clone()), st(1))), Box::new(tau.clone()));
    let drive = Expr::Bin(BinOp::Sub, Box::new(Expr::Input(1)), Box::new(Expr::Bin(BinOp::Mul, c(0.7), st(2))));
    m.odes = vec![(0, rate(0)), (1, relax), (2, drive)];
    m.gates = vec![
        Gate { state: 0, kinetics: GateKinetics::Rates { alpha, beta } },
        Gate { state: 1, kinetics: GateKinetics::Relaxation { inf, tau } },
    ];
    m.solver = Solver::RushLarsen;
    m.substeps = 2;
    let net = network(m);
    let (ri, si) = run(&net, false);
    let (rj, sj) = run(&net, true);
    assert_eq!(ri, rj);
    assert_eq!(si.spikes, sj.spikes);
    for i in 0..7 {
        for s in 0..STATES {
            let (a, b) = (si.state(0, i, s), sj.state(0, i, s));
            assert!(same(a, b), "state {s} of neuron {i}: {a} vs {b}");
        }
    }
    assert!(si.samples.iter().zip(&sj.samples).all(|(a, b)| same(a.value, b.value)));
    assert!(si.state(0, 0, 0) != 0.0, "the gates moved");
}
