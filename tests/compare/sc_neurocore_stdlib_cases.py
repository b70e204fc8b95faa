"""SC-NeuroCore's counterparts of standard-library models, one case per row of
docs/conformance.md (tests/conformance.rs runs them through sc_neurocore_neurons.py).

Each case returns (reference model, input per step, state getter in SI units[, dt in ms]); the
network of the same name in tests/compare/conformance.scn runs the standard-library model on
the same parameters and input. The input is the usual stepped drive: nothing for 50 ms, then
levels a (50-500 ms) + b (150-300 ms) + c (300-400 ms), scaled per model.
SC-NeuroCore is AGPL and used only as a reference; nothing here is copied into SCN.
"""

from sc_neurocore.neurons.models.adex import AdExNeuron
from sc_neurocore.neurons.models.alpha import AlphaNeuron
from sc_neurocore.neurons.models.coba_lif import COBALIFNeuron
from sc_neurocore.neurons.models.escape_rate import EscapeRateNeuron
from sc_neurocore.neurons.models.expif import ExpIFNeuron
from sc_neurocore.neurons.models.fitzhugh_nagumo import FitzHughNagumoNeuron
from sc_neurocore.neurons.models.glif import GLIFNeuron
from sc_neurocore.neurons.models.hindmarsh_rose import HindmarshRoseNeuron
from sc_neurocore.neurons.models.hodgkin_huxley import HodgkinHuxleyNeuron
from sc_neurocore.neurons.models.inhomogeneous_poisson import InhomogeneousPoissonNeuron
from sc_neurocore.neurons.models.izhikevich2007 import Izhikevich2007Neuron
from sc_neurocore.neurons.models.perfect_integrator import PerfectIntegratorNeuron
from sc_neurocore.neurons.models.pinsky_rinzel import PinskyRinzelNeuron
from sc_neurocore.neurons.models.pospischil import PospischilNeuron
from sc_neurocore.neurons.models.rulkov_map import RulkovMapNeuron
from sc_neurocore.neurons.stochastic_lif import StochasticLIFNeuron

import copy
import math
import os

import numpy as np
from sc_neurocore.encoding import encoders
from sc_neurocore.neurons.homeostatic_lif import HomeostaticLIFNeuron
from sc_neurocore.neurons.models.adaptive_threshold_if import AdaptiveThresholdIFNeuron
from sc_neurocore.neurons.models.mat import MATNeuron
from sc_neurocore.neurons.models.mcculloch_pitts import McCullochPittsNeuron
from sc_neurocore.neurons.models.morris_lecar import MorrisLecarNeuron
from sc_neurocore.neurons.models.plif import ParametricLIFNeuron
from sc_neurocore.neurons.models.poisson import PoissonNeuron
from sc_neurocore.neurons.models.quadratic_if import QuadraticIFNeuron
from sc_neurocore.neurons.models.resonate_and_fire import ResonateAndFireNeuron
from sc_neurocore.neurons.models.sigmoid_rate import SigmoidRateNeuron
from sc_neurocore.neurons.models.srm0 import SRM0Neuron
from sc_neurocore.neurons.models.wang_buzsaki import WangBuzsakiNeuron
from sc_neurocore.neurons.models.wilson_cowan import WilsonCowanUnit
from sc_neurocore.neurons.models.theta import ThetaNeuron
from sc_neurocore.neurons.models.threshold_linear_rate import ThresholdLinearRateNeuron

from sc_neurocore.solvers import RK4Solver
from sc_neurocore.synapses.bcm import BCMSynapse
from sc_neurocore.synapses.dopamine_stdp import DopamineStdpSynapse
from sc_neurocore.synapses.short_term_plasticity import ShortTermPlasticitySynapse
from sc_neurocore.synapses.triplet_stdp import TripletSTDP

from stepped_drive import DT_MS, MV, PA, stepped


def levels(a, b, c):
    """The stepped drive with levels a, a + b and a + c."""
    return stepped([(a, 50, 500), (b, 150, 300), (c, 300, 400)])


def stochastic_lif():
    """StochasticLIFNeuron, noise off (Euler, 20-step refractory counter); input I / C in
    mV/ms with C = 250 pF, which is std StochasticLif's r_m = tau_m / C = 80 Mohm."""
    n = StochasticLIFNeuron(
        v_rest=-65.0,
        v_reset=-65.0,
        v_threshold=-50.0,
        tau_mem=20.0,
        dt=DT_MS,
        noise_std=0.0,
        resistance=1.0,
        refractory_period=20,
        seed=1,
    )
    return n, [i / 250.0 for i in levels(250.0, 250.0, -100.0)], lambda: {"v": n.v * MV}


def expif():
    """ExpIFNeuron (RK4), tau = 20 ms, input a voltage drive in mV (std Eif: I = drive g_l)."""
    n = ExpIFNeuron(
        v=-65.0, v_rest=-65.0, v_reset=-68.0, v_threshold=-50.0, v_rh=-55.0, delta_t=2.0, tau=20.0, dt=DT_MS
    )
    return n, levels(8.0, 12.0, 5.0), lambda: {"v": n.v * MV}


def adex():
    """AdExNeuron with its RK4 integrator: mV, ms, pA, pF, nS."""
    n = AdExNeuron(
        v=-65.0,
        w=0.0,
        v_rest=-65.0,
        v_reset=-68.0,
        v_threshold=-50.0,
        v_rh=-55.0,
        delta_t=2.0,
        tau=20.0,
        tau_w=100.0,
        a=0.5,
        b=7.0,
        c_m=200.0,
        dt=DT_MS,
        integrator="rk4",
    )
    return n, levels(300.0, 400.0, 150.0), lambda: {"v": n.v * MV, "w": n.w * PA}


def perfect_if():
    """PerfectIntegratorNeuron: v += I / C dt with C = 250 pF, I in pA."""
    n = PerfectIntegratorNeuron(v=-65.0, c_m=250.0, v_threshold=-50.0, v_reset=-65.0, dt=DT_MS)
    return n, levels(100.0, 150.0, -60.0), lambda: {"v": n.v * MV}


def izhikevich2007():
    """Izhikevich2007Neuron (RK4), regular spiking: pF, nS, mV, ms, pA."""
    n = Izhikevich2007Neuron(dt=DT_MS, integrator="rk4")
    n.reset_state()
    return n, levels(70.0, 60.0, -30.0), lambda: {"v": n.v * MV, "u": n.u * PA}


def fitzhugh_nagumo():
    """FitzHughNagumoNeuron (RK4), dimensionless, time in ms; spikes are upward crossings of
    v = 1."""
    n = FitzHughNagumoNeuron(v=-1.0, w=-0.5, a=0.7, b=0.8, epsilon=0.08, dt=DT_MS, v_threshold=1.0, integrator="rk4")
    return n, levels(0.5, 0.3, -0.2), lambda: {"v": n.v, "w": n.w}


def hindmarsh_rose():
    """HindmarshRoseNeuron (RK4), dimensionless, time in ms; spikes are upward crossings of
    x = 1. Tonic spiking (not the chaotic bursting regime, where rounding differences grow)."""
    n = HindmarshRoseNeuron(x=-1.6, y=-11.8, z=0.0, b=3.0, r=0.001, s=4.0, x_rest=-1.6, dt=DT_MS, x_threshold=1.0)
    return n, levels(2.0, 1.0, 0.5), lambda: {"x": n.x, "y": n.y, "z": n.z}


def rulkov_map():
    """RulkovMapNeuron, one map iteration per step (dt 1 ms), drive I added to the fast map."""
    n = RulkovMapNeuron(x=-1.0, y=-3.5, alpha=6.0, sigma=0.1, mu=0.001, x_threshold=0.0)
    drive = stepped([(0.05, 500, 5000), (0.1, 1500, 3000), (-0.1, 3000, 4000)], dt_ms=1.0)
    return n, drive, lambda: {"x": n.x, "y": n.y}, 1.0


def adaptive_threshold():
    """AdaptiveThresholdIFNeuron (exact relaxations): tau_m = 10 ms, threshold relaxing to
    -50 mV with tau 50 ms and jumping 5 mV per spike; the input is R I in mV (R = 100 Mohm)."""
    n = AdaptiveThresholdIFNeuron(
        v=-65.0, theta=-50.0, v_rest=-65.0, v_reset=-65.0, theta_rest=-50.0, delta_theta=5.0, tau_m=10.0, tau_theta=50.0, dt=DT_MS
    )
    # std AdaptiveLif carries a = (theta - theta_rest) / delta_theta.
    return n, levels(20.0, 10.0, -8.0), lambda: {"v": n.v * MV, "a": (n.theta + 50.0) / 5.0}


def sigmoid_rate():
    """SigmoidRateNeuron (exact relaxation to the sigmoid): tau = 10 ms, beta = 2, theta = 0.5;
    r is dimensionless (std SigmoidRate with r_max = 1 Hz)."""
    n = SigmoidRateNeuron(r=0.0, tau=10.0, beta=2.0, theta=0.5, dt=DT_MS)
    return n, levels(1.0, 1.5, -2.0), lambda: {"r": n.r}


def threshold_linear():
    """ThresholdLinearRateNeuron: r = gain max(0, I - theta) at once (gain 10 Hz, theta 0.5).
    The state is read before each step, as SCN's monitors do."""
    n = ThresholdLinearRateNeuron(r=0.0, theta=0.5, gain=10.0)
    return n, levels(1.0, 1.5, -2.0), lambda: {"r": n.r}


def mat():
    """MATNeuron (RK4): tau_m = 5 ms, R I in mV (R = 50 Mohm), threshold 19 mV above rest,
    jumps 37 and 2 mV decaying with 10 and 200 ms."""
    n = MATNeuron(
        v=0.0, theta1=0.0, theta2=0.0, v_rest=0.0, v_reset=0.0, v_threshold_base=19.0, tau_m=5.0, tau_1=10.0, tau_2=200.0,
        h1=37.0, h2=2.0, resistance=1.0, dt=DT_MS,
    )
    return n, levels(25.0, 15.0, -10.0), lambda: {"v": n.v * MV, "th1": n.theta1 * MV, "th2": n.theta2 * MV}


def morris_lecar():
    """MorrisLecarNeuron (RK4) with its defaults (the SNIC set of Rinzel & Ermentrout), from
    v = -60 mV and w at its steady state; input in uA/cm^2."""
    import math

    n = MorrisLecarNeuron(v=-60.0, dt=DT_MS, integrator="rk4")
    n.w = 0.5 * (1.0 + math.tanh((-60.0 - n.v3) / n.v4))
    return n, levels(60.0, 40.0, -20.0), lambda: {"v": n.v * MV}


def resonate_and_fire():
    """ResonateAndFireNeuron (exact linear flow): b = -0.1/ms, omega = 1 rad/ms, threshold 1
    on |z|; the input in 1/ms."""
    n = ResonateAndFireNeuron(x=0.0, y=0.0, b=-0.1, omega=1.0, threshold=1.0, dt=DT_MS)
    return n, levels(0.7, 0.3, -0.5), lambda: {"x": n.x, "y": n.y}


def srm0():
    """SRM0Neuron (exact flows): tau_m = 10 ms, eta jumps to -20 mV and decays with 5 ms,
    R I in mV. Reported as h = v - v_rest and eta, std Srm0's states."""
    n = SRM0Neuron(v=-65.0, v_rest=-65.0, v_threshold=-50.0, tau_m=10.0, tau_eta=5.0, eta_reset=20.0, resistance=1.0, dt=DT_MS)
    return n, levels(20.0, 10.0, -8.0), lambda: {"h": (n.v + 65.0) * MV, "eta": n._eta * MV}


def wilson_cowan():
    """WilsonCowanUnit (RK4): tau_e = tau_i = 10 ms, the std model's couplings, one slope a
    and threshold theta for both populations (a = 1.3, theta = 4), input to E only."""
    n = WilsonCowanUnit(e=0.0, i=0.0, w_ee=16.0, w_ei=12.0, w_ie=15.0, w_ii=3.0, tau_e=10.0, tau_i=10.0, a=1.3, theta=4.0, dt=DT_MS)
    return n, levels(1.0, 1.5, -1.0), lambda: {"ex": n.e, "inh": n.i}


def parametric_lif():
    """ParametricLIFNeuron: a = 0 (alpha = 1/2), threshold 1, one step per ms."""
    n = ParametricLIFNeuron(v=0.0, a=0.0, threshold=1.0, dt=1.0)
    drive = stepped([(0.8, 50, 500), (0.5, 150, 300), (-0.4, 300, 400)], steps=500, dt_ms=1.0)
    return n, drive, lambda: {"v": n.v}, 1.0


def qif():
    """QuadraticIFNeuron (exact flow through atan/tan): dv/dt = v^2 + I with v in mV and t in
    ms, v_peak = 1, v_reset = -1, dt = 0.01 ms; I in mV/ms (std Qif: R I / tau_m)."""
    n = QuadraticIFNeuron(v=-1.0, v_reset=-1.0, v_peak=1.0, dt=0.01)
    drive = stepped([(0.5, 5, 50), (0.7, 15, 30), (-0.8, 30, 40)], steps=5000, dt_ms=0.01)
    return n, drive, lambda: {"v": n.v * MV}, 0.01


def theta():
    """ThetaNeuron (exact flow through atan/tan), time in ms, dt = 0.01 ms; reported as the
    point (cos theta, sin theta), std Theta's states."""
    import math

    n = ThetaNeuron(theta=0.0, dt=0.01)
    drive = stepped([(0.5, 5, 50), (0.7, 15, 30), (-0.8, 30, 40)], steps=5000, dt_ms=0.01)
    return n, drive, lambda: {"x": math.cos(n.theta), "y": math.sin(n.theta)}, 0.01


PLASTICITY_STEPS = 3000


def replay_steps(name):
    """The spike steps of a replay file of tests/compare/ (plasticity_pre.csv,
    plasticity_kick.csv): pre spikes, and kicks that make the post neuron fire one step
    later. The files were drawn once so that no pre spike falls on a post spike's step."""
    with open(os.path.join(os.path.dirname(__file__), name)) as f:
        return {int(line.split(",")[0]) for line in f.read().splitlines()[1:]}


class PairedTrains:
    """Steps a plasticity rule with the replayed pre and post trains: `step(k)` feeds step k's
    spikes (dt = 1 ms) and returns 1 on a post spike, which the SCN network's post neuron must
    also fire."""

    def __init__(self, rule):
        self.rule = rule
        self.pre = replay_steps("plasticity_pre.csv")
        self.post = {k + 1 for k in replay_steps("plasticity_kick.csv")}

    def step(self, k):
        self.rule.step(k in self.pre, k in self.post, dt=1.0)
        return int(k in self.post)


class PreTrain:
    """Steps a short-term plasticity rule with the replayed pre train (dt = 1 ms), on SCN's
    clock: SCN applies a spike of step k at the start of the step (time k dt) and then
    integrates, the reference's `step(True)` integrates and then applies it (at the end of the
    call), so the reference gets step k's spike in call k - 1. States are sampled as SCN's
    monitors do, before the spike of the sample's step (the left limit): `left` holds the
    reference's state just before its end-of-call spike, from a copy stepped without it."""

    def __init__(self, rule, names):
        self.rule = rule
        self.names = names
        self.pre = replay_steps("plasticity_pre.csv")
        self.left = None

    def step(self, k):
        spike = (k + 1) in self.pre
        self.left = None
        if spike:
            quiet = copy.deepcopy(self.rule)
            quiet.step(False)
            self.left = {n: getattr(quiet, n) for n in self.names}
        self.rule.step(spike)
        return 0

    def state(self):
        return self.left or {n: getattr(self.rule, n) for n in self.names}


def triplet_stdp():
    """TripletSTDP, the all-to-all rule of Pfister & Gerstner (2006), w_max = 1 (1 mV)."""
    syn = TripletSTDP(a2_plus=5e-3, a3_plus=6.2e-3, a2_minus=7e-3, a3_minus=2.3e-4, w_max=1.0, weight=0.5)
    return PairedTrains(syn), range(PLASTICITY_STEPS), lambda: {"w": syn.weight * MV}, 1.0


def pair_stdp():
    """TripletSTDP without its triplet terms (a3 = 0): the pair rule of std Stdp
    (a2_plus = a_pre, a2_minus = -a_post, tau_plus = tau_pre, tau_minus = tau_post)."""
    syn = TripletSTDP(tau_plus=20.0, tau_minus=20.0, a2_plus=0.01, a3_plus=0.0, a2_minus=0.0105, a3_minus=0.0, w_max=1.0, weight=0.5)
    return PairedTrains(syn), range(PLASTICITY_STEPS), lambda: {"w": syn.weight * MV}, 1.0


def tsodyks_markram():
    """ShortTermPlasticitySynapse: U = 0.5, tau_d = 200 ms, tau_f = 20 ms (its defaults)."""
    syn = ShortTermPlasticitySynapse(x=1.0, u=0.5, u_base=0.5, tau_d=200.0, tau_f=20.0, amplitude=1.0, dt=1.0)
    train = PreTrain(syn, ("x", "u"))
    return train, range(PLASTICITY_STEPS), train.state, 1.0


class RateTraces:
    """Steps BCMSynapse, whose `step` takes rates, with the rates std Bcm estimates from the
    replayed trains: exponential traces (tau 50 ms, in Hz) that jump by 1/tau at every pre
    spike and at every post spike. SCN applies the spikes of step k at the start of the step
    and then integrates, so call k gets the traces just after step k's jumps; the states are
    reported as SCN's monitors sample them, before those jumps."""

    TAU_MS = 50.0

    def __init__(self, rule):
        self.rule = rule
        self.pre = replay_steps("plasticity_pre.csv")
        self.post = {k + 1 for k in replay_steps("plasticity_kick.csv")}
        self.x = self.y = 0.0

    def step(self, k):
        jump = 1000.0 / self.TAU_MS
        x = self.x + jump * (k in self.pre)
        y = self.y + jump * (k in self.post)
        self.rule.step(x, y, dt=1.0)
        decay = math.exp(-1.0 / self.TAU_MS)
        self.x, self.y = x * decay, y * decay
        return int(k in self.post)

    def state(self):
        return {"w": self.rule.weight * MV, "x": self.x, "y": self.y, "theta": self.rule.theta_m}


def bcm():
    """BCMSynapse (Euler, dt = 1 ms) on rates in Hz: dw/dt = eta y (y - theta) x with eta =
    1e-7 s^2 = 1e-10 per Hz^3 per ms, the threshold tracking y^2 (std Bcm with y_0 = 1 Hz) with
    tau_theta = 1000 ms from 10 Hz; w in units of w_max = 1 mV."""
    syn = BCMSynapse(eta=1e-10, tau_theta=1000.0, theta_init=10.0, w_min=0.0, w_max=1.0, weight=0.5)
    traces = RateTraces(syn)
    return traces, range(PLASTICITY_STEPS), traces.state, 1.0


class RewardedTrains:
    """Steps DopamineStdpSynapse with the replayed pre and post trains and a reward, on SCN's
    clock. Its call decays the traces and the eligibility, then applies the call's spikes and
    moves w by Euler with the eligibility just after them; SCN applies step k's spikes at the
    start of step k and then integrates, so call k gets step k's spikes. SCN's monitors sample
    step k after step k - 1's decay and before step k's spikes: those states are read from a
    copy stepped without spikes. The dopamine: SCN's post cell updates it by the reference's
    Euler formula in step k, and a synapse reads a neuron's state after that step's update
    (runtime/src/interp/peer.rs), so step k uses the value after step k's reward, as the
    reference's call k does."""

    def __init__(self, rule, reward_hz):
        self.rule = rule
        self.reward = reward_hz
        self.pre = replay_steps("plasticity_pre.csv")
        self.post = {k + 1 for k in replay_steps("plasticity_kick.csv")}

    def step(self, k):
        self.rule.step(k in self.pre, k in self.post, self.reward[k] / 1000.0)
        return int(k in self.post)

    def state(self):
        decayed = copy.deepcopy(self.rule)
        decayed.step(False, False, 0.0)
        return {"w": self.rule.weight * MV, "c": decayed.eligibility, "x_pre": decayed.trace_pre, "x_post": decayed.trace_post}


def reward_stdp():
    """DopamineStdpSynapse with its defaults (tau_e = 1000 ms, tau_da = 200 ms, traces 20 ms,
    a_plus = 1, a_minus = -1, lr = 0.001 per ms = 1 / tau_e: std RewardStdp's w_max / tau_c
    with w in units of w_max = 1 mV), weight 0.5; reward 1 Hz from 500 to 1500 ms and 2 Hz from
    2000 to 2500 ms (0.001 and 0.002 per ms)."""
    syn = DopamineStdpSynapse(weight=0.5, w_max=1.0, a_plus=1.0, a_minus=-1.0, lr=0.001, dt=1.0)
    reward = stepped([(1.0, 500, 1500), (2.0, 2000, 2500)], steps=PLASTICITY_STEPS, dt_ms=1.0)
    trains = RewardedTrains(syn, reward)
    return trains, range(PLASTICITY_STEPS), trains.state, 1.0


class Raster:
    """A (steps x columns) 0/1 spike array: an encoder's output, one population `e{i}` per
    value (as the SCN network names them), or a population's spikes, one neuron per column."""

    def __init__(self, spikes, population=None):
        self.spikes = np.asarray(spikes)
        self.population = population

    def write(self, out):
        """Column i is population e{i}, or neuron i of `population` when one is named."""
        lines = ["step,time_ms,population,neuron"]
        for t, i in zip(*np.nonzero(self.spikes)):
            where = f"{self.population},{i}" if self.population else f"e{i},0"
            lines.append(f"{t},{float(t)!r},{where}")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "spikes.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")


#: The values the encoder networks encode, distinct so that rank order has no ties.
ENCODED = np.array([0.0, 0.25, 0.5, 1.0, 0.7, 0.1])
#: The signal of the delta and sigma-delta encoders, in eighths (exact in binary).
SIGNAL = np.array([0.0, 0.125, 0.375, 0.375, 0.125, 0.25, 0.875, 0.875, 0.875, 0.25, -0.375, -0.375, 0.0])

POPULATION = 200
POPULATION_STEPS = 1000


def population(make, drive):
    """Steps POPULATION fresh reference neurons (dt = 1 ms) with drive(k) at step k: the
    (steps x neurons) raster of population n. NumPy's generators are seeded for repeatability."""
    np.random.seed(20)
    neurons = [make(k) for k in range(POPULATION)]
    out = np.zeros((POPULATION_STEPS, POPULATION), dtype=np.int8)
    for k in range(POPULATION_STEPS):
        for i, n in enumerate(neurons):
            out[k, i] = n.step(drive(k))
    return Raster(out, population="n")


def seeded_poisson(k):
    """A PoissonNeuron at 30 Hz whose own generator (unseeded by default) is seeded with k."""
    n = PoissonNeuron(rate_hz=30.0, dt_ms=1.0)
    n._rng = np.random.default_rng(k)
    return n


def rate_drive(k):
    """The rate of the inhomogeneous Poisson case at step k: 20 Hz, 60 Hz from 300 to 600 ms."""
    return 60.0 if 300 <= k < 600 else 20.0


def tsodyks_markram_depressing():
    """ShortTermPlasticitySynapse with tau_f = 1 ms (= dt), so that u is back at U = 0.5 before
    every spike (std TsodyksMarkramDepressing has no facilitation); tau_d = 200 ms; x only."""
    syn = ShortTermPlasticitySynapse(x=1.0, u=0.5, u_base=0.5, tau_d=200.0, tau_f=1.0, amplitude=1.0, dt=1.0)
    train = PreTrain(syn, ("x",))
    return train, range(PLASTICITY_STEPS), train.state, 1.0


class WeightedSum:
    """McCullochPittsNeuron fed the weighted sum of the replayed trains: 0.6 per pre spike
    (plasticity_pre.csv) and 0.5 per kick (plasticity_kick.csv). A replayed spike of step k
    reaches SCN's neuron in step k + 1 (as every spike reaches its target in the step after
    it is emitted), so the reference's input of step k is the sum of step k - 1's spikes."""

    def __init__(self, neuron):
        self.neuron = neuron
        self.pre = replay_steps("plasticity_pre.csv")
        self.kick = replay_steps("plasticity_kick.csv")

    def step(self, k):
        return self.neuron.step(0.6 * ((k - 1) in self.pre) + 0.5 * ((k - 1) in self.kick))


def mcculloch_pitts():
    """McCullochPittsNeuron, theta = 0.55: fires on pre spikes (0.6) and on coincidences
    (1.1), not on kicks alone (0.5)."""
    return WeightedSum(McCullochPittsNeuron(theta=0.55)), range(PLASTICITY_STEPS), dict, 1.0


def glif():
    """GLIFNeuron (RK4) with its threshold dynamics off (a_theta = delta_theta = 0, theta at
    theta_inf), which is GLIF3 of std Glif: tau_m = R C = 20 ms, after-spike currents of 4 and
    -3 mV (20 and -15 pA through R = 200 Mohm) decaying with 5 and 100 ms; R I in mV. The
    currents are reported in amperes (mV / R)."""
    n = GLIFNeuron(
        v=-70.0, theta=-50.0, theta_inf=-50.0, v_rest=-70.0, v_reset=-70.0, tau_m=20.0, tau_theta=100.0,
        tau_asc1=5.0, tau_asc2=100.0, a_theta=0.0, delta_theta=0.0, r_asc1=4.0, r_asc2=-3.0, resistance=1.0, dt=DT_MS,
    )
    ohm = 200e6
    return n, levels(30.0, 10.0, -12.0), lambda: {"v": n.v * MV, "i_asc1": n.i_asc1 * MV / ohm, "i_asc2": n.i_asc2 * MV / ohm}


def homeostatic_lif():
    """HomeostaticLIFNeuron: Euler LIF from rest 0 mV, threshold 15 mV, a 20-step refractory
    count, a per-step spike trace (decay 0.95) pulling the threshold towards a target of 0.002
    spikes per step (20 Hz at dt = 0.1 ms) at 0.5 mV per unit of error. Input R I / tau_m in
    mV/ms. Reported as v and theta = threshold - 15 mV, std HomeostaticLif's states."""
    n = HomeostaticLIFNeuron(
        v_rest=0.0, v_reset=0.0, v_threshold=15.0, tau_mem=20.0, dt=DT_MS, noise_std=0.0, resistance=1.0,
        refractory_period=20, seed=1, target_rate=0.002, adaptation_rate=0.5, rate_trace=0.0, trace_decay=0.95,
    )
    drive = [i / 20.0 for i in levels(25.0, 10.0, -12.0)]
    return n, drive, lambda: {"v": n.v * MV, "theta": (n.v_threshold - 15.0) * MV}


class ConductanceKicks:
    """COBALIFNeuron with the stepped current plus conductance kicks: 3 nS excitatory per pre
    spike and 5 nS inhibitory per kick of the replayed trains, each arriving one step after
    its replayed step, as in SCN (the reference adds a kick before it integrates)."""

    def __init__(self, neuron, drive):
        self.neuron = neuron
        self.drive = drive
        self.pre = replay_steps("plasticity_pre.csv")
        self.kick = replay_steps("plasticity_kick.csv")
        self.k = 0

    def kicks(self, k):
        """The (excitatory, inhibitory) conductance kicks of step k, in nS."""
        return 3.0 * ((k - 1) in self.pre), 5.0 * ((k - 1) in self.kick)

    def step(self, k):
        self.k = k + 1
        return self.neuron.step(self.drive[k], *self.kicks(k))

    def state(self):
        """v and the conductances with the kicks of the coming step already added: SCN
        delivers them before it samples the step."""
        exc, inh = self.kicks(self.k)
        n = self.neuron
        return {"v": n.v * MV, "g_e": (n.g_e + exc) * 1e-9, "g_i": (n.g_i + inh) * 1e-9}


class AlphaKicks:
    """AlphaNeuron fed the replayed trains as impulses: its `step(exc, inh)` takes drives held
    over the step (da/dt = -a / tau + drive); a spike is the impulse drive A delta(t), which
    moves the rise state a by A at once. A spike of step k reaches SCN's neuron for step
    k + 1, and SCN's monitors sample after the delivery, so the impulses of step k are added
    after the reference's call k. std AlphaCubaLif's alpha current i (peak w) drives
    c_m dv/dt, the reference's i (in mV) drives tau_v dv/dt: i_ref = i tau_m / c_m, and the
    rise state a is e y (y, std's auxiliary state)."""

    C_M, TAU_M = 250e-12, 10e-3

    def __init__(self, neuron, w_exc, w_inh):
        self.neuron = neuron
        self.pre = replay_steps("plasticity_pre.csv")
        self.kick = replay_steps("plasticity_kick.csv")
        self.mv_per_amp = self.TAU_M / self.C_M / MV
        self.w_exc, self.w_inh = w_exc, w_inh

    def step(self, k):
        fired = self.neuron.step(0.0, 0.0)
        self.neuron.a_exc += math.e * self.w_exc * self.mv_per_amp * (k in self.pre)
        self.neuron.a_inh -= math.e * self.w_inh * self.mv_per_amp * (k in self.kick)
        return fired

    def state(self):
        n, amps = self.neuron, 1.0 / self.mv_per_amp
        return {
            "v": n.v * MV,
            "i_e": n.i_exc * amps,
            "y_e": n.a_exc * amps / math.e,
            "i_i": -n.i_inh * amps,
            "y_i": -n.a_inh * amps / math.e,
        }


def alpha_cuba_lif():
    """AlphaNeuron (exact flow): rest -70 mV, threshold -55 mV, tau_v = 10 ms, both alpha
    kernels 2 ms, dt = 1 ms; 1 nA excitatory peaks per pre spike, -0.5 nA inhibitory per
    kick (std AlphaCubaLif: c_m = 250 pF, t_ref = 0, v_reset = e_l)."""
    n = AlphaNeuron(v=-70.0, v_rest=-70.0, v_threshold=-55.0, tau_v=10.0, tau_exc=2.0, tau_inh=2.0, dt=1.0)
    kicks = AlphaKicks(n, 1e-9, -0.5e-9)
    return kicks, range(PLASTICITY_STEPS), kicks.state, 1.0


class Rk4Substeps:
    """HodgkinHuxleyNeuron's RK4 path, one substep per SCN step. Its `step(I)` advances 1 ms
    in RK4 substeps of dt and tests the spike (v_prev < v_threshold <= v) only at the end of
    the call, so a spike that rises above and falls below 0 mV inside one call is missed.
    This driver makes the same RK4Solver steps with the model's own right-hand side one
    substep at a time and tests the same condition after each; a twin stepped by `step(I)`
    must reach the same state bit for bit at every call boundary, which proves the substeps
    are the model's."""

    def __init__(self, neuron, twin, drive_per_call):
        self.neuron, self.twin, self.drive = neuron, twin, drive_per_call
        self.substeps = round(1.0 / neuron.dt)
        self.state = np.array([neuron.v, neuron.m, neuron.h, neuron.n], dtype=np.float64)
        self.solver = RK4Solver()

    def step(self, k):
        call, i = divmod(k, self.substeps)
        current = self.drive[call]
        v_prev = self.state[0]
        self.state, _ = self.solver.step(lambda t, y: self.neuron._rhs(t, y, current), self.state, 0.0, self.neuron.dt)
        if i + 1 == self.substeps:
            self.twin.step(current)
            twin = (self.twin.v, self.twin.m, self.twin.h, self.twin.n)
            assert twin == tuple(float(x) for x in self.state), f"call {call}: substeps {self.state} vs step() {twin}"
        th = self.neuron.v_threshold
        return int(v_prev < th <= self.state[0])

    def state_si(self):
        v, m, h, n = (float(x) for x in self.state)
        return {"v": v * MV, "NaHH.m": m, "NaHH.h": h, "KdrHH.n": n}


def hodgkin_huxley():
    """HodgkinHuxleyNeuron (integrator "rk4", dt = 0.01 ms) from std HodgkinHuxley's initial
    state (gates at their steady state at -65 mV) with its leak reversal -54.387 mV; stepped
    drive in uA/cm^2, 500 calls of 1 ms = 50000 steps of 0.01 ms."""
    gates = {gate: hh_steady(-65.0, gate) for gate in "mhn"}
    params = dict(v=-65.0, e_l=-54.387, dt=0.01, integrator="rk4", **gates)
    drive = stepped([(10.0, 50, 500), (5.0, 150, 300), (-4.0, 300, 400)], steps=500, dt_ms=1.0)
    hh = Rk4Substeps(HodgkinHuxleyNeuron(**params), HodgkinHuxleyNeuron(**params), drive)
    return hh, range(500 * hh.substeps), hh.state_si, 0.01


class PospischilSubsteps:
    """PospischilNeuron's RK4 path, one substep per SCN step: its `step(I)` makes four RK4
    substeps of dt (`_rk4_substep`) and tests the spike only at the end; this driver makes
    the same substeps one at a time and tests v_prev < v_threshold <= v after each, and a
    twin stepped by `step(I)` must reach the same state bit for bit every four substeps."""

    SUBSTEPS = 4

    def __init__(self, neuron, twin, drive_per_call):
        self.neuron, self.twin, self.drive = neuron, twin, drive_per_call
        self.state = (neuron.v, neuron.m, neuron.h, neuron.n, neuron.p)

    def step(self, k):
        call, i = divmod(k, self.SUBSTEPS)
        v_prev = self.state[0]
        self.state = self.neuron._rk4_substep(self.state, self.drive[call])
        if i + 1 == self.SUBSTEPS:
            self.twin.step(self.drive[call])
            twin = (self.twin.v, self.twin.m, self.twin.h, self.twin.n, self.twin.p)
            assert twin == self.state, f"call {call}: substeps {self.state} vs step() {twin}"
        return int(v_prev < self.neuron.v_threshold <= self.state[0])

    def state_si(self):
        v, m, h, n, p = self.state
        return {"v": v * MV, "NaTraub.m": m, "NaTraub.h": h, "KdrTraub.n": n, "KM.p": p}


def pospischil():
    """PospischilNeuron (RK4, dt = 0.025 ms), regular spiking: g_M = 0.07 mS/cm^2, V_T =
    -56.2 mV, tau_max = 608 ms (its defaults), E_K = -100 mV (Pospischil et al. 2008; the
    class's default is -90 mV) and spikes at 0 mV as in std Pospischil, from rest -70 mV with every gate at its steady state there
    (std Pospischil's initial state); stepped drive in uA/cm^2, 5000 calls of 0.1 ms."""
    gates = dict(zip("mhnp", POSPISCHIL_GATES_AT_REST))
    params = dict(v=-70.0, e_k=-100.0, dt=0.025, v_threshold=0.0, integrator="rk4", **gates)
    drive = stepped([(4.0, 50, 500), (2.0, 150, 300), (-2.0, 300, 400)])
    cell = PospischilSubsteps(PospischilNeuron(**params), PospischilNeuron(**params), drive)
    return cell, range(len(drive) * cell.SUBSTEPS), cell.state_si, 0.025


#: std Pospischil's gates at -70 mV with V_T = -56.2 mV (its initial steady states, read from
#: `scn run`'s first sample: SC-NeuroCore has no steady-state helper for this class).
POSPISCHIL_GATES_AT_REST = (7.011202707788078e-4, 9.998801455931822e-1, 3.2033785092450595e-3, 2.931223075135631e-2)


def pinsky_rinzel():
    """PinskyRinzelNeuron (one RK4 step of dt = 0.02 ms per call), its defaults (Pinsky &
    Rinzel 1994: c_m = 3 uF/cm^2, g_c = 2.1 mS/cm^2, p = 0.5), spikes at -10 mV as std
    PinskyRinzel, from std PinskyRinzel's initial state (both compartments at -64.6 mV, the
    gates at their steady states there, read from `scn run`'s first sample, ca = 0.2);
    stepped somatic drive in uA/cm^2, 25000 steps."""
    gates = dict(zip("hnscq", PINSKY_RINZEL_GATES_AT_REST))
    n = PinskyRinzelNeuron(v_s=-64.6, v_d=-64.6, ca=0.2, v_threshold=-10.0, dt=0.02, **gates)
    drive = stepped([(1.5, 50, 500), (1.0, 150, 300), (-1.0, 300, 400)], steps=25000, dt_ms=0.02)
    return n, drive, lambda: {
        "soma.v": n.v_s * MV, "dend.v": n.v_d * MV, "soma.NaPR.h": n.h, "soma.KdrPR.n": n.n,
        "dend.CaPR.s": n.s, "dend.KcPR.c": n.c, "dend.KahpPR.q": n.q, "dend.ca": n.ca,
    }, 0.02


#: std PinskyRinzel's gates h, n, s, c, q at -64.6 mV.
PINSKY_RINZEL_GATES_AT_REST = (9.987434327246415e-1, 4.892416105916788e-4, 9.41670388682324e-3, 6.9881303665206e-3, 3.98406374501992e-3)


def wang_buzsaki():
    """WangBuzsakiNeuron with dt = 0.01 ms: each call advances 0.5 ms in 50 semi-implicit
    Euler substeps and reports a spike when v crossed -20 mV between the call's start and
    end. From std WangBuzsaki's initial state (-65 mV, h and n at their steady states there,
    read from `scn run`'s first sample); stepped drive in uA/cm^2, 1000 calls; states and
    spikes per call, at SCN's steps (50 per call)."""
    h, n = WANG_BUZSAKI_GATES_AT_REST
    cell = WangBuzsakiNeuron(v=-65.0, h=h, n=n, dt=0.01)
    drive = stepped([(1.0, 50, 500), (1.0, 150, 300), (-0.5, 300, 400)], steps=1000, dt_ms=0.5)
    return cell, drive, lambda: {"v": cell.v * MV, "NaWB.h": cell.h, "KdrWB.n": cell.n}, 0.5, 50


#: std WangBuzsaki's gates h and n at -65 mV.
WANG_BUZSAKI_GATES_AT_REST = (8.045789772702732e-1, 8.255363030234175e-2)


def hh_steady(v, gate):
    """The steady state alpha / (alpha + beta) of a gate of HodgkinHuxleyNeuron at v."""
    n = HodgkinHuxleyNeuron()
    a, b = getattr(n, "_alpha_" + gate)(v), getattr(n, "_beta_" + gate)(v)
    return a / (a + b)


def coba_lif():
    """COBALIFNeuron (RK4): its defaults (200 pF, 10 nS, E_L = -65 mV, E_e = 0, E_i = -80 mV,
    tau_e = 5, tau_i = 10 ms); stepped current in pA and conductance kicks."""
    kicks = ConductanceKicks(COBALIFNeuron(dt=DT_MS), levels(250.0, 100.0, -60.0))
    return kicks, range(len(kicks.drive)), kicks.state


STDLIB_CASES = {
    "StdCobaLif": coba_lif,
    "StdHomeostaticLif": homeostatic_lif,
    "StdGlif": glif,
    "StdTsodyksMarkramDepressing": tsodyks_markram_depressing,
    "StdMcCullochPitts": mcculloch_pitts,
    "StdPoisson": lambda: population(seeded_poisson, lambda k: -1.0),
    "StdInhomogeneousPoisson": lambda: population(lambda k: InhomogeneousPoissonNeuron(dt_ms=1.0), rate_drive),
    "StdEscapeRate": lambda: population(
        lambda k: EscapeRateNeuron(v=-70.0, v_rest=-70.0, v_reset=-70.0, v_threshold=-50.0, tau_m=10.0, rho_0=1.0, delta_u=3.0, dt=1.0),
        lambda k: 12.0,
    ),
    "StdRateEncoder": lambda: Raster(encoders.rate_encode(ENCODED, 2000, seed=7)),
    "StdLatencyEncoder": lambda: Raster(encoders.latency_encode(ENCODED, 20)),
    "StdBurstEncoder": lambda: Raster(encoders.burst_encode(ENCODED, 20, max_burst=4)),
    "StdPhaseEncoder": lambda: Raster(encoders.phase_encode(ENCODED, 20, n_phases=4)),
    "StdRankOrderEncoder": lambda: Raster(encoders.rank_order_encode(ENCODED, 4)),
    "StdDeltaEncoder": lambda: Raster(encoders.delta_encode(SIGNAL, threshold=0.125)),
    "StdSigmaDeltaEncoder": lambda: Raster(encoders.sigma_delta_encode(SIGNAL, threshold=0.25)),
    "StdBcm": bcm,
    "StdWangBuzsaki": wang_buzsaki,
    "StdRewardStdp": reward_stdp,
    "StdPinskyRinzel": pinsky_rinzel,
    "StdPospischil": pospischil,
    "StdHodgkinHuxley": hodgkin_huxley,
    "StdAlphaCubaLif": alpha_cuba_lif,
    "StdTripletStdp": triplet_stdp,
    "StdStdp": pair_stdp,
    "StdTsodyksMarkram": tsodyks_markram,
    "StdTheta": theta,
    "StdQif": qif,
    "StdQifExact": qif,
    "StdResonateAndFire": resonate_and_fire,
    "StdSrm0": srm0,
    "StdWilsonCowan": wilson_cowan,
    "StdParametricLif": parametric_lif,
    "StdAdaptiveLif": adaptive_threshold,
    "StdSigmoidRate": sigmoid_rate,
    "StdThresholdLinearRate": threshold_linear,
    "StdMat": mat,
    "StdMorrisLecar": morris_lecar,
    "StdStochasticLif": stochastic_lif,
    "StdEif": expif,
    "StdAdEx": adex,
    "StdPerfectIf": perfect_if,
    "StdIzhikevich2007": izhikevich2007,
    "StdFitzHughNagumo": fitzhugh_nagumo,
    "StdHindmarshRose": hindmarsh_rose,
    "StdRulkov": rulkov_map,
}
