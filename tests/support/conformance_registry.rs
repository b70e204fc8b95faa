//! The conformance registry: every model of the standard library with its SC-NeuroCore
//! counterpart (or why it has none) and how the two are compared. `tests/conformance.rs` runs
//! the comparisons and generates `docs/conformance.md` from this list and their results.

use crate::sc_neurocore::Tolerance;

/// One model of the standard library.
pub struct Entry {
    /// `kind.module.Model`, for example `neurons.lif.Lif`.
    pub model: &'static str,
    /// Its counterpart in SC-NeuroCore.
    pub counterpart: Counterpart,
}

/// What SC-NeuroCore has for a model.
pub enum Counterpart {
    /// No counterpart: why.
    None(&'static str),
    /// A counterpart class (`module.Class` below `sc_neurocore`) and the comparison.
    Class(&'static str, Check),
}

/// How a model is compared with its counterpart.
pub struct Check {
    /// Network of `tests/compare/` file `file` that runs the standard-library model.
    pub file: &'static str,
    /// The network, also the case name of the Python driver (`sc_neurocore_neurons.py`).
    pub network: &'static str,
    /// The Python case, when it is not the network's name.
    pub case: Option<&'static str>,
    /// The agreement required, and why that much.
    pub tol: Tolerance,
    /// How the two are run (solver, input), for the table.
    pub method: &'static str,
    /// The fewest spikes the input must produce (0 for rate models).
    pub min_spikes: usize,
    /// Where the two differ by design or because SC-NeuroCore departs from the paper: the
    /// network of a test-local variant of the model with SC-NeuroCore's behaviour, which must
    /// agree with it under `tol`, and the difference in words. The model itself must then
    /// disagree with the reference.
    pub differs: Option<(&'static str, &'static str)>,
}

const CMP: &str = "tests/compare/conformance.scn";
const NEURONS: &str = "tests/compare/sc_neurocore_neurons.scn";

/// Floating-point models integrated by the same scheme on both sides: SCN computes in SI
/// units, the references in ms and mV, so the two differ by rounding only, amplified by at
/// most a few orders of magnitude across a spike; 1e-9 of the variable's range leaves several
/// orders of magnitude of margin and is still far below any solver error.
const ROUNDING: Tolerance = Tolerance::Relative(1e-9);

/// RK4 on both sides of a bursting two-compartment cell: the rounding differences of the two
/// (SI units against mV and ms) stay below 1e-11 of the range between spikes but are
/// amplified in a spike's upstroke, where a shift of the trajectory by a fraction of a
/// rounding error in time meets a slope of hundreds of mV/ms (measured: 5.6e-10 of v's range,
/// in a burst, falling back after it). 1e-8 leaves a factor of 18.
const SPIKE_UPSTROKE_ROUNDING: Tolerance = Tolerance::Relative(1e-8);

/// SCN's RK4 against SC-NeuroCore's exact flow: RK4's global error is O(dt^4), about 1e-8 of
/// the variable's scale at dt = 0.01 in the model's time unit (measured: 3e-10).
const RK4_AGAINST_EXACT: Tolerance = Tolerance::Relative(1e-8);

/// SCN's RK4 of the theta neuron's rotating point against SC-NeuroCore's exact phase: the
/// rotation speed reaches (1 - cos) + (1 + cos) I, up to 2.4 per ms here, so RK4's local error
/// (ω dt)^5 / 120 per step accumulates over 5000 steps to about 1e-7 (measured: 7e-8).
const RK4_ON_THE_CIRCLE: Tolerance = Tolerance::Relative(1e-6);

/// Independent random streams: spike counts within 4 standard deviations of the difference of
/// two Poisson counts (a false failure about once in 16 000 comparisons; a 5 % rate error in
/// 6000 spikes is 4.5 s.d.).
const STATISTICAL: Tolerance = Tolerance::Counts(4.0);

/// SCN's exact propagator of GLIF's three coupled states with a constant drive (the matrix
/// exponential of a 4 × 4 augmented system) is not exact in floating point: at rest, without
/// input, v drifts by about 2e-12 V per step (1.1e-9 V, 1.6e-8 of the range, after 500 steps);
/// the after-spike currents, whose range is 1e-11 A, differ by up to 1.1e-7 of it. The
/// reference's RK4 error is far smaller. 1e-6 of the range bounds that drift over the run.
const COUPLED_PROPAGATOR: Tolerance = Tolerance::Relative(1e-6);

/// SCN's exact propagator of an affine system (the leak towards e_l with its alpha currents)
/// rounds its constant column to about 4e-10 of v per step: at rest, without input, v moves
/// by 2.8e-11 V in the first step and settles 3e-10 V (4e-9 of the range) away from rest,
/// where the leak (1 - e^{-dt / tau_m} per step) takes out as much as the rounding puts in.
/// The reference's closed form is exact at rest. 1e-8 of the range bounds that offset.
const AFFINE_PROPAGATOR: Tolerance = Tolerance::Relative(1e-8);

/// A first-order integrator (SCN's exponential Euler) against RK4 at dt = 0.1 ms: the
/// first-order error of v, a few 1e-4 of its range between spikes, moves a threshold crossing
/// by up to 3 steps; a reset k steps apart leaves v offset by up to k dt max|dv/dt| after the
/// reset (350 pA / 200 pF = 1.75 mV/ms: 0.5 mV, 8e-3 of the range, for k = 3), decaying with
/// tau_m. So: spikes within 3 steps, states within twice that bound (2e-2 of the range) away
/// from the spike steps.
const FIRST_ORDER_AGAINST_RK4: Tolerance = Tolerance::Solver { spike_steps: 3, relative: 2e-2 };

/// A rate rule integrated by Euler with its rates held at their start-of-step values
/// (SC-NeuroCore's BCMSynapse) against RK4 on the decaying traces (std Bcm): over a step of
/// dt a trace decays by dt / tau, so the held drive overestimates a product of two rates by
/// about dt / tau and one of three by 3 dt / (2 tau), which is 2 % and 3 % at dt = 1 ms and
/// tau = 50 ms. The threshold, the running average of y^2, and the weight's change carry
/// that relative bias: 3 % of the range bounds both (measured: theta 2.0e-2, w 6.3e-3);
/// the traces themselves agree to rounding.
const HELD_RATES: Tolerance = Tolerance::Relative(3e-2);

/// An eligibility-gated rule integrated by Euler with the eligibility held at its value just
/// after the step's spikes (SC-NeuroCore's DopamineStdpSynapse) against RK4 on the decaying
/// eligibility (std RewardStdp): over a step c decays by dt / tau_c, so every increment of w
/// is too large by about dt / (2 tau_c) = 5e-4 of itself (dt = 1 ms, tau_c = 1 s), and w's
/// total variation (5.7e-4 V) is about its range (5.3e-4 V): 1e-3 of the range bounds the
/// accumulated difference (measured: 4.4e-4); the traces and c agree to rounding.
const HELD_ELIGIBILITY: Tolerance = Tolerance::Relative(1e-3);

/// A trajectory comparison of network `network` in `file` against the case of the same name.
const fn trajectory(file: &'static str, network: &'static str, method: &'static str) -> Check {
    Check { file, network, case: None, tol: ROUNDING, method, min_spikes: 5, differs: None }
}

/// Why a channel has no counterpart of its own.
const NO_CHANNEL_CLASSES: &str = "SC-NeuroCore has no separate ion-channel classes (its conductance-based \
     neurons inline their gates); the channel takes part in the comparisons of the neurons built from it";

/// Every model of the standard library, in the order of `docs/conformance.md`.
pub const REGISTRY: &[Entry] = &[
    Entry {
        model: "neurons.lif.Lif",
        counterpart: Counterpart::Class(
            "neurons.models.lapicque.LapicqueNeuron",
            Check {
                case: None,
                ..trajectory(NEURONS, "Lapicque", "exact RC flow both; stepped current, 5000 steps of 0.1 ms")
            },
        ),
    },
    Entry {
        model: "neurons.stochastic_lif.StochasticLif",
        counterpart: Counterpart::Class(
            "neurons.stochastic_lif.StochasticLIFNeuron",
            trajectory(
                CMP,
                "StdStochasticLif",
                "noise off (sigma = 0), Euler both, 20-step refractory = 2.1 ms; stepped current",
            ),
        ),
    },
    Entry {
        model: "neurons.eif.Eif",
        counterpart: Counterpart::Class(
            "neurons.models.expif.ExpIFNeuron",
            trajectory(CMP, "StdEif", "RK4 both, cut-off at the reference's threshold; stepped drive"),
        ),
    },
    Entry {
        model: "neurons.adex.AdEx",
        counterpart: Counterpart::Class(
            "neurons.models.adex.AdExNeuron",
            Check {
                differs: Some((
                    "StdAdExClipped",
                    "std AdEx evaluates the exponential and w's drive at min(v, v_peak) (no overflow past the cut-off); \
                     SC-NeuroCore clips the exponent to [-20, 20] and drives w with v itself, so RK4 stages that \
                     overshoot v_peak in a spike step give a different w",
                )),
                case: Some("StdAdEx"),
                ..trajectory(CMP, "StdAdEx", "RK4 both (reference integrator=\"rk4\"); stepped current; v and w")
            },
        ),
    },
    Entry {
        model: "neurons.izhikevich.Izhikevich",
        counterpart: Counterpart::Class(
            "neurons.sc_izhikevich.SCIzhikevichNeuron",
            trajectory(NEURONS, "IzhikevichNet", "preset RS, RK4 both, noise off; stepped drive; v and u"),
        ),
    },
    Entry {
        model: "neurons.izhikevich2007.Izhikevich2007",
        counterpart: Counterpart::Class(
            "neurons.models.izhikevich2007.Izhikevich2007Neuron",
            trajectory(CMP, "StdIzhikevich2007", "defaults (RS), RK4 both; stepped current; v and u"),
        ),
    },
    Entry {
        model: "neurons.lif_q88_rtl.LifQ88Rtl",
        counterpart: Counterpart::Class(
            "neurons.fixed_point_lif.FixedPointLIFNeuron",
            Check {
                tol: Tolerance::Exact,
                ..trajectory(
                    "tests/compare/sc_neurocore_fixed.scn",
                    "FixedLifNet",
                    "Q8.8 integers, clocked, 5000 cycles; engine's FixedPointLif checked alongside",
                )
            },
        ),
    },
    Entry {
        model: "neurons.perfect_if.PerfectIf",
        counterpart: Counterpart::Class(
            "neurons.models.perfect_integrator.PerfectIntegratorNeuron",
            trajectory(CMP, "StdPerfectIf", "exact (SCN) = Euler (reference) for a constant current; stepped current"),
        ),
    },
    Entry {
        model: "neurons.fitzhugh_nagumo.FitzHughNagumo",
        counterpart: Counterpart::Class(
            "neurons.models.fitzhugh_nagumo.FitzHughNagumoNeuron",
            trajectory(CMP, "StdFitzHughNagumo", "RK4 both, time unit 1 ms; stepped drive; v and w"),
        ),
    },
    Entry {
        model: "neurons.hindmarsh_rose.HindmarshRose",
        counterpart: Counterpart::Class(
            "neurons.models.hindmarsh_rose.HindmarshRoseNeuron",
            trajectory(CMP, "StdHindmarshRose", "RK4 both, time unit 1 ms, tonic spiking; stepped drive; x, y, z"),
        ),
    },
    Entry {
        model: "neurons.rulkov_map.RulkovMap",
        counterpart: Counterpart::Class(
            "neurons.models.rulkov_map.RulkovMapNeuron",
            Check {
                tol: Tolerance::Exact,
                ..trajectory(CMP, "StdRulkov", "the map, one iteration per step, 5000 steps; stepped drive; x and y")
            },
        ),
    },
    Entry {
        model: "neurons.adaptive_lif.AdaptiveLif",
        counterpart: Counterpart::Class(
            "neurons.models.adaptive_threshold_if.AdaptiveThresholdIFNeuron",
            trajectory(
                CMP,
                "StdAdaptiveLif",
                "exact flows both (threshold v_th + beta a = theta); stepped current; v and a",
            ),
        ),
    },
    Entry {
        model: "neurons.alpha_lif.AlphaCubaLif",
        counterpart: Counterpart::Class(
            "neurons.models.alpha.AlphaNeuron",
            Check {
                tol: AFFINE_PROPAGATOR,
                ..trajectory(
                    CMP,
                    "StdAlphaCubaLif",
                    "exact flows both, dt = 1 ms, 3000 steps; the replayed trains as impulses (1 nA excitatory \
                     peaks per pre spike, -0.5 nA inhibitory per kick; in the reference an impulse moves the \
                     rise state a = e y tau_m / c_m, its drive argument held over a step being no impulse); \
                     t_ref = 0 and reset to rest as the reference; v and both alpha currents with their \
                     auxiliary states",
                )
            },
        ),
    },
    Entry {
        model: "neurons.coba_lif.CobaLif",
        counterpart: Counterpart::Class(
            "neurons.models.coba_lif.COBALIFNeuron",
            Check {
                tol: FIRST_ORDER_AGAINST_RK4,
                ..trajectory(
                    CMP,
                    "StdCobaLif",
                    "exponential Euler (SCN) against RK4 (reference), dt = 0.1 ms; stepped current and conductance \
                     kicks from the replayed trains; v, g_e, g_i",
                )
            },
        ),
    },
    Entry {
        model: "neurons.escape_rate.EscapeRate",
        counterpart: Counterpart::Class(
            "neurons.models.escape_rate.EscapeRateNeuron",
            Check {
                tol: STATISTICAL,
                ..trajectory(
                    CMP,
                    "StdEscapeRate",
                    "200 neurons, exact membrane, hazard rho_0 exp((v - v_th) / delta), R I = 12 mV, 1 s; spike counts",
                )
            },
        ),
    },
    Entry {
        model: "neurons.glif.Glif",
        counterpart: Counterpart::Class(
            "neurons.models.glif.GLIFNeuron",
            Check {
                tol: COUPLED_PROPAGATOR,
                ..trajectory(
                    CMP,
                    "StdGlif",
                    "the reference's threshold dynamics off (a_theta = delta_theta = 0), which is GLIF3 (Teeter et al. \
                     2018); exact (SCN) against RK4 (reference), dt = 0.1 ms; stepped current; v and both after-spike \
                     currents",
                )
            },
        ),
    },
    Entry {
        model: "neurons.hodgkin_huxley.HodgkinHuxley",
        counterpart: Counterpart::Class(
            "neurons.models.hodgkin_huxley.HodgkinHuxleyNeuron",
            Check {
                case: Some("StdHodgkinHuxley"),
                differs: Some((
                    "StdHodgkinHuxleyRk4",
                    "by solver: std HodgkinHuxley integrates by Rush-Larsen (gates exact, v by exponential Euler, \
                     first order: at dt = 0.01 ms its period is 0.5 % longer, and over a train of 14 spikes the last comes 1.0 ms later); \
                     SC-NeuroCore by RK4. The variant is the same channels and equation with solver rk4",
                )),
                ..trajectory(
                    CMP,
                    "StdHodgkinHuxley",
                    "the reference's RK4 path (integrator \"rk4\", substeps of dt = 0.01 ms, leak reversal \
                     -54.387 mV, gates from their steady state at -65 mV) stepped one substep per SCN step with the \
                     model's own right-hand side and RK4Solver, its spike test after every substep (`step(I)` \
                     advances 1 ms and tests only at the end, missing spikes; a twin stepped by `step(I)` matches \
                     the substeps bit for bit at every call boundary); stepped drive, 50000 steps; v, m, h, n",
                )
            },
        ),
    },
    Entry {
        model: "neurons.homeostatic_lif.HomeostaticLif",
        counterpart: Counterpart::Class(
            "neurons.homeostatic_lif.HomeostaticLIFNeuron",
            Check {
                case: Some("StdHomeostaticLif"),
                differs: Some((
                    "StdHomeostaticStepwise",
                    "by design: std HomeostaticLif estimates the rate with a continuous trace (tau_r, in Hz) and moves \
                     the threshold by an ODE; SC-NeuroCore uses a per-step spike trace (decay 0.95), moves the threshold \
                     every step, also while refractory, and clamps it to [0.1 mV, 10 v_th]",
                )),
                ..trajectory(
                    CMP,
                    "StdHomeostaticLif",
                    "rest 0 mV, threshold 15 mV, Euler membrane both; stepped current; v and theta",
                )
            },
        ),
    },
    Entry {
        model: "neurons.inhomogeneous_poisson.InhomogeneousPoisson",
        counterpart: Counterpart::Class(
            "neurons.models.inhomogeneous_poisson.InhomogeneousPoissonNeuron",
            Check {
                tol: STATISTICAL,
                ..trajectory(
                    CMP,
                    "StdInhomogeneousPoisson",
                    "200 generators, 20 Hz and 60 Hz from 300 to 600 ms, 1 s; spike counts",
                )
            },
        ),
    },
    Entry {
        model: "neurons.mat.Mat",
        counterpart: Counterpart::Class(
            "neurons.models.mat.MATNeuron",
            Check {
                differs: Some((
                    "StdMatWithReset",
                    "SC-NeuroCore resets v to rest at each spike; in the MAT model of Kobayashi, Tsubo & \
                     Shinomoto (2009) v is not reset, only the threshold jumps, as in std Mat",
                )),
                ..trajectory(
                    CMP,
                    "StdMat",
                    "exact (SCN) and RK4 (reference) of a linear system; stepped current; v, th1, th2",
                )
            },
        ),
    },
    Entry {
        model: "neurons.mcculloch_pitts.McCullochPitts",
        counterpart: Counterpart::Class(
            "neurons.models.mcculloch_pitts.McCullochPittsNeuron",
            Check {
                tol: Tolerance::Exact,
                ..trajectory(
                    CMP,
                    "StdMcCullochPitts",
                    "weighted spikes 0.6 and 0.5 from the replayed trains, theta 0.55, 3000 steps; every spike",
                )
            },
        ),
    },
    Entry {
        model: "neurons.morris_lecar.MorrisLecar",
        counterpart: Counterpart::Class(
            "neurons.models.morris_lecar.MorrisLecarNeuron",
            trajectory(
                CMP,
                "StdMorrisLecar",
                "preset Snic = the reference's defaults, RK4 both; stepped current (uA/cm^2); v",
            ),
        ),
    },
    Entry {
        model: "neurons.parametric_lif.ParametricLif",
        counterpart: Counterpart::Class(
            "neurons.models.plif.ParametricLIFNeuron",
            Check {
                differs: Some((
                    "StdParametricLifDecay",
                    "SC-NeuroCore updates v <- sigmoid(a) v + I and resets one step after the spike; Fang et al. (2021) and std ParametricLif charge H = v + sigmoid(a) (x - (v - v_reset)) and reset at once",
                )),
                ..trajectory(CMP, "StdParametricLif", "discrete time, one step per ms; stepped input; v")
            },
        ),
    },
    Entry {
        model: "neurons.pinsky_rinzel.PinskyRinzel",
        counterpart: Counterpart::Class(
            "neurons.models.pinsky_rinzel.PinskyRinzelNeuron",
            Check {
                case: Some("StdPinskyRinzel"),
                tol: SPIKE_UPSTROKE_ROUNDING,
                differs: Some((
                    "StdPinskyRinzelRk4",
                    "by solver: std PinskyRinzel integrates by Rush-Larsen (gates exact, voltages and calcium by \
                     exponential Euler, first order); SC-NeuroCore by RK4. The variant is the same channels and \
                     compartments with solver rk4",
                )),
                ..trajectory(
                    CMP,
                    "StdPinskyRinzel",
                    "the reference's defaults (Pinsky & Rinzel 1994), one RK4 step of dt = 0.02 ms per call, spike \
                     at -10 mV as std, from std's initial state (-64.6 mV, gates at steady state, ca = 0.2); \
                     stepped somatic drive, 25000 steps; both voltages, the five gates and ca",
                )
            },
        ),
    },
    Entry {
        model: "neurons.poisson.Poisson",
        counterpart: Counterpart::Class(
            "neurons.models.poisson.PoissonNeuron",
            Check {
                tol: STATISTICAL,
                ..trajectory(
                    CMP,
                    "StdPoisson",
                    "200 generators at 30 Hz, 1 s, dt 1 ms; spike counts (std Poisson fires with p = rate dt, the reference with 1 - exp(-rate dt): 1.5 % fewer, within the statistics)",
                )
            },
        ),
    },
    Entry {
        model: "neurons.pospischil.Pospischil",
        counterpart: Counterpart::Class(
            "neurons.models.pospischil.PospischilNeuron",
            Check {
                case: Some("StdPospischil"),
                differs: Some((
                    "StdPospischilRk4",
                    "by solver: std Pospischil integrates by Rush-Larsen (gates exact, v by exponential Euler, \
                     first order); SC-NeuroCore by RK4. The variant is the same channels (the calcium ones are off \
                     in RS) and equation with solver rk4",
                )),
                ..trajectory(
                    CMP,
                    "StdPospischil",
                    "regular spiking with the reference's V_T = -56.2 mV and tau_max = 608 ms, E_K = -100 mV as in \
                     the paper (the reference's default is -90 mV), spike at 0 mV; the reference's RK4 substeps \
                     (`_rk4_substep`, dt = 0.025 ms) one per SCN step with the spike test after each (`step(I)` \
                     makes four and tests at the end; a twin stepped by `step(I)` matches them bit for bit every \
                     four substeps); stepped drive, 20000 steps; v, m, h, n, p",
                )
            },
        ),
    },
    Entry {
        model: "neurons.qif.Qif",
        counterpart: Counterpart::Class(
            "neurons.models.quadratic_if.QuadraticIFNeuron",
            Check {
                tol: RK4_AGAINST_EXACT,
                ..trajectory(
                    CMP,
                    "StdQif",
                    "RK4 (SCN) against the exact atan/tan flow (reference), dt = 0.01 ms, v in mV and ms; stepped \
                     drive. (A test-local exact flow written with SCN's atan and tan matches the reference to \
                     rounding on both engines: test qif_exact_flow_matches_sc_neurocore_on_both_engines.)",
                )
            },
        ),
    },
    Entry {
        model: "neurons.resonate_and_fire.ResonateAndFire",
        counterpart: Counterpart::Class(
            "neurons.models.resonate_and_fire.ResonateAndFireNeuron",
            Check {
                differs: Some((
                    "StdResonateAndFireModulus",
                    "SC-NeuroCore fires when the modulus |z| reaches the threshold; Izhikevich (2001) and std ResonateAndFire fire when Im z = y does",
                )),
                ..trajectory(
                    CMP,
                    "StdResonateAndFire",
                    "exact linear flow both (matrix exponential / closed form); stepped drive; x and y",
                )
            },
        ),
    },
    Entry {
        model: "neurons.sigmoid_rate.SigmoidRate",
        counterpart: Counterpart::Class(
            "neurons.models.sigmoid_rate.SigmoidRateNeuron",
            Check {
                min_spikes: 0,
                ..trajectory(CMP, "StdSigmoidRate", "exact relaxation both, r_max = 1 Hz; stepped drive; r")
            },
        ),
    },
    Entry {
        model: "neurons.srm0.Srm0",
        counterpart: Counterpart::Class(
            "neurons.models.srm0.SRM0Neuron",
            Check {
                differs: Some((
                    "StdSrm0Filtered",
                    "SC-NeuroCore passes the afterpotential eta through the membrane filter and resets the membrane at a spike; in Gerstner's SRM0 (and std Srm0) u = v_rest + h + eta, eta added directly and h never reset",
                )),
                ..trajectory(CMP, "StdSrm0", "exact flows both; stepped current; h (= v - v_rest) and eta")
            },
        ),
    },
    Entry {
        model: "neurons.theta.Theta",
        counterpart: Counterpart::Class(
            "neurons.models.theta.ThetaNeuron",
            Check {
                tol: RK4_ON_THE_CIRCLE,
                ..trajectory(
                    CMP,
                    "StdTheta",
                    "RK4 on the circle (SCN) against the exact flow (reference), dt = 0.01 ms; stepped drive; \
                     (x, y) = (cos theta, sin theta)",
                )
            },
        ),
    },
    Entry {
        model: "neurons.threshold_linear_rate.ThresholdLinearRate",
        counterpart: Counterpart::Class(
            "neurons.models.threshold_linear_rate.ThresholdLinearRateNeuron",
            Check {
                min_spikes: 0,
                case: Some("StdThresholdLinearRate"),
                differs: Some((
                    "StdThresholdLinearInstant",
                    "by design: std ThresholdLinearRate relaxes to the transfer with tau (the rate equation of \
                     Dayan & Abbott 2001, ch. 7); SC-NeuroCore's unit is the static transfer r = gain max(0, I - theta)",
                )),
                ..trajectory(CMP, "StdThresholdLinearRate", "exact relaxation (SCN); stepped drive; r")
            },
        ),
    },
    Entry {
        model: "neurons.wang_buzsaki.WangBuzsaki",
        counterpart: Counterpart::Class(
            "neurons.models.wang_buzsaki.WangBuzsakiNeuron",
            Check {
                case: Some("StdWangBuzsaki"),
                differs: Some((
                    "StdWangBuzsakiSemiImplicit",
                    "by solver: std WangBuzsaki integrates by Rush-Larsen (gates exact, v by exponential Euler); \
                     SC-NeuroCore by semi-implicit Euler (h and n by Euler, then v by Euler with the new h and n). \
                     The variant is that scheme with std's rates",
                )),
                ..trajectory(
                    CMP,
                    "StdWangBuzsaki",
                    "dt = 0.01 ms both; each reference call advances 0.5 ms (50 substeps) and reports a spike when v \
                     crossed -20 mV between its start and end, so SCN's states are sampled every 0.5 ms (`every`) \
                     and spikes compared per call; from std's initial state; stepped drive, 1000 calls = 50000 \
                     steps; v, h, n",
                )
            },
        ),
    },
    Entry {
        model: "neurons.wilson_cowan.WilsonCowan",
        counterpart: Counterpart::Class(
            "neurons.models.wilson_cowan.WilsonCowanUnit",
            Check {
                min_spikes: 0,
                differs: Some((
                    "StdWilsonCowanNoRefractory",
                    "SC-NeuroCore drops the refractory factor (k - r E) of Wilson & Cowan (1972) and uses one slope and threshold for both populations; std WilsonCowan keeps the factor (r = 1, k = 1 - S(0))",
                )),
                ..trajectory(CMP, "StdWilsonCowan", "RK4 both; stepped drive of E; ex and inh")
            },
        ),
    },
    Entry {
        model: "synapses.bcm.Bcm",
        counterpart: Counterpart::Class(
            "synapses.bcm.BCMSynapse",
            Check {
                tol: HELD_RATES,
                ..trajectory(
                    CMP,
                    "StdBcm",
                    "the reference fed std Bcm's rate traces (tau 50 ms, 1/tau per spike) of the replayed pre and \
                     post trains, y_0 = 1 Hz, eta = 1e-7 s^2; RK4 (SCN) against Euler with the rates held over \
                     the step (reference), 3000 steps of 1 ms; w, theta and the traces",
                )
            },
        ),
    },
    Entry {
        model: "synapses.reward_stdp.RewardStdp",
        counterpart: Counterpart::Class(
            "synapses.dopamine_stdp.DopamineStdpSynapse",
            Check {
                tol: HELD_ELIGIBILITY,
                ..trajectory(
                    CMP,
                    "StdRewardStdp",
                    "a test-local copy of std RewardStdp that reads its dopamine as post.da (the input `dopamine` \
                     binds only a constant network param, E0706), the post cell integrating the reward (1 Hz from \
                     0.5 to 1.5 s, 2 Hz from 2 to 2.5 s) by the reference's Euler formula; the reference's defaults \
                     (tau_e = 1 s, lr = 1/tau_e, a_minus = -1); RK4 (SCN) against Euler with the eligibility held \
                     over the step (reference); replayed pre and post trains, 3000 steps of 1 ms; w, c and both traces",
                )
            },
        ),
    },
    Entry {
        model: "synapses.stdp.Stdp",
        counterpart: Counterpart::Class(
            "synapses.triplet_stdp.TripletSTDP",
            trajectory(
                CMP,
                "StdStdp",
                "the reference's triplet rule without triplet terms (a3 = 0) is the all-to-all pair rule; replayed \
                 trains, 3000 steps of 1 ms; w",
            ),
        ),
    },
    Entry {
        model: "synapses.triplet_stdp.TripletStdp",
        counterpart: Counterpart::Class(
            "synapses.triplet_stdp.TripletSTDP",
            trajectory(
                CMP,
                "StdTripletStdp",
                "replayed pre and post trains (no coincident spikes), 3000 steps of 1 ms; w",
            ),
        ),
    },
    Entry {
        model: "synapses.tsodyks_markram.TsodyksMarkram",
        counterpart: Counterpart::Class(
            "synapses.short_term_plasticity.ShortTermPlasticitySynapse",
            Check {
                min_spikes: 0,
                differs: Some((
                    "StdTsodyksMarkramToU",
                    "SC-NeuroCore lets u relax to U and start at U (and integrates x and u by Euler), so its first \
                     amplitude is A U (2 - U); in Tsodyks, Pawelzik & Markram (1998) and std TsodyksMarkram u relaxes \
                     to 0 and the first amplitude is A U",
                )),
                ..trajectory(CMP, "StdTsodyksMarkram", "replayed pre train, 3000 steps of 1 ms; x and u")
            },
        ),
    },
    Entry {
        model: "neurons.alpha_lif.AlphaCobaLif",
        counterpart: Counterpart::None(
            "SC-NeuroCore's `AlphaNeuron` is current-based; it has no conductance-based alpha-synapse LIF",
        ),
    },
    Entry {
        model: "neurons.cuba_lif.CubaLif",
        counterpart: Counterpart::None(
            "no floating-point LIF with exponential synaptic currents (`LoihiCUBANeuron` is Loihi's integer neuron with shift decays); CubaLif is compared with Brian2 in docs/comparisons.md",
        ),
    },
    Entry {
        model: "neurons.lif_q88.LifQ88",
        counterpart: Counterpart::None(
            "the shift-leak variant has no class; the bit-true RTL model `FixedPointLIFNeuron` is the counterpart of LifQ88Rtl",
        ),
    },
    Entry {
        model: "neurons.poisson.PoissonLfsr",
        counterpart: Counterpart::None(
            "SC-NeuroCore's `PoissonNeuron` draws from NumPy; the LFSR-driven generator has no class",
        ),
    },
    Entry {
        model: "synapses.static.Static",
        counterpart: Counterpart::None(
            "a fixed weight is no class in SC-NeuroCore (its synapses are plastic or stochastic-computing ones)",
        ),
    },
    Entry {
        model: "synapses.static.StaticCurrent",
        counterpart: Counterpart::None(
            "a fixed weight is no class in SC-NeuroCore (its synapses are plastic or stochastic-computing ones)",
        ),
    },
    Entry {
        model: "synapses.static.StaticConductance",
        counterpart: Counterpart::None(
            "a fixed weight is no class in SC-NeuroCore (its synapses are plastic or stochastic-computing ones)",
        ),
    },
    Entry {
        model: "synapses.static.StochasticRelease",
        counterpart: Counterpart::None(
            "no probabilistic-release synapse class (its `BitstreamSynapse` multiplies bitstreams)",
        ),
    },
    Entry {
        model: "synapses.stdp.StdpConductance",
        counterpart: Counterpart::None("the rule of std.synapses.stdp.Stdp on a conductance weight; compared there"),
    },
    Entry {
        model: "synapses.tsodyks_markram.TsodyksMarkramDepressing",
        counterpart: Counterpart::Class(
            "synapses.short_term_plasticity.ShortTermPlasticitySynapse",
            Check {
                min_spikes: 0,
                case: Some("StdTsodyksMarkramDepressing"),
                differs: Some((
                    "StdTsodyksMarkramDepressingToU",
                    "SC-NeuroCore always facilitates (u += U (1 - u) at a spike, even with u back at U), so each \
                     spike uses U (2 - U) of the resources; pure depression (Tsodyks & Markram 1997, and std \
                     TsodyksMarkramDepressing) uses U",
                )),
                ..trajectory(
                    CMP,
                    "StdTsodyksMarkramDepressing",
                    "the reference with tau_f = 1 ms (u back at U before every spike); replayed pre train, 3000 steps; x",
                )
            },
        ),
    },
    Entry {
        model: "encoders.spike.RateEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.rate_encode",
            Check {
                tol: STATISTICAL,
                ..trajectory(
                    CMP,
                    "StdRateEncoder",
                    "six values as probabilities per step, 2000 steps; spike count per value",
                )
            },
        ),
    },
    Entry {
        model: "encoders.spike.LatencyEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.latency_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(CMP, "StdLatencyEncoder", "six values, T = 20 steps; every spike (step, value)")
            },
        ),
    },
    Entry {
        model: "encoders.spike.RankOrderEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.rank_order_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(
                    CMP,
                    "StdRankOrderEncoder",
                    "six distinct values (ranks given to SCN), T = 4 steps; every spike",
                )
            },
        ),
    },
    Entry {
        model: "encoders.spike.BurstEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.burst_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(CMP, "StdBurstEncoder", "six values, max_burst = 4, T = 20 steps; every spike")
            },
        ),
    },
    Entry {
        model: "encoders.spike.PhaseEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.phase_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(CMP, "StdPhaseEncoder", "six values, 4 phases (period 4), T = 20 steps; every spike")
            },
        ),
    },
    Entry {
        model: "encoders.spike.DeltaEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.delta_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(CMP, "StdDeltaEncoder", "a 13-step signal in eighths, threshold 0.125; every spike")
            },
        ),
    },
    Entry {
        model: "encoders.spike.SigmaDeltaEncoder",
        counterpart: Counterpart::Class(
            "encoding.encoders.sigma_delta_encode",
            Check {
                tol: Tolerance::Exact,
                min_spikes: 1,
                ..trajectory(CMP, "StdSigmaDeltaEncoder", "a 13-step signal in eighths, threshold 0.25; every spike")
            },
        ),
    },
    Entry { model: "channels.calcium.CaT", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.calcium.CaHVA", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.calcium.CaPool", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.kca.BK", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.kca.SK", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.mixed.Ih", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.mixed.NMDA", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.mixed.Leak", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.KdrHH", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.KdrWB", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.KdrTraub", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.Kv3", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.KM", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.potassium.KA", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.sodium.NaHH", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.sodium.NaWB", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.sodium.NaTraub", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "channels.sodium.NaP", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.morris_lecar.CaML", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.morris_lecar.KML", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.pinsky_rinzel.NaPR", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.pinsky_rinzel.KdrPR", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.pinsky_rinzel.CaPR", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.pinsky_rinzel.KahpPR", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
    Entry { model: "neurons.pinsky_rinzel.KcPR", counterpart: Counterpart::None(NO_CHANNEL_CLASSES) },
];
