//! The reference interpreter on hand-built networks: solvers against closed forms, the
//! refractory contract, delays, and reproducible randomness.

use scn_runtime::interp::Simulation;
use scn_runtime::ir::*;

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// dv/dt = (v_rest - v) / tau (+ optional noise), threshold and reset optional.
fn lif(solver: Solver, threshold: Option<f64>, refractory_s: f64, noise: Option<f64>) -> Model {
    let mut rhs =
        Expr::Bin(BinOp::Div, b(Expr::Bin(BinOp::Sub, b(Expr::Param(1)), b(Expr::State(0)))), b(Expr::Param(0)));
    if let Some(sigma) = noise {
        rhs = Expr::Bin(BinOp::Add, b(rhs), b(Expr::Noise { site: 0, sigma: b(Expr::Const(sigma)) }));
    }
    let mut conditions = Vec::new();
    if let Some(th) = threshold {
        conditions.push(Condition {
            trigger: Trigger::Level,
            cond: Expr::Cmp(CmpOp::Ge, b(Expr::State(0)), b(Expr::Const(th))),
            body: vec![
                Stmt::Assign { state: 0, op: AssignOp::Set, value: Expr::Const(0.0) },
                Stmt::Emit,
                Stmt::Refractory { duration: Expr::Const(refractory_s), in_steps: false, clamp: vec![0] },
            ],
        });
    }
    Model {
        name: "Lif".into(),
        params: vec!["tau".into(), "v_rest".into()],
        states: vec!["v".into()],
        state_units: vec!["V".into()],
        inputs: vec![Port { name: "syn".into(), spike: true, default: 0.0 }],
        param_init: vec![Expr::Const(0.02), Expr::Const(0.03)],
        state_init: vec![Expr::Const(0.0)],
        odes: vec![(0, rhs)],
        nexts: vec![],
        handlers: vec![PortHandler {
            port: 0,
            local: 0,
            body: vec![Stmt::Assign { state: 0, op: AssignOp::Add, value: Expr::Local(0) }],
        }],
        conditions,
        on_pre: vec![],
        on_post: vec![],
        invariants: vec![],
        gates: vec![],
        solver,
        substeps: 1,
        locals: 1,
        draw_sites: 1,
        fixed: None,
    }
}

fn network(model: Model, size: u64, dt: f64) -> Network {
    Network {
        name: "T".into(),
        dt,
        clocked: false,
        steps: None,
        seed: 1,
        models: vec![model],
        populations: vec![Population {
            name: "p".into(),
            size,
            model: 0,
            param_overrides: vec![],
            state_overrides: vec![],
            override_lets: vec![],
        }],
        projections: vec![],
        currents: vec![],
        monitors: vec![Monitor::Spikes(vec![0])],
        sc: Default::default(),
    }
}

#[test]
fn solvers_converge_to_the_closed_form() {
    // v(t) = v_rest (1 - exp(-t / tau)) from v(0) = 0.
    let (dt, steps) = (1e-4, 400u64);
    let exact = 0.03 * (1.0 - (-(steps as f64) * dt / 0.02f64).exp());
    let tolerance = [
        (Solver::Exact, 1e-13),
        (Solver::ExpEuler, 1e-13),
        (Solver::RushLarsen, 1e-13),
        (Solver::Rk4, 1e-10),
        (Solver::Heun, 5e-6),
        (Solver::Euler, 1e-3),
    ];
    for (solver, tol) in tolerance {
        let net = network(lif(solver, None, 0.0, None), 1, dt);
        let mut sim = Simulation::new(&net);
        sim.run(steps, |_| {}).unwrap();
        let v = sim.state(0, 0, 0);
        assert!((v - exact).abs() <= tol * 0.03, "{solver:?}: {v} vs {exact}");
    }
}

#[test]
fn euler_error_halves_with_the_step() {
    let err = |dt: f64| {
        let steps = (0.01 / dt).round() as u64;
        let net = network(lif(Solver::Euler, None, 0.0, None), 1, dt);
        let mut sim = Simulation::new(&net);
        sim.run(steps, |_| {}).unwrap();
        (sim.state(0, 0, 0) - 0.03 * (1.0 - (-0.5f64).exp())).abs()
    };
    let ratio = err(1e-4) / err(5e-5);
    assert!((ratio - 2.0).abs() < 0.05, "first order: ratio {ratio}");
}

#[test]
fn every_interspike_interval_is_at_least_the_refractory_period() {
    // Drive far above threshold so that the neuron fires as soon as it may.
    let mut m = lif(Solver::Exact, Some(0.01), 0.002, None);
    m.param_init[1] = Expr::Const(1.0);
    let net = network(m, 3, 1e-4);
    let mut sim = Simulation::new(&net);
    sim.run(2000, |_| {}).unwrap();
    let steps: Vec<u64> = sim.spikes.iter().filter(|s| s.neuron == 0).map(|s| s.step).collect();
    assert!(steps.len() > 10);
    for w in steps.windows(2) {
        assert!(w[1] - w[0] >= 20, "ISI {} steps < 20", w[1] - w[0]);
    }
    // Clamped during the refractory period, so the interval is exactly R plus the rise time.
    let isis: Vec<u64> = steps.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(isis.windows(2).all(|w| w[0] == w[1]), "{isis:?}");
}

#[test]
fn delayed_spikes_arrive_after_whole_steps() {
    // A source neuron that always fires, projecting with a 5-step delay onto a silent target.
    let mut src = lif(Solver::Exact, Some(0.01), 0.0, None);
    src.param_init[1] = Expr::Const(1.0);
    let tgt = lif(Solver::Exact, None, 0.0, None);
    let mut net = network(src, 1, 1e-4);
    net.models.push(tgt);
    net.populations.push(Population {
        name: "q".into(),
        size: 1,
        model: 1,
        param_overrides: vec![(1, Expr::Const(0.0))],
        state_overrides: vec![],
        override_lets: vec![],
    });
    net.projections.push(Projection {
        name: "d".into(),
        source: Source::Population(0),
        target: 1,
        port: 0,
        rule: Rule::All,
        autapses: false,
        weight: Expr::Const(1e-3),
        delay: Expr::Const(5.0),
        synapse: None,
        synapse_params: vec![],
        synapse_inputs: vec![],
    });
    let mut sim = Simulation::new(&net);
    let first = loop {
        sim.step_once().unwrap();
        if let Some(s) = sim.spikes.first() {
            break s.step;
        }
    };
    for _ in 0..4 {
        sim.step_once().unwrap();
    }
    assert_eq!(sim.step, first + 5);
    assert_eq!(sim.state(1, 0, 0), 0.0, "nothing may arrive before the delay");
    sim.step_once().unwrap();
    assert!(sim.state(1, 0, 0) > 0.0, "the spike of step {first} arrives at step {}", first + 5);
}

#[test]
fn noise_is_reproducible_and_seeded() {
    let run = |seed: u64, solver: Solver| {
        let mut net = network(lif(solver, None, 0.0, Some(0.001)), 4, 1e-4);
        net.seed = seed;
        let mut sim = Simulation::new(&net);
        sim.run(200, |_| {}).unwrap();
        (0..4).map(|i| sim.state(0, i, 0)).collect::<Vec<f64>>()
    };
    for solver in [Solver::Euler, Solver::Heun] {
        assert_eq!(run(3, solver), run(3, solver));
        assert_ne!(run(3, solver), run(4, solver));
        let v = run(3, solver);
        assert_ne!(v[0], v[1], "each neuron draws its own noise");
    }
}
