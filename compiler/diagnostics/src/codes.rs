//! The registry of diagnostic codes. Every code that any stage emits is listed here with a
//! title and an explanation (an example of the mistake and its fix), which `scn explain CODE`
//! prints. Codes are grouped by stage: `E00xx` lexing and parsing, `E01xx` names, `E02xx`
//! units and types, `E03xx` streams, `E04xx` fixed point, `E05xx` networks, `E06xx`
//! properties, `E07xx` backends; warnings `Wxxxx` use the same ranges.

/// One registered code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code, such as `E0010`.
    pub code: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The page `scn explain` prints: what is wrong, an example, the fix.
    pub explanation: &'static str,
}

/// Looks up a code (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Every registered code, sorted.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0001",
        title: "unknown character",
        explanation: "The source contains a character that cannot begin any SCN token.\n\n\
Example:\n\n    param tau_m: time = 20 ms $\n\n\
Fix: delete the character. Identifiers are ASCII letters, digits and `_`; text belongs in \
string literals (\"…\") or comments.",
    },
    CodeInfo {
        code: "E0002",
        title: "unterminated block comment",
        explanation: "A `/*` comment has no matching `*/`, so the rest of the file would be \
a comment. Block comments nest: every `/*` inside needs its own `*/`.\n\n\
Example:\n\n    /* leak term\n    dv/dt = -v / tau\n\n\
Fix: close the comment with `*/`, or use `//` line comments.",
    },
    CodeInfo {
        code: "E0003",
        title: "unterminated string literal",
        explanation: "A string literal has no closing quote on its line.\n\n\
Example:\n\n    param w: prob[4][16] = load(\"weights.csv)\n\n\
Fix: close the string with `\"`. Strings cannot span lines.",
    },
    CodeInfo {
        code: "E0004",
        title: "malformed unit",
        explanation: "A unit names an atom SCN does not know, or has a malformed power. Units \
are atoms (`s V A S F ohm Hz mol M m g K`, each with an optional prefix `f p n u m c k M G`, \
and `cycles`, `steps`) joined by `*` or `/` without spaces, each with an optional power `^N`.\n\n\
Example:\n\n    param g: [mS/cmm^2] = 1 mS/cm^2\n\n\
Fix: write a known unit: `[mS/cm^2]`.",
    },
    CodeInfo {
        code: "E0005",
        title: "malformed number",
        explanation: "A number literal is incomplete or out of range: a hexadecimal or binary \
prefix with no digits, an exponent with no digits, a digit that the base does not have, or an \
integer larger than 2^64 - 1.\n\n\
Example:\n\n    rng r = lfsr16(seed = 0x)\n\n\
Fix: complete the literal: `0xACE1`, `1e-3`, `0b1010`.",
    },
    CodeInfo {
        code: "E0010",
        title: "unexpected token",
        explanation: "The parser found a token that cannot appear here. The label says what \
it expected instead. Common causes: a misspelt keyword (`nueron`), a missing operand \
(`v += `), a line that starts with a binary operator (a statement ends at the newline, so put \
the operator at the end of the previous line), or a unit written with spaces (`1 uF / cm^2`).\n\n\
Example:\n\n    dv/dt = (v_rest - v)\n        / tau_m\n\n\
Fix:\n\n    dv/dt = (v_rest - v) /\n        tau_m",
    },
    CodeInfo {
        code: "E0011",
        title: "unexpected end of input",
        explanation: "The file ends in the middle of an item or a member.\n\n\
Example:\n\n    const V_TH: voltage =\n\n\
Fix: complete the item.",
    },
    CodeInfo {
        code: "E0012",
        title: "unclosed or unmatched delimiter",
        explanation: "A `(`, `[`, `{` or `<` is never closed, or a closing `)`, `]`, `}` or `>` \
has no opening partner. SCN closes a parenthesis that is still open at the start of the next \
member so that one slip does not hide the rest of the file.\n\n\
Example:\n\n    dv/dt = (v_rest - v / tau_m\n\n\
Fix: add the missing delimiter: `dv/dt = (v_rest - v) / tau_m`.",
    },
    CodeInfo {
        code: "E0013",
        title: "malformed derivative",
        explanation: "An ODE's left-hand side must be `dX/dt`, where `X` is a state and `dt` is \
literally `dt`.\n\n\
Example:\n\n    dv/dx = -v / tau_m\n\n\
Fix: `dv/dt = -v / tau_m`.",
    },
    CodeInfo {
        code: "E0014",
        title: "invalid assignment target",
        explanation: "Only names, fields (`post.v`) and indexed names (`w[i]`) can be assigned.\n\n\
Example:\n\n    on pre { 2 * w = w_max }\n\n\
Fix: assign the variable itself: `w = w_max / 2`.",
    },
    CodeInfo {
        code: "E0015",
        title: "nesting too deep",
        explanation: "Parentheses, brackets and braces may nest at most 256 deep. Deeper groups are reported once and skipped, so that a pathological file cannot make the parser slow.\n\nExample:\n\n    const A = ((((((((…))))))))     // 300 levels\n\nFix: name intermediate results with `let` or `const`.",
    },
    CodeInfo {
        code: "E0101",
        title: "cannot find name",
        explanation: "A name is used that is not declared in the model, the network, the module or its imports.

Example:

    dv/dt = (v_rest - v) / tau

where the parameter is called `tau_m`.

Fix: declare the name, import the module that defines it, or correct the spelling (the help line suggests the closest name).",
    },
    CodeInfo {
        code: "E0102",
        title: "duplicate definition",
        explanation: "Two items of one module, or two members of one model or network, have the same name.

Example:

    param tau: time = 20 ms
    state tau: time = 0 ms

Fix: rename one of them.",
    },
    CodeInfo {
        code: "E0103",
        title: "cannot find module",
        explanation: "An `import` names a module that does not exist. `std.a.b` is `stdlib/a/b.scn`; `a.b` is the file `a/b.scn` beside the importing file.

Example:

    import std.neuron.lif

Fix: `import std.neurons.lif`.",
    },
    CodeInfo {
        code: "E0104",
        title: "imported item not found",
        explanation: "`import m.{A}` names an item that module `m` does not define.

Example:

    import std.neurons.lif.{LIF}

Fix: `import std.neurons.lif.{Lif}`.",
    },
    CodeInfo {
        code: "E0105",
        title: "ambiguous name",
        explanation: "The name is defined by two modules imported whole, so SCN cannot tell which one is meant.

Example:

    import std.neurons.lif
    import mymodels
    pop p = Lif[10]      // both define Lif

Fix: import only the one you need (`import mymodels.{Lif}`) or import a module with `as` and qualify the name.",
    },
    CodeInfo {
        code: "E0106",
        title: "unknown member",
        explanation: "A population, port, override, preset or handler names a member the model does not have.

Example:

    connect exc -> inh.syn_exc { p = 0.1 }

where the model's input is called `exc`.

Fix: use a member the model declares (the help line lists the closest).",
    },
    CodeInfo {
        code: "E0107",
        title: "wrong kind of item",
        explanation: "An item is used where another kind is required: a synapse as a population model, a neuron after `via`, a non-channel in `use`, a module where an item is needed.

Example:

    pop s = Stdp[10]

Fix: populations are made of neurons; synapses go after `via`; channels after `use`.",
    },
    CodeInfo {
        code: "E0108",
        title: "unknown type",
        explanation: "A type name is not a dimension name, a built-in type or a valid generic.

Example:

    param tau: duration = 20 ms

Fix: `param tau: time = 20 ms`. Dimension names: time, voltage, current, conductance, capacitance, resistance, frequency, concentration, length, area, volume, charge, dimensionless; types: prob, bipolar, bool, int, fix<W,F>, ufix<W,F>, bits<E,L>, count<N>, spike(T).",
    },
    CodeInfo {
        code: "E0109",
        title: "definition refers to itself",
        explanation: "A constant is defined in terms of itself, directly or through other constants.

Example:

    const A = B + 1
    const B = A * 2

Fix: give one of them a value that does not depend on the other.",
    },
    CodeInfo {
        code: "E0110",
        title: "member in the wrong place",
        explanation: "A member appears in a body where it has no meaning: `pop` or `connect` in a neuron, `deliver` outside a synapse, a check outside a property, a gate outside a channel.

Example:

    neuron A {
        dt = 0.1 ms
    }

Fix: move it where it belongs (the help line says where).",
    },
    CodeInfo {
        code: "E0111",
        title: "channel input not available",
        explanation: "A channel reads the membrane potential `v` of the compartment (or neuron) that uses it, and each of its `input NAME`s reads the member NAME there. This `use` puts the channel where one of them is missing or has another dimension.\n\nExample:\n\n    channel KCa { input ca: concentration  gate q: inf = hill(ca, 0.5 uM, 4), tau = 50 ms  current q * (v + 90 mV) * 1 mS/cm^2 }\n    neuron N { state v: voltage = -65 mV  use KCa }     // no `ca` in N\n\nFix: declare `ca` where the channel is used (`state ca: concentration = 50 nM`, or use a calcium pool channel that provides it), or use the channel in the compartment that has it.",
    },
    CodeInfo {
        code: "E0201",
        title: "dimension mismatch",
        explanation: "Two quantities of different dimensions are added, compared, assigned or passed where one dimension is required. The message names both dimensions.

Example:

    param i_ext: current = 200 pA
    on spike_in(w) { v += i_ext }

Fix: convert with the right factor: `v += i_ext * r_m` (current times resistance is a voltage).",
    },
    CodeInfo {
        code: "E0202",
        title: "ODE right-hand side has the wrong dimension",
        explanation: "`dX/dt` must have the dimension of X per time.

Example:

    dv/dt = (v_rest - v)

Fix: divide by a time constant: `dv/dt = (v_rest - v) / tau_m`.",
    },
    CodeInfo {
        code: "E0203",
        title: "type mismatch",
        explanation: "A value of one type is used where another is required: a number where a condition is needed, a stream where a number is needed, an array of the wrong length, a non-integer index.

Example:

    on v { v = v_reset }

Fix: `on v >= v_th { v = v_reset }`.",
    },
    CodeInfo {
        code: "E0204",
        title: "wrong arguments",
        explanation: "A call has the wrong number of arguments, or an argument name the function does not take.

Example:

    encode(0.5, length = 256)

Fix: `encode(0.5, lfsr16(seed = 0xACE1), length = 256)`.",
    },
    CodeInfo {
        code: "E0205",
        title: "unknown function",
        explanation: "A call names something that is neither a built-in function nor a `fn` item.

Example:

    dv/dt = -v / tau + sigmoid2(v)

Fix: call a built-in (`sigmoid`) or define the function with `fn`.",
    },
    CodeInfo {
        code: "E0206",
        title: "dimensioned exponent",
        explanation: "An exponent must be a pure number, and a quantity with a dimension can only be raised to a constant power (otherwise the result's dimension is unknown).

Example:

    let x = v ** n

Fix: make the base dimensionless (`(v / 1 mV) ** n`) or use a constant exponent.",
    },
    CodeInfo {
        code: "E0207",
        title: "invalid value or assignment",
        explanation: "A value lies outside what its type allows (a probability above 1, a default outside its admissible range), or a handler assigns to something read-only (a parameter, an input, a named expression).

Example:

    on x(w) { tau_m = 10 ms }

Fix: parameters are fixed during a run; declare it as a `state` if it must change.",
    },
    CodeInfo {
        code: "E0208",
        title: "noise outside an ODE",
        explanation: "`noise(sigma)` is a Wiener increment; it only has a meaning as a term of an ODE integrated by a stochastic solver (`euler` or `heun`).

Example:

    on x(w) { v += noise(1 mV) }

Fix: `dv/dt = (v_rest - v) / tau_m + noise(sigma)`, or draw per step with `normal(0 mV, 1 mV)`.",
    },
    CodeInfo {
        code: "E0209",
        title: "invalid state update",
        explanation: "An ODE, `next` or `clamp` names something that is not a state, or one state is updated twice.

Example:

    param tau: time = 20 ms
    dtau/dt = -tau / 1 s

Fix: declare evolving quantities with `state`, and give each one ODE or one `next`.",
    },
    CodeInfo {
        code: "E0210",
        title: "exact solver on non-linear ODEs",
        explanation: "`solver exact` integrates linear systems x' = A x + b with a matrix exponential; it cannot integrate products of states, functions of states or time-dependent terms. The label points at the offending term.

Example:

    dv/dt = 0.04 * v * v / 1 ms
    solver exact

Fix: use `solver rk4`, `exp_euler` or `rush_larsen`.",
    },
    CodeInfo {
        code: "E0211",
        title: "unknown solver",
        explanation: "The solver name is not one SCN provides: euler, rk4, exact, exp_euler, rush_larsen, heun.

Example:

    solver runge_kutta

Fix: `solver rk4`.",
    },
    CodeInfo {
        code: "E0212",
        title: "function needs a dimensionless argument",
        explanation: "Transcendental functions (exp, log, tanh, sigmoid, exprel) take pure numbers.

Example:

    let g = exp(-v / 1 ms)

Fix: divide by a quantity of the same dimension: `exp(-v / 10 mV)`.",
    },
    CodeInfo {
        code: "E0301",
        title: "correlated operands",
        explanation: "AND (`&`) multiplies two unipolar streams and XNOR two bipolar streams only when they are independent; a MUX select must be independent of its inputs. Two streams from the same source (same LFSR seed) are maximally correlated, so `a & b` computes min(p, q), not p·q.

Example:

    stream a = encode(0.5, lfsr16(seed = 0xACE1), length = 256)
    stream b = encode(0.3, lfsr16(seed = 0xACE1), length = 256)
    output y = decode(popcount(a & b))

Fix: give one of them its own seed: `lfsr16(seed = 0xBEEF)`.",
    },
    CodeInfo {
        code: "E0302",
        title: "seed collision",
        explanation: "Two elements of indexed stream families use the same LFSR seed and meet in an operator that needs independent inputs. SCN evaluates the seed of every element for every index combination to find these.

Example:

    stream xs[i in 0..16] = encode(x[i], lfsr16(seed = 0xACE1 + i), length = L)
    stream ws[i in 0..16] = encode(w[i], lfsr16(seed = 0xACE1 + 2 * i), length = L)
    output y = sum(i in 0..16, popcount(ws[i] & xs[i]))

(ws[0] and xs[0] share 0xACE1.)

Fix: use disjoint seed ranges for the two families, e.g. a different base.",
    },
    CodeInfo {
        code: "E0303",
        title: "stream length mismatch",
        explanation: "Streams combined by an operator, or assigned to a declared stream type, must have the same length (one frame).

Example:

    stream a = encode(p, lfsr16(seed = 1), length = 256)
    stream b = encode(q, lfsr16(seed = 2), length = 512)
    stream c = a & b

Fix: encode both with the same `length`.",
    },
    CodeInfo {
        code: "E0304",
        title: "LFSR stream longer than its period",
        explanation: "An LFSR-16 repeats after 65535 states, so a longer stream repeats its own bits and its error no longer shrinks with length.

Example:

    encode(p, lfsr16(seed = 1), length = 100000)

Fix: use at most 65535 bits, or several sources.",
    },
    CodeInfo {
        code: "E0305",
        title: "LFSR seed zero",
        explanation: "An LFSR started from 0 stays at 0 forever, so its stream is constant.

Example:

    lfsr16(seed = 0)

Fix: use a non-zero seed such as `0xACE1` (computed seeds that wrap to 0 become 1, as in SC-NeuroCore).",
    },
    CodeInfo {
        code: "E0306",
        title: "not a stream operation",
        explanation: "A stream operator or function received something that is not a bitstream, or mixed unipolar and bipolar streams.

Example:

    output y = popcount(x & 0.5)

Fix: encode values first: `encode(0.5, lfsr16(seed = 7), length = 256)`.",
    },
    CodeInfo {
        code: "E0307",
        title: "stream value out of range or wrong correlation",
        explanation: "A constant encoded as a stream lies outside its encoding's range (unipolar [0, 1], bipolar [-1, 1]), or `cordiv` received independent operands (it divides only nested, same-source streams).

Example:

    encode(1.5, lfsr16(seed = 1), length = 256)

Fix: encode a probability, or use a bipolar stream for signed values.",
    },
    CodeInfo {
        code: "E0401",
        title: "fixed-point overflow",
        explanation: "A constant does not fit the precision's format, or an update provably leaves it. Values are stored divided by their dimension's scale.

Example:

    precision fix<16, 8> overflow saturate scale(voltage = 1 mV)
    param v_th: voltage = 200 mV     // Q8.8 holds [-128, 127.996]

Fix: widen the format (`fix<24, 8>`) or choose a larger scale (`voltage = 2 mV`).",
    },
    CodeInfo {
        code: "E0402",
        title: "unknown overflow or rounding mode",
        explanation: "Overflow modes are saturate, wrap and trap; rounding modes are floor, nearest_even, nearest_away and stochastic.

Example:

    precision fix<16, 8> overflow clamp

Fix: `overflow saturate`.",
    },
    CodeInfo {
        code: "E0403",
        title: "missing fixed-point scale",
        explanation: "Inside a precision scope, every dimensioned quantity is stored divided by its dimension's scale, so each dimension used needs one.

Example:

    precision fix<16, 8> overflow saturate
    param v_th: voltage = 20 mV

Fix: `precision fix<16, 8> overflow saturate scale(voltage = 1 mV)`.",
    },
    CodeInfo {
        code: "E0404",
        title: "fixed-point formats mixed without a cast",
        explanation: "Outside a precision scope, combining two different fixed-point formats needs an explicit `as`, so that the result's format is never a surprise.

Example:

    let y = a + b      // a: fix<16,8>, b: fix<8,4>

Fix: `let y = a + (b as fix<16, 8>)`.",
    },
    CodeInfo {
        code: "E0405",
        title: "impossible fixed-point format",
        explanation: "A fixed-point format has 1 to 64 bits (2 to 64 when signed) and at most 64 fractional bits, written with constant widths.

Example:

    precision fix<0, 8>

Fix: `precision fix<16, 8>`.",
    },
    CodeInfo {
        code: "E0501",
        title: "invalid population size",
        explanation: "A population needs a positive, constant number of neurons.

Example:

    pop exc = Lif[0]

Fix: `pop exc = Lif[800]`.",
    },
    CodeInfo {
        code: "E0502",
        title: "network too large",
        explanation: "The declared network needs more memory than the machine has; SCN refuses it before allocating anything.

Example:

    pop huge = Lif[100000000000]

Fix: reduce the population sizes.",
    },
    CodeInfo {
        code: "E0503",
        title: "delay not a whole number of steps",
        explanation: "A constant delay must be a whole multiple of the network's `dt` (delays are computed exactly, as rationals).

Example:

    dt = 0.1 ms
    connect a -> b.syn { p = 0.1, delay = 0.25 ms }

Fix: `delay = 0.2 ms` or `delay = 0.3 ms`.",
    },
    CodeInfo {
        code: "E0504",
        title: "weight has the wrong dimension",
        explanation: "A connection's weight has the dimension of the target port's payload (or of the synapse's `w` with `via`).

Example:

    input syn: spike(voltage)
    connect a -> b.syn { p = 0.1, weight = 0.5 nS }

Fix: `weight = 0.5 mV`, or target a conductance port.",
    },
    CodeInfo {
        code: "E0505",
        title: "invalid connection target",
        explanation: "A connection or stimulus must end at an input port of a population: `pop.port`.

Example:

    connect exc -> inh { p = 0.1 }

Fix: `connect exc -> inh.exc { p = 0.1 }`.",
    },
    CodeInfo {
        code: "E0506",
        title: "time in a clocked network",
        explanation: "A network without `dt` is clocked: durations and delays are counted in cycles, and time-based stimuli need a time step.

Example:

    network Q {
        duration = 1 s
    }

Fix: `duration = 4096 cycles`, or give the network `dt = 0.1 ms`.",
    },
    CodeInfo {
        code: "E0507",
        title: "invalid connection rule value",
        explanation: "Connection probabilities lie in [0, 1]; degrees are non-negative integers.

Example:

    connect a -> b.syn { p = 2 }

Fix: `p = 0.2`.",
    },
    CodeInfo {
        code: "E0508",
        title: "negative delay",
        explanation: "Spikes cannot arrive before they are sent.

Example:

    delay = -1 ms

Fix: use a delay of 0 or more.",
    },
    CodeInfo {
        code: "E0512",
        title: "unknown network setting",
        explanation: "A network's settings are `dt`, `duration` and `seed`; other values are declared with `param` or `const`.

Example:

    timestep = 0.1 ms

Fix: `dt = 0.1 ms`.",
    },
    CodeInfo {
        code: "E0513",
        title: "invalid connection rule",
        explanation: "A rule block has one connection rule (`p`, `indegree`, `outdegree`, `all`, `one_to_one`, `pairs`) plus `weight`, `delay` and `autapses`.

Example:

    connect a -> b.syn { prob = 0.1 }

Fix: `connect a -> b.syn { p = 0.1 }`.",
    },
    CodeInfo {
        code: "E0514",
        title: "unknown stimulus kind",
        explanation: "Stimulus kinds are poisson, current, spikes, encode and bits.

Example:

    stimulus noise(rate = 5 Hz) -> exc.syn

Fix: `stimulus poisson(rate = 5 Hz, n = 100) -> exc.syn`.",
    },
    CodeInfo {
        code: "E0515",
        title: "invalid monitor",
        explanation: "Monitors are `spikes(P, …)`, `state(P[a..b].x, …)` and `rate(P, bin = …)`.

Example:

    monitor voltage(exc)

Fix: `monitor state(exc[0..4].v)`.",
    },
    CodeInfo {
        code: "E0601",
        title: "property of something that is not a network",
        explanation: "A property watches a network: `property NAME for NETWORK { … }`.

Example:

    property p for Lif { … }

Fix: name the network that instantiates the model.",
    },
    CodeInfo {
        code: "E0602",
        title: "duration not a whole number of steps",
        explanation: "Windows and deadlines are counted in steps: a time must be a whole multiple of `dt`, and a clocked network counts in cycles.

Example:

    assert rate(exc) per sliding 0.25 ms <= 100 Hz     // dt = 0.1 ms

Fix: `per sliding 0.3 ms`, or write the window in steps.",
    },
    CodeInfo {
        code: "E0603",
        title: "invalid check method",
        explanation: "Check methods are `sim`, `bmc(depth = N)` with a positive depth, `prove`, `static` and `cover`.

Example:

    assert always(n.v < 100 mV) @bmc

Fix: `@bmc(depth = 20)`.",
    },
    CodeInfo {
        code: "E0604",
        title: "invalid property argument",
        explanation: "Property functions take populations (`rate(exc)`), spike events (`spike(n[0])`) and stimulus names (`stimulus(go)`).

Example:

    assert rate(v) per sliding 10 ms <= 50 Hz

Fix: `rate(exc)`, where `exc` is a population.",
    },
    CodeInfo {
        code: "E0605",
        title: "property cannot be monitored",
        explanation: "`scn verify` lowers every check to a monitor over the network's populations, neurons, states and spiking stimuli. A check it cannot lower (an unknown population or state, a neuron index out of range, a bound that is not a constant count) is reported instead of being skipped.

Example:

    assert always(n.w <= 1 mV)        // `w` is not a state of the model

Fix: name a state of the population's model, `always(n.v <= 1 mV)`.",
    },
    CodeInfo {
        code: "E0606",
        title: "counterexample cannot be replayed",
        explanation: "`scn run --replay CEX.json` reads a counterexample written by `scn verify` (schema `scn-counterexample/1`, docs/properties.md) and runs its network again under the monitor of the check it violates. The file cannot be read, is not a counterexample, names a network the model does not have, or names a check that is not in the model's properties (the model changed since `scn verify` wrote it).\n\nExample:\n\n    scn run --replay out/QNet/verify/spikes.csv      // a spike trace, not a counterexample\n\nFix: pass a `cex-N-METHOD.json` that `scn verify` wrote for this model, or run `scn verify` again.",
    },
    CodeInfo {
        code: "E0607",
        title: "counterexample not reproduced",
        explanation: "`scn run --replay CEX.json` ran the network and its monitor did not report the counterexample's violation at the same step with the same neurons: the run passes the check, or fails it elsewhere. The outputs of the run are written (with the run's own violation in `summary.json`), and the message says where the run and the counterexample part. A witness of a free input (a replayed trace that the network does not produce itself) is not reproduced by running the network.\n\nExample:\n\n    scn run --replay cex-3-sim.json      // after the model's threshold was changed\n\nFix: run `scn verify` on the current model for a fresh counterexample, or look at the difference the message names.",
    },
    CodeInfo {
        code: "E0701",
        title: "not supported by this engine yet",
        explanation: "The model is valid SCN, but the engine asked to run it does not implement one of its constructs yet (the message names it). Nothing is run, so no result is ever computed with the wrong meaning.\n\nExample:\n\n    scn run examples/sc_dense.scn      // streams are not interpreted yet\n\nFix: run a model without the construct, or another engine that supports it.",
    },
    CodeInfo {
        code: "E0702",
        title: "which network to run",
        explanation: "`scn run` runs the network named by `--network`, or the only network of the file.\n\nExample:\n\n    scn run models.scn          // the file has networks A and B\n\nFix: `scn run models.scn --network A`.",
    },
    CodeInfo {
        code: "E0703",
        title: "parameter without a value",
        explanation: "A parameter has no default in its model and the population does not set it.\n\nExample:\n\n    neuron N { param tau: time }\n    network Net { pop p = N[10] }\n\nFix: `pop p = N[10] { tau = 20 ms }`, or give the parameter a default.",
    },
    CodeInfo {
        code: "E0704",
        title: "invalid run length",
        explanation: "A run needs a positive duration: the network's `duration`, `--duration` (a time, or cycles for a clocked network), `--steps`, or the duration after `:run NETWORK` in `scn repl`.\n\nExample:\n\n    scn run net.scn --duration -1s\n\nFix: `scn run net.scn --duration 1s`.",
    },
    CodeInfo {
        code: "E0705",
        title: "the run stopped",
        explanation: "A run stopped before its end: an `invariant` of a neuron failed on the candidate state, or a fixed-point operation overflowed under `overflow trap`. The message names the population, the neuron, the step and the values; nothing is written.\n\nExample:\n\n    invariant v > -100 mV\n\nfailing at step 1234 of `exc[17]`.\n\nFix: correct the dynamics, or relax the invariant, or (fixed point) widen the format.",
    },
    CodeInfo {
        code: "E0706",
        title: "synapse input without a value",
        explanation: "A synapse reads something the connection cannot supply: its `input NAME` is bound by name to a network `param NAME` with a constant value, and `pre.x` / `post.x` to a state `x` of the presynaptic / postsynaptic neuron model. The network has no such parameter, the neuron model has no such state, or the presynaptic side is a stimulus, which has no states.\n\nExample:\n\n    synapse RStdp { input reward: dimensionless … }\n    network Net { connect a -> b.syn via RStdp { all } }   // no `param reward`\n\nFix: declare `param reward: dimensionless = 0` in the network, or read a state the neuron model has.",
    },
    CodeInfo {
        code: "E0707",
        title: "table file does not fit",
        explanation: "`load(\"FILE.csv\")[index]` reads one value per element of a population (a parameter or initial state) or per connection (a weight or delay) from a CSV table beside the model. The file must hold numbers only, one per line or all on one line, and at least as many as there are elements: a shorter table would give the elements past its end a wrong value. Connections are numbered source-major (with `all`, connection k joins source k / targets to target k % targets).\n\nExample:\n\n    stimulus s = spikes(load(\"input.csv\")) -> p.syn { all, weight = load(\"w.csv\")[index] * 1 A }\n\nwith `input.csv` naming 11 channels, `p` of 4 neurons and 40 values in `w.csv`.\n\nFix: give one value per element, or fix the data that makes the population or connection larger (here, a trace with a channel the network does not have).",
    },
    CodeInfo {
        code: "E0710",
        title: "hardware needs a precision block",
        explanation: "Hardware backends (`scn build --target verilog`, `fpga`, a device profile) compute in fixed point: every neuron model of the network needs a `precision` block that fixes its format, overflow and rounding. A model with only real (f64) arithmetic cannot become RTL.\n\nExample:\n\n    neuron Lif { state v: voltage = -65 mV  dv/dt = -v / 20 ms }\n    scn build net.scn --target verilog\n\nFix: add `precision fix<16, 8> overflow saturate rounding nearest_even scale(voltage = 1 mV)` to the model and write its update with `next`, or simulate it with `scn run`.",
    },
    CodeInfo {
        code: "E0711",
        title: "no hardware lowering for this construct",
        explanation: "The network uses a construct that the hardware lowering does not build (the message names it): an ODE, `/` on states, `overflow trap`, stochastic rounding, a Poisson or replayed source, a synapse model, a current stimulus. Hardware draws randomness only from declared LFSR/Sobol sources. docs/hardware.md lists what is supported.\n\nExample:\n\n    stimulus poisson(rate = 20 Hz, n = 10) -> n.x { all, weight = 1 mV }\n\nFix: `stream s[i in 0..10] = encode(0.02, lfsr16(seed = 0xACE1 + i), length = 256)` and `stimulus go = bits(s) -> n.x { all, weight = 1 mV }`.",
    },
    CodeInfo {
        code: "E0712",
        title: "design over the hardware lowering's budget",
        explanation: "The hardware lowering builds every neuron, connection and stream element as its own logic; past its budget (4096 neurons, 65536 connections) the RTL would not fit any supported device and would take long to build.\n\nExample:\n\n    pop exc = LifQ88[100000]\n\nFix: build a smaller network (or a slice of it) for hardware.",
    },
    CodeInfo {
        code: "E0713",
        title: "the design does not fit the device",
        explanation: "After synthesis the design needs more LUTs, flip-flops, block RAMs or DSP blocks than the chosen device has; the message says which and by how much. Nothing is written.\n\nExample:\n\n    scn build big.scn --target ice40-up5k\n\nFix: pick a larger device from `scn targets`, or make the network smaller.",
    },
    CodeInfo {
        code: "E0714",
        title: "unknown target",
        explanation: "`scn build --target` takes `verilog`, `mlir`, `fpga` (the default device) or the name of a device profile; `scn targets` lists them.\n\nExample:\n\n    scn build net.scn --target ice40\n\nFix: `scn build net.scn --target ice40-hx8k`.",
    },
    CodeInfo {
        code: "E0715",
        title: "an FPGA tool failed",
        explanation: "Yosys or nextpnr is missing or stopped with an error (the message shows the end of its log). Nothing is written.\n\nExample:\n\n    scn build net.scn --target ice40-hx8k      // nextpnr-ice40 not installed\n\nFix: install the tools (Debian: `yosys nextpnr-ice40 fpga-icestorm`), or build `--target verilog` only.",
    },
    CodeInfo {
        code: "E0720",
        title: "not a NIR file",
        explanation: "`scn import` reads NIR graphs as `nir.write` stores them: an HDF5 file with a `node` group whose `type` is `NIRGraph`, holding `nodes` and `edges`. The file could not be opened as HDF5 or lacks that layout.\n\nExample:\n\n    scn import model.pt -o model.scn\n\nFix: export the network to NIR first (`nir.write(\"model.nir\", graph)`, or the export function of snnTorch, Norse, Sinabs, ...).",
    },
    CodeInfo {
        code: "E0721",
        title: "malformed NIR node",
        explanation: "A node of the NIR graph lacks a field its type requires, or the field is not numeric or has the wrong number of elements (the message names the node and the field).\n\nExample:\n\n    a `LIF` node `lif1` without `tau`\n\nFix: re-export the graph with a current NIR writer; docs/nir.md lists the fields of every node type.",
    },
    CodeInfo {
        code: "E0722",
        title: "NIR construct not imported",
        explanation: "The NIR graph uses a node type or a combination that `scn import` does not translate (the message names the node): per-element delays, the continuous output of a non-spiking neuron feeding further nodes, and node types docs/nir.md lists as not imported.\n\nExample:\n\n    LI -> Affine -> LIF     // the LI's voltage drives another layer\n\nFix: change the graph so that only inputs and spiking neurons feed other nodes, or simulate it with a NIR backend that supports it.",
    },
    CodeInfo {
        code: "E0723",
        title: "inconsistent NIR graph",
        explanation: "An edge names a node that does not exist, leaves an `Output`, closes a cycle without a neuron on it, or joins nodes whose shapes disagree.\n\nExample:\n\n    edges: (input, fc1), (fc1, lif_missing)\n\nFix: repair the graph before exporting it.",
    },
    CodeInfo {
        code: "E0724",
        title: "NIR time step unknown",
        explanation: "NIR models are continuous in time; a simulator steps them with some `dt`, and using another one changes the result (a recurring NIR bug, docs/nir.md). The file's metadata has no `dt`, so it must be given.\n\nExample:\n\n    scn import model.nir -o model.scn\n\nFix: `scn import model.nir --dt 1ms -o model.scn`, with the step the model was trained with.",
    },
    CodeInfo {
        code: "E0725",
        title: "not expressible in NIR",
        explanation: "`scn build --target nir` writes the networks NIR has nodes for: populations of the neuron models `scn import` generates (NirLif, NirCubaLif, NirLi, NirCubaLi, NirIf, NirIntegrator, NirThreshold, with NIR's reset), connections without a synapse model and with one delay each, replayed spike traces as inputs. The message names the first construct of the network that NIR cannot express.\n\nExample:\n\n    stimulus poisson(rate = 20 Hz, n = 10) -> p.syn { all, weight = 1 A }\n\nFix: replace the construct (a Poisson source by `spikes(load(\"input.csv\"))`), or keep the model in SCN.",
    },
    CodeInfo {
        code: "E0730",
        title: "not supported by native libraries",
        explanation: "`scn build --target native` compiles a network into a shared library that runs without SCN: f64 neuron models (every solver except `rush_larsen`, the exact solver only when its propagators are constant), connections without a synapse model from populations, `poisson(…)`, `encode(…)` and `spikes(load(…))` stimuli, current stimuli. The message names the first construct of the network outside that set.\n\nExample:\n\n    connect exc -> exc.syn { p = 0.1, synapse = stdp(), weight = 1 nA }\n\nFix: replace the construct, or run the network with `scn run`, whose interpreter covers everything.",
    },
    CodeInfo {
        code: "E0731",
        title: "native toolchain unavailable",
        explanation: "A native library needs LLVM (in the `scn` binary: built with `cargo build --features llvm`, which needs llvm-19-dev) and a C compiler `cc` to compile its run-time and link it; one of them is missing or failed, and the message says which.\n\nExample:\n\n    scn build model.scn --target native -o out   # with an scn built without LLVM\n\nFix: rebuild `scn` with `--features llvm`, install gcc, or run the network with `scn run`.",
    },
    CodeInfo {
        code: "E0801",
        title: "cannot read an input file",
        explanation: "A file named on the command line (a model, a trace to replay, a directory to search for `.scn` files) does not exist, cannot be read, or is not UTF-8 text. The message names the file and gives the operating system's reason.\n\nExample:\n\n    scn check modles/lif.scn      # a misspelt directory\n\nFix: correct the path, or re-save the file as UTF-8 (SCN source is UTF-8; the message gives the offset of the first invalid byte).",
    },
    CodeInfo {
        code: "E0802",
        title: "cannot write an output",
        explanation: "`scn` could not create or write an output file or directory (a run's results, a build, an imported model, a formatted file): the place is read-only, on a full disk, or a file stands where a directory is needed. Outputs are staged and renamed at the end, so nothing was written.\n\nExample:\n\n    scn run model.scn -o /proc/out\n\nFix: choose another place with `-o`, or free the space.",
    },
    CodeInfo {
        code: "W0001",
        title: "doc comment documents nothing",
        explanation: "A `///` doc comment must come right before an item or a member; this one \
is followed by the end of a block or of the file, so no documentation tool will see it.\n\n\
Fix: move it before the declaration it describes, or make it a plain `//` comment.",
    },
    CodeInfo {
        code: "W0101",
        title: "unit atom shadows a name",
        explanation: "A number followed by a name on the same line is a quantity when the name is a unit atom, even if a parameter or state has that name. `2 ms*g` is two milliseconds times one gram.\n\nExample:\n\n    param g: conductance = 10 nS\n    let x = 2 g\n\nFix: separate it with an operator and spaces (`2 * g`), or rename the parameter (`g_l`).",
    },
    CodeInfo {
        code: "W0102",
        title: "name shadows a built-in",
        explanation: "A parameter, state or other member has the name of a built-in function or name (`exp`, `t`, `dt`, `index`, …); inside the model the built-in is no longer reachable.\n\nExample:\n\n    param t: time = 5 ms\n\nFix: rename it (`t_ref`).",
    },
    CodeInfo {
        code: "W0301",
        title: "XOR of independent streams",
        explanation: "`a ^ b` computes |p - q| only when both streams come from the same source; for independent streams it computes p + q - 2pq.

Example:

    stream d = a ^ b       // different seeds

Fix: encode both operands from the same source when you want the absolute difference.",
    },
    CodeInfo {
        code: "W0302",
        title: "OR of correlated streams",
        explanation: "`a | b` is a saturating add p + q only for anti-correlated operands; for streams from the same source it computes max(p, q).

Example:

    stream s = a | b       // same seed

Fix: use `a | !b`-style anti-correlated encodings, or a MUX for scaled addition.",
    },
    CodeInfo {
        code: "W0401",
        title: "possible fixed-point overflow",
        explanation: "Under `overflow wrap` or `overflow trap`, an update's interval reaches outside the format, so it may wrap around or trap at run time. The label shows the interval.

Example:

    precision fix<16, 8> overflow wrap scale(voltage = 1 mV)
    on x(w) { v += w }

Fix: bound the state with `in [lo, hi]`, switch to `overflow saturate`, or widen the format.",
    },
    CodeInfo {
        code: "W0402",
        title: "inexact fixed-point constant",
        explanation: "A constant is not on the format's grid and is rounded when quantised.

Example:

    precision fix<8, 2> scale(voltage = 1 mV)
    param v_th: voltage = 0.1 mV     // becomes 0

Fix: add fractional bits or choose a representable value.",
    },
    CodeInfo {
        code: "W0501",
        title: "very large connectivity",
        explanation: "A dense rule over large populations could create more connections than fit in memory.

Example:

    pop a = Lif[1000000]
    connect a -> a.syn { all }

Fix: use a sparse rule such as `p = 0.01` or `indegree = 100`.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_well_formed() {
        for pair in CODES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must come before {}", pair[0].code, pair[1].code);
        }
        for c in CODES {
            assert_eq!(c.code.len(), 5, "{}", c.code);
            assert!(c.code.starts_with('E') || c.code.starts_with('W'), "{}", c.code);
            assert!(c.code[1..].chars().all(|ch| ch.is_ascii_digit()), "{}", c.code);
            assert!(c.explanation.contains("Example") || c.explanation.contains("Fix"), "{}", c.code);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("e0010").map(|c| c.title), Some("unexpected token"));
        assert!(lookup("E9999").is_none());
    }
}
