//! A whole network as a design: one module per neuron model and parameter vector, and a top
//! module with the stream sources, the direct interconnect (per-connection weights from a
//! memory, per-projection delays as shift registers, saturating port sums in the
//! interpreter's order), the instances and the traced outputs.

use crate::arith::{Arith, Fmt};
use crate::builder::{ModuleBuilder, konst, signed_width};
use crate::error::HwError;
use crate::ir::{Design, NetId, Value, mask};
use crate::neuron::{NeuronPorts, check_model, lower_neuron, state_width, uses_index};
use crate::sc::{ScLower, SourceInfo};
use crate::trace::{OutputLayout, PopLayout, StateLayout, TraceLayout};
use scn_runtime::fixed::requantize_f64;
use scn_runtime::interp::connect::build_projection;
use scn_runtime::interp::fixed_eval::{FFrame, FVal, Phase, Quant, feval};
use scn_runtime::ir::{Expr, FixedModel, Model, Network, Population, Source};
use std::collections::BTreeMap;

/// Most neurons the lowering builds (each is an instance with its own registers).
pub const MAX_NEURONS: u64 = 4096;
/// Most connections the lowering builds (each is a weight word and an adder).
pub const MAX_CONNECTIONS: usize = 65536;

/// A lowered network: the design, what the testbench traces, and every seeded source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowered {
    /// The modules.
    pub design: Design,
    /// The top module's traced ports.
    pub layout: TraceLayout,
    /// Every LFSR/Sobol/Halton source with its seed.
    pub sources: Vec<SourceInfo>,
}

/// Parameters and initial states of element `i` (as the interpreter builds them).
fn element_values(
    net: &Network,
    m: &Model,
    fx: &FixedModel,
    p: &Population,
    i: usize,
) -> Result<(Vec<i128>, Vec<i128>), HwError> {
    let q = Quant::new(&fx.spec, net.seed, 0, 0, Phase::Build);
    let nlocals = p.override_lets.iter().map(|(l, _)| *l as usize + 1).max().unwrap_or(0).max(1);
    let mut locals = vec![FVal::Int(0); nlocals];
    let mut params = vec![0i128; m.params.len()];
    let mut states = vec![0i128; m.states.len()];
    let fail = |e| HwError::unsupported(&p.name, &format!("an initial value that fails to evaluate ({e})"));
    let eval = |params: &[i128], states: &[i128], locals: &[FVal], e: &Expr| {
        let f = FFrame {
            params,
            int_params: &fx.int_params,
            states,
            int_states: &fx.int_states,
            inputs: &[],
            locals,
            index: i as u64,
            q: &q,
        };
        feval(e, &f)
    };
    for (l, e) in &p.override_lets {
        locals[*l as usize] = eval(&params, &states, &locals, e).map_err(fail)?;
    }
    for k in 0..params.len() {
        let e = p.param_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.param_init[k], |(_, e)| e);
        let v = eval(&params, &states, &locals, e).map_err(fail)?;
        params[k] = if fx.int_params[k] { q.to_int(v) } else { q.to_fix(v) }.map_err(fail)?;
    }
    for k in 0..states.len() {
        let e = p.state_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.state_init[k], |(_, e)| e);
        let v = eval(&params, &states, &locals, e).map_err(fail)?;
        states[k] = if fx.int_states[k] { q.to_int(v) } else { q.to_fix(v) }.map_err(fail)?;
    }
    Ok((params, states))
}

fn check_network(net: &Network) -> Result<(), HwError> {
    // A floating-point model is the most basic refusal: say so before any construct-level one.
    if let Some(m) = net.populations.iter().map(|p| &net.models[p.model]).find(|m| m.fixed.is_none()) {
        return Err(HwError::needs_precision(&m.name));
    }
    if !net.currents.is_empty() {
        return Err(HwError::unsupported(&net.name, "a current stimulus"));
    }
    let neurons: u64 = net.populations.iter().map(|p| p.size).sum();
    if neurons > MAX_NEURONS {
        return Err(HwError::too_large(
            &net.name,
            format!("{neurons} neurons exceed the hardware lowering's budget of {MAX_NEURONS}"),
        ));
    }
    for p in &net.populations {
        check_model(&net.models[p.model])?;
    }
    for pr in &net.projections {
        if pr.synapse.is_some() {
            return Err(HwError::unsupported(&pr.name, "a projection through a synapse model"));
        }
        match pr.source {
            Source::Poisson { .. } => {
                return Err(HwError::unsupported(
                    &pr.name,
                    "a Poisson source (hardware draws only from declared LFSR/Sobol sources; use `bits(encode(…))`)",
                ));
            }
            Source::Replay { .. } => return Err(HwError::unsupported(&pr.name, "a replayed spike trace")),
            Source::Rate { .. } => {
                return Err(HwError::unsupported(
                    &pr.name,
                    "a rate-coded spike source (it draws like a Poisson source)",
                ));
            }
            Source::Population(_) | Source::Stream { .. } => {}
        }
    }
    Ok(())
}

/// A weight arriving at a port: (projection, connection) for the order, arrival bit, weight.
type Arrival = ((usize, usize), Value, Value);

struct Instance {
    inst: usize,
    spike: Value,
    states: Vec<Value>,
    ports: usize,
}

/// Lowers a network (already checked and lowered to the runtime IR) to a hardware design.
pub fn lower_network(net: &Network) -> Result<Lowered, HwError> {
    check_network(net)?;
    let mut design = Design::default();
    let mut variants: BTreeMap<(usize, Vec<i128>, Option<u64>), usize> = BTreeMap::new();
    let mut iface: Vec<NeuronPorts> = Vec::new();
    let mut per_model_count: BTreeMap<usize, usize> = BTreeMap::new();
    let mut top = ModuleBuilder::new(&net.name, &format!("network {} (one clock cycle = one step)", net.name));
    let mut sc = ScLower::new(&net.sc, &mut top);
    // Populations: one instance per neuron.
    let mut pops: Vec<Vec<Instance>> = Vec::new();
    for p in &net.populations {
        let m = &net.models[p.model];
        let fx = m.fixed.as_ref().ok_or_else(|| HwError::needs_precision(&m.name))?;
        let by_index = uses_index(m);
        let mut insts = Vec::with_capacity(p.size as usize);
        for i in 0..p.size as usize {
            let (params, states) = element_values(net, m, fx, p, i)?;
            let key = (p.model, params.clone(), by_index.then_some(i as u64));
            let module = match variants.get(&key) {
                Some(&k) => k,
                None => {
                    let n = per_model_count.entry(p.model).or_insert(0);
                    let name = if *n == 0 { m.name.clone() } else { format!("{}_v{n}", m.name) };
                    *n += 1;
                    let el = crate::neuron::Element { params: &params, index: i as u64 };
                    let (module, ports) = lower_neuron(m, &el, net.dt, &name)?;
                    design.modules.push(module);
                    iface.push(ports);
                    variants.insert(key, design.modules.len() - 1);
                    design.modules.len() - 1
                }
            };
            let ports = &iface[module];
            let mut inputs: Vec<(String, Value)> = Vec::new();
            for (s, name, w) in &ports.inits {
                inputs.push((name.clone(), konst(*w, states[*s as usize])));
            }
            for (_, hit, sum) in &ports.handlers {
                inputs.push((hit.clone(), konst(1, 0)));
                inputs.push((sum.clone(), konst(fx.spec.width, 0)));
            }
            let mut outs = vec![("spike".to_string(), 1)];
            outs.extend(ports.states.iter().map(|(_, n, w)| (n.clone(), *w)));
            let inst = top.instance_count();
            let vals = top.instance(&format!("{}_{i}", p.name), module, inputs, &outs);
            insts.push(Instance { inst, spike: vals[0], states: vals[1..].to_vec(), ports: module });
        }
        pops.push(insts);
    }
    // Projections: arrivals per (population, neuron, port), in projection then connection order.
    let mut arrivals: BTreeMap<(usize, usize, u16), Vec<Arrival>> = BTreeMap::new();
    let mut delayed: BTreeMap<(Value, u32), Value> = BTreeMap::new();
    let mut connections = 0usize;
    for (k, pr) in net.projections.iter().enumerate() {
        let csr = build_projection(net, k, pr);
        connections += csr.target.len();
        if connections > MAX_CONNECTIONS {
            return Err(HwError::too_large(
                &pr.name,
                format!("more than {MAX_CONNECTIONS} connections exceed the hardware lowering's budget"),
            ));
        }
        let tm = &net.models[net.populations[pr.target].model];
        let Some(fx) = tm.fixed.as_ref() else { return Err(HwError::needs_precision(&tm.name)) };
        let fmt = fx.spec.format();
        let words: Result<Vec<u128>, HwError> = csr
            .weight
            .iter()
            .map(|&w| {
                requantize_f64(w, fmt, fx.spec.rounding, fx.spec.overflow, 0)
                    .map(|v| (v.raw() as u128) & mask(fx.spec.width))
                    .map_err(|e| {
                        HwError::unsupported(&pr.name, &format!("a weight that does not fit the format ({e:?})"))
                    })
            })
            .collect();
        let mem = top.memory(&format!("w_{}", pr.name), fx.spec.width, words?);
        let aw = signed_width(0, csr.target.len() as i128).max(1);
        let sources = csr.offsets.len().saturating_sub(1);
        for src in 0..sources {
            let bit = match pr.source {
                Source::Population(sp) => pops[sp].get(src).map_or(konst(1, 0), |x| x.spike),
                Source::Stream { stream, .. } => sc.stream(&mut top, stream, src)?,
                _ => unreachable!("refused by check_network"),
            };
            for c in csr.offsets[src] as usize..csr.offsets[src + 1] as usize {
                let d = csr.delay[c];
                let arrive = delay(&mut top, &mut delayed, bit, d);
                let w = top.mem_read(&format!("w_{}_{c}", pr.name), mem, konst(aw, c as i128));
                arrivals.entry((pr.target, csr.target[c] as usize, pr.port)).or_default().push((
                    c_order(k, c),
                    arrive,
                    w,
                ));
            }
        }
    }
    // Port sums: exact additions, the target's overflow mode after each one.
    for ((pop, j, port), list) in &mut arrivals {
        list.sort_by_key(|(order, _, _)| *order);
        let m = &net.models[net.populations[*pop].model];
        let Some(fx) = m.fixed.as_ref() else { continue };
        let inst = &pops[*pop][*j];
        let Some((_, hit_name, sum_name)) = iface[inst.ports].handlers.iter().find(|(p, _, _)| p == port).cloned()
        else {
            continue;
        };
        let fmt = Fmt::new(&fx.spec);
        let mut sum = konst(fx.spec.width, 0);
        let mut hit = konst(1, 0);
        for &(_, arrive, w) in list.iter() {
            let cand = if sum == konst(fx.spec.width, 0) {
                // The first arriving weight is already a value of the format.
                w
            } else {
                let mut a = Arith { b: &mut top, fmt };
                let (x, y) = (a.from_storage(sum), a.from_storage(w));
                let exact = a.exact_addsub(x, y, false);
                a.requant(exact)
            };
            sum = top.mux("port_sum", arrive, cand, sum);
            hit = top.or("port_hit", hit, arrive);
        }
        top.connect(inst.inst, &hit_name, hit);
        top.connect(inst.inst, &sum_name, sum);
    }
    // Traced outputs.
    let mut layout = TraceLayout { network: net.name.clone(), frame: net.sc.length, ..TraceLayout::default() };
    for (pi, p) in net.populations.iter().enumerate() {
        let m = &net.models[p.model];
        let fx = m.fixed.as_ref().expect("checked");
        let spikes: Vec<Value> = pops[pi].iter().rev().map(|x| x.spike).collect();
        let port = format!("spikes_{}", p.name);
        let v = concat(&mut top, &port, spikes);
        top.output(&port, v);
        let spike_port = top.module().outputs.last().map(|o| o.name.clone()).unwrap_or_default();
        let mut states = Vec::new();
        for (s, sname) in m.states.iter().enumerate() {
            let vals: Vec<Value> = pops[pi].iter().rev().map(|x| x.states[s]).collect();
            let port = format!("{}_{sname}", p.name);
            let v = concat(&mut top, &port, vals);
            top.output(&port, v);
            let name = top.module().outputs.last().map(|o| o.name.clone()).unwrap_or_default();
            states.push(StateLayout {
                name: sname.clone(),
                port: name,
                width: state_width(fx, s),
                signed: fx.int_states[s] || fx.spec.signed,
                frac: if fx.int_states[s] { 0 } else { fx.spec.frac },
            });
        }
        layout.pops.push(PopLayout { name: p.name.clone(), size: p.size, spike_port, states });
    }
    for o in &net.sc.outputs {
        let n = scn_runtime::interp::sc::elements(&o.dims);
        let mut ports = Vec::with_capacity(n);
        let mut den = 1;
        let mut width = 1;
        let mut rats = Vec::with_capacity(n);
        for e in 0..n {
            let mut env = scn_runtime::interp::sc::unflatten(&o.dims, e);
            let r = sc.output(&mut top, &o.value, &mut env)?;
            den = lcm(den, r.den);
            rats.push(r);
        }
        let mut scaled = Vec::with_capacity(n);
        for r in rats {
            let k = den / r.den;
            let (lo, hi) = (r.lo * k, r.hi * k);
            let w = signed_width(lo.min(hi), lo.max(hi));
            width = width.max(w);
            let x = top.sext("out", r.num, w);
            let v = if k == 1 { x } else { top.mul("out_scale", x, konst(w, k)) };
            scaled.push(v);
        }
        for (e, v) in scaled.into_iter().enumerate() {
            let v = top.sext("out", v, width);
            top.output(&format!("out_{}_{e}", o.name), v);
            ports.push(top.module().outputs.last().map(|o| o.name.clone()).unwrap_or_default());
        }
        layout.outputs.push(OutputLayout { name: o.name.clone(), ports, width, den });
    }
    if !net.sc.outputs.is_empty() {
        let last = sc.frame_last();
        top.output("frame_last", last);
        layout.frame_port = top.module().outputs.last().map(|o| o.name.clone());
    }
    let sources = sc.sources.clone();
    design.modules.push(top.finish());
    for m in &mut design.modules {
        crate::prune::prune(m);
    }
    debug_assert_eq!(crate::validate::validate(&design), Ok(()), "the lowering builds well-formed designs");
    design.top = design.modules.len() - 1;
    Ok(Lowered { design, layout, sources })
}

fn c_order(k: usize, c: usize) -> (usize, usize) {
    (k, c)
}

fn lcm(a: i128, b: i128) -> i128 {
    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    a / gcd(a, b) * b
}

fn concat(b: &mut ModuleBuilder, name: &str, parts: Vec<Value>) -> Value {
    if parts.len() == 1 {
        return parts[0];
    }
    let w = parts.iter().map(|&p| b.width(p)).sum();
    b.wire(&format!("{name}_bus"), w, crate::ir::Op::Concat(parts))
}

/// `bit` delayed by `d` cycles (a shift register, shared by every connection that needs it).
fn delay(b: &mut ModuleBuilder, memo: &mut BTreeMap<(Value, u32), Value>, bit: Value, d: u32) -> Value {
    if d == 0 {
        return bit;
    }
    if let Some(v) = memo.get(&(bit, d)) {
        return *v;
    }
    let prev = delay(b, memo, bit, d - 1);
    let r: NetId = b.reg(&format!("delay{d}"), 1, konst(1, 0));
    b.set_next(r, prev);
    memo.insert((bit, d), Value::Net(r));
    Value::Net(r)
}
