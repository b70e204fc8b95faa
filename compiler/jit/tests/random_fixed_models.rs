//! Random fixed-point neuron models (random formats, rounding and overflow modes, random
//! expressions and bodies), built as runtime IR, run on the fixed-point interpreter and on the
//! JIT: every spike, every recorded sample, every raw state and the error that stops a run
//! (overflow traps, divisions by zero, bad shifts, failed invariants) must be identical.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use scn_runtime::fixed::{Overflow, Rounding};
use scn_runtime::interp::{RunError, Simulation};
use scn_runtime::ir::*;
use std::cell::Cell;

const STATES: u16 = 3;

/// Format widths and fractional bits: 64-bit formats, narrow ones, F = 0 and F = W.
fn spec() -> impl Strategy<Value = FixedSpec> {
    (
        any::<bool>(),
        prop_oneof![Just(4u32), Just(8), Just(12), Just(16), Just(24), Just(32), Just(48), Just(63), Just(64)],
        0u32..=64,
        prop_oneof![Just(Overflow::Saturate), Just(Overflow::Wrap), Just(Overflow::Trap)],
        prop_oneof![
            Just(Rounding::Floor),
            Just(Rounding::NearestEven),
            Just(Rounding::NearestAway),
            Just(Rounding::Stochastic)
        ],
    )
        .prop_map(|(signed, width, frac, overflow, rounding)| FixedSpec {
            signed,
            width,
            frac: frac.min(width),
            overflow,
            rounding,
        })
}

/// A leaf: constants on every format's grid (multiples of 2^-8 are exact in F ≥ 8; the
/// rest of the grid is reached through arithmetic), integers in and far beyond the format,
/// fixed-point slots (params 0, states 0 and 1, inputs) and integer ones (param 1, state 2,
/// the index).
fn leaf(local: bool) -> BoxedStrategy<Expr> {
    let mut options = vec![
        (-600i32..600).prop_map(|k| Expr::Const(f64::from(k) / 256.0)).boxed(),
        (-3i32..8).prop_map(|k| Expr::Const(f64::from(k))).boxed(),
        Just(Expr::Const(100_000.0)).boxed(),
        // An integer near 2^100: products and sums of such leave i128 (`TooWide`).
        prop_oneof![Just(Expr::Const(1e30)), Just(Expr::Const(-7e29))].boxed(),
        Just(Expr::Param(0)).boxed(),
        Just(Expr::Param(1)).boxed(),
        (0..STATES).prop_map(Expr::State).boxed(),
        (0..STATES).prop_map(Expr::State).boxed(),
        (0..2u16).prop_map(Expr::Input).boxed(),
        Just(Expr::Index).boxed(),
    ];
    if local {
        options.push(Just(Expr::Local(0)).boxed());
    }
    prop::strategy::Union::new(options).boxed()
}

fn binop() -> impl Strategy<Value = BinOp> {
    prop_oneof![
        4 => Just(BinOp::Add),
        3 => Just(BinOp::Sub),
        3 => Just(BinOp::Mul),
        1 => Just(BinOp::Div),
        1 => Just(BinOp::Rem),
        1 => Just(BinOp::Pow),
        1 => Just(BinOp::Shl),
        2 => Just(BinOp::Shr),
    ]
}

fn cmpop() -> impl Strategy<Value = CmpOp> {
    prop_oneof![Just(CmpOp::Eq), Just(CmpOp::Ne), Just(CmpOp::Lt), Just(CmpOp::Le), Just(CmpOp::Gt), Just(CmpOp::Ge)]
}

fn func() -> impl Strategy<Value = (Func, usize)> {
    prop_oneof![
        Just((Func::Abs, 1)),
        Just((Func::Min, 2)),
        Just((Func::Max, 3)),
        Just((Func::Clip, 3)),
        Just((Func::Floor, 1)),
        Just((Func::Ceil, 1)),
        Just((Func::Round, 1)),
        Just((Func::Heaviside, 1)),
    ]
}

fn expr(local: bool) -> impl Strategy<Value = Expr> {
    leaf(local).prop_recursive(4, 20, 3, |inner| {
        let b = Box::new;
        prop_oneof![
            1 => inner.clone().prop_map(move |x| Expr::Neg(b(x))),
            1 => inner.clone().prop_map(move |x| Expr::Not(b(x))),
            3 => (binop(), inner.clone(), inner.clone()).prop_map(move |(o, x, y)| Expr::Bin(o, b(x), b(y))),
            1 => (cmpop(), inner.clone(), inner.clone()).prop_map(move |(o, x, y)| Expr::Cmp(o, b(x), b(y))),
            1 => (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::And(b(x), b(y))),
            1 => (inner.clone(), inner.clone()).prop_map(move |(x, y)| Expr::Or(b(x), b(y))),
            1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(move |(c, x, y)| Expr::If(b(c), b(x), b(y))),
            1 => (func(), prop::collection::vec(inner, 3)).prop_map(|((f, n), mut args)| {
                args.truncate(n);
                Expr::Call(f, args)
            }),
        ]
    })
}

fn assign_op() -> impl Strategy<Value = AssignOp> {
    prop_oneof![Just(AssignOp::Set), Just(AssignOp::Add), Just(AssignOp::Sub), Just(AssignOp::Mul), Just(AssignOp::Div)]
}

fn stmt(local: bool) -> impl Strategy<Value = Stmt> {
    let simple = prop_oneof![
        3 => (0..STATES, assign_op(), expr(local)).prop_map(|(state, op, value)| Stmt::Assign { state, op, value }),
        1 => Just(Stmt::Emit),
        1 => (0..5u32, prop::collection::vec(0..STATES, 0..3)).prop_map(|(d, clamp)| Stmt::Refractory {
            duration: Expr::Const(f64::from(d)),
            in_steps: true,
            clamp
        }),
    ];
    simple.prop_recursive(2, 8, 3, move |inner| {
        (expr(local), prop::collection::vec(inner.clone(), 0..3), prop::collection::vec(inner, 0..2))
            .prop_map(|(cond, then, otherwise)| Stmt::If { cond, then, otherwise })
    })
}

fn trigger() -> impl Strategy<Value = Trigger> {
    prop_oneof![Just(Trigger::Level), Just(Trigger::Rise), Just(Trigger::Fall)]
}

/// The host network, lowered from SCN source: a Q8.8 neuron (replaced by the random one) with
/// a fixed-point parameter (per neuron: 0.25 · index), an `int` parameter, two fixed-point
/// states and an `int` one, a spike port driven by Poisson input and a delayed recurrent
/// projection, a continuous port a current drives from step 10 to 30, every state monitored.
const BASE: &str = "neuron Base {
    precision fix<16, 8> overflow saturate rounding nearest_even
    param a: dimensionless = 0.75
    param k: int = 3
    state x: dimensionless = 0.5
    state y: dimensionless = -1.25
    state n: int = 2
    input syn: spike(dimensionless)
    input drive: dimensionless = 0.25
    on syn(w) { x += w }
}
network Host {
    dt = 1 ms
    seed = 11
    pop p = Base[6]
    stimulus poisson(rate = 300 Hz, n = 6) -> p.syn { one_to_one, weight = 0.5 }
    connect p -> p.syn { all, weight = -0.25, delay = 1 ms }
    stimulus current(amplitude = 0.5, start = 10 ms, stop = 30 ms) -> p.drive
    monitor spikes(p)
    monitor state(p[0..6].x, p[0..6].y, p[0..6].n)
}
";

fn base_network() -> Network {
    let analysis = scn_sema::check_source("base.scn", BASE.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let mut net = scn_lower::lower_network(&analysis, None).expect("the base network lowers");
    let m = &net.models[net.populations[0].model];
    let fixed = m.fixed.as_ref().expect("a fixed-point model");
    assert_eq!(
        (fixed.int_params.as_slice(), fixed.int_states.as_slice()),
        (&[false, true][..], &[false, false, true][..])
    );
    assert!(m.inputs[0].spike && !m.inputs[1].spike);
    net.populations[0].param_overrides =
        vec![(0, Expr::Bin(BinOp::Mul, Box::new(Expr::Const(0.25)), Box::new(Expr::Index)))];
    net
}

/// The host network with a random model.
fn network() -> impl Strategy<Value = Network> {
    (
        spec(),
        prop::collection::vec((0..STATES, expr(false)), 0..3),
        prop::collection::vec((trigger(), expr(false), prop::collection::vec(stmt(false), 0..4)), 0..3),
        prop::collection::vec(stmt(true), 0..3),
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(expr(false), 1..3)],
    )
        .prop_map(|(spec, nexts, conds, handler, invariants)| {
            let mut net = base_network();
            let at = net.populations[0].model;
            let m = &mut net.models[at];
            m.fixed.as_mut().expect("fixed").spec = spec;
            m.nexts = nexts;
            m.handlers = vec![PortHandler { port: 0, local: 0, body: handler }];
            m.conditions = conds.into_iter().map(|(trigger, cond, body)| Condition { trigger, cond, body }).collect();
            m.invariants = invariants;
            m.locals = m.locals.max(1);
            net
        })
}

fn run(net: &Network, jit: bool) -> (Result<(), RunError>, Simulation<'_>, bool) {
    let mut sim = Simulation::new(net);
    let compiled = jit && scn_jit::attach(net, &mut sim).populations == vec![scn_jit::PopEngine::Jit];
    assert_eq!(compiled, sim.has_fx_kernel(0));
    let r = sim.run(40, |_| {});
    (r, sim, compiled)
}

/// Runs `net` on both engines and compares everything; returns whether the JIT compiled it.
fn compare(net: &Network) -> Result<bool, TestCaseError> {
    let (ri, si, _) = run(net, false);
    let (rj, sj, compiled) = run(net, true);
    prop_assert_eq!(&ri, &rj);
    prop_assert_eq!(&si.spikes, &sj.spikes);
    prop_assert_eq!(&si.samples, &sj.samples);
    for i in 0..6 {
        for s in 0..STATES {
            prop_assert_eq!(si.raw_state(0, i, s), sj.raw_state(0, i, s), "state {} of neuron {}", s, i);
        }
    }
    Ok(compiled)
}

#[test]
fn random_fixed_point_models_are_bit_identical() {
    let mut runner = TestRunner::new(Config { cases: 1000, ..Config::default() });
    let (total, compiled) = (Cell::new(0u32), Cell::new(0u32));
    runner
        .run(&network(), |net| {
            total.set(total.get() + 1);
            if compare(&net)? {
                compiled.set(compiled.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // The generator uses only what the fixed-point interpreter defines: the JIT compiles all.
    assert_eq!(compiled.get(), total.get(), "random models the JIT left to the interpreter");
}

/// An `if` choosing between an integer and a fixed-point value has a kind known only at run
/// time: it compiles, and the operations on it follow the interpreter's kinds.
#[test]
fn a_mixed_kind_if_compiles_and_matches() {
    let mut net = base_network();
    let at = net.populations[0].model;
    let b = Box::new;
    let mixed =
        Expr::If(b(Expr::Cmp(CmpOp::Gt, b(Expr::Index), b(Expr::Const(2.0)))), b(Expr::State(2)), b(Expr::State(1)));
    // x = mixed * 0.5 + 1: an integer times 0.5 re-quantises, a fixed-point value too.
    let next = Expr::Bin(BinOp::Add, b(Expr::Bin(BinOp::Mul, b(mixed), b(Expr::Const(0.5)))), b(Expr::Const(1.0)));
    net.models[at].nexts = vec![(0, next)];
    assert!(compare(&net).unwrap(), "the JIT compiled it");
}

/// What the fixed-point interpreter itself does not define keeps the interpreter, saying why.
#[test]
fn an_undefined_function_keeps_the_interpreter() {
    let mut net = base_network();
    let at = net.populations[0].model;
    net.models[at].nexts = vec![(0, Expr::Call(Func::Exp, vec![Expr::State(0)]))];
    let mut sim = Simulation::new(&net);
    let a = scn_jit::attach(&net, &mut sim);
    assert!(matches!(&a.populations[0], scn_jit::PopEngine::Interp(why) if why.contains("Exp")), "{a:?}");
    assert!(!sim.has_fx_kernel(0));
}
