//! The network's data for the native library: the large arrays (initial parameters and
//! states, connectivity, weights, delays, rate probabilities, replayed spikes) as constant LLVM globals of the
//! object file, and the small C tables of `runtime.c` that describe populations, stimuli and
//! connections and point at those arrays.

use crate::expr::Unsupported;
use crate::kernel::Declared;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::values::GlobalValue;
use scn_runtime::interp::Simulation;
use scn_runtime::interp::connect::build_projection;
use scn_runtime::ir::{Network, Solver, Source, Window};
use std::fmt::Write as _;

/// `x` as a C double literal that reads back as the same bits (C99 hexadecimal floats).
pub fn c_double(x: f64) -> String {
    if x.is_nan() {
        return "NAN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "INFINITY".into() } else { "-INFINITY".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0 { format!("{sign}0x0.{man:013x}p-1022") } else { format!("{sign}0x1.{man:013x}p{}", exp - 1023) }
}

/// Adds a constant array of 64-bit words named `name` to `module`.
fn global_u64<'ctx>(cx: &'ctx Context, module: &Module<'ctx>, name: &str, data: &[u64]) -> GlobalValue<'ctx> {
    let t = cx.i64_type();
    let values: Vec<_> = data.iter().map(|v| t.const_int(*v, false)).collect();
    let arr = t.const_array(&values);
    let g = module.add_global(t.array_type(data.len() as u32), None, name);
    g.set_initializer(&arr);
    hide(g)
}

/// Adds a constant array of 32-bit words named `name` to `module`.
fn global_u32<'ctx>(cx: &'ctx Context, module: &Module<'ctx>, name: &str, data: &[u32]) -> GlobalValue<'ctx> {
    let t = cx.i32_type();
    let values: Vec<_> = data.iter().map(|v| t.const_int(u64::from(*v), false)).collect();
    let arr = t.const_array(&values);
    let g = module.add_global(t.array_type(data.len() as u32), None, name);
    g.set_initializer(&arr);
    hide(g)
}

fn hide(g: GlobalValue<'_>) -> GlobalValue<'_> {
    g.set_constant(true);
    g.set_linkage(Linkage::External);
    g.set_visibility(inkwell::GlobalVisibility::Hidden);
    g
}

fn window(w: &Window) -> String {
    format!("{{{}ULL, {}ULL}}", w.start, w.stop)
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Adds the arrays of `net` (in the state `sim` was built with) to `module` and returns the C
/// tables that describe the network to `runtime.c`; `kernels` gives each population's kernels.
pub fn emit<'ctx>(
    cx: &'ctx Context,
    module: &Module<'ctx>,
    net: &Network,
    sim: &Simulation<'_>,
    name: &str,
    kernels: &[Declared],
) -> Result<String, Unsupported> {
    let mut c = String::new();
    let max_locals = net.models.iter().map(|m| m.locals as usize).max().unwrap_or(0).max(1);
    let _ = writeln!(c, "#define SCN_POPS {}", net.populations.len());
    let _ = writeln!(c, "#define SCN_PROJS {}", net.projections.len());
    let _ = writeln!(c, "#define SCN_CURRENTS {}", net.currents.len());
    let _ = writeln!(c, "#define SCN_LOCALS {max_locals}");
    let _ = writeln!(c, "#define SCN_SEED {}ULL", net.seed);
    let _ = writeln!(c, "#define SCN_DT ({})", c_double(net.dt));
    let _ = writeln!(c, "#define SCN_API __attribute__((visibility(\"default\")))");
    for (f, suffix) in [("INIT", "init"), ("STEP", "step"), ("READ_SPIKES", "read_spikes"), ("FREE", "free")] {
        let _ = writeln!(c, "#define SCN_{f} scn_{name}_{suffix}");
    }
    let mut pops = Vec::new();
    let mut entity = 0u64;
    for (pi, p) in net.populations.iter().enumerate() {
        let m = &net.models[p.model];
        let k = &kernels[pi];
        let (np, ns) = (m.params.len(), m.states.len());
        let size = p.size as usize;
        let params = sim.params(pi).to_vec();
        // Slot-major, as the kernels address states.
        let states: Vec<f64> = (0..ns)
            .flat_map(|s| (0..size).map(move |i| (i, s)))
            .map(|(i, s)| sim.state(pi, i as u64, s as u16))
            .collect();
        if params.len() != size * np {
            return Err(Unsupported(format!("population `{}` has no f64 parameters", p.name)));
        }
        let (gp, gs) = (format!("scn_{name}_p{pi}_params"), format!("scn_{name}_p{pi}_states"));
        global_u64(cx, module, &gp, &bits(&params));
        global_u64(cx, module, &gs, &bits(&states));
        let defaults: Vec<String> =
            m.inputs.iter().map(|port| c_double(if port.spike { 0.0 } else { port.default })).collect();
        let gd = format!("scn_{name}_p{pi}_defaults");
        let _ = writeln!(c, "static const double {gd}[{}] = {{{}}};", defaults.len() + 1, {
            let mut d = defaults.clone();
            d.push("0".into());
            d.join(", ")
        });
        let _ = writeln!(c, "extern const uint64_t {gp}[], {gs}[];");
        let _ = writeln!(c, "int64_t {}(const kernel_args *);", k.integrate);
        let _ = writeln!(c, "int64_t {}(const kernel_args *);", k.conditions);
        for f in [&k.handlers, &k.fused].into_iter().flatten() {
            let _ = writeln!(c, "int64_t {f}(const kernel_args *);");
        }
        let exact_n = if m.solver == Solver::Exact { m.odes.len() } else { 0 };
        pops.push(format!(
            "{{{size}ULL, {np}, {ns}, {}, {}, {exact_n}, {entity}ULL, {gp}, {gs}, {gd}, {}, {}, {}, {}}}",
            m.inputs.len(),
            m.conditions.len(),
            k.integrate,
            k.conditions,
            k.handlers.as_deref().unwrap_or("NULL"),
            k.fused.as_deref().unwrap_or("NULL")
        ));
        entity += p.size;
    }
    pops.push("{0}".into());
    let _ = writeln!(c, "static const pop_table scn_net_pops[SCN_POPS + 1] = {{\n    {}\n}};", pops.join(",\n    "));
    let mut currents: Vec<String> = net
        .currents
        .iter()
        .map(|cur| format!("{{{}, {}, {}, {}}}", cur.target, cur.port, c_double(cur.amplitude), window(&cur.window)))
        .collect();
    currents.push("{0}".into());
    let _ = writeln!(
        c,
        "static const current_table scn_net_currents[SCN_CURRENTS + 1] = {{\n    {}\n}};",
        currents.join(",\n    ")
    );
    let mut projs = Vec::new();
    for (k, pr) in net.projections.iter().enumerate() {
        let csr = build_projection(net, k, pr);
        let slots = csr.delay.iter().copied().max().unwrap_or(0) as u64 + 1;
        let g = |what: &str| format!("scn_{name}_c{k}_{what}");
        global_u64(cx, module, &g("offsets"), &csr.offsets);
        global_u32(cx, module, &g("targets"), &csr.target);
        global_u64(cx, module, &g("weights"), &bits(&csr.weight));
        global_u32(cx, module, &g("delays"), &csr.delay);
        let _ = writeln!(c, "extern const uint64_t {}[], {}[];", g("offsets"), g("weights"));
        let _ = writeln!(c, "extern const uint32_t {}[], {}[];", g("targets"), g("delays"));
        let null = || "NULL".to_string();
        let (kind, source, n, p, rate_p, replay, when, src_entity) = match &pr.source {
            Source::Population(s) => ("SRC_POPULATION", *s as u64, 0, 0.0, null(), (null(), 0), Window::ALWAYS, 0),
            Source::Poisson { rate, n, window } => {
                let e = entity;
                entity += n;
                ("SRC_POISSON", 0, *n, rate * net.dt, null(), (null(), 0), *window, e)
            }
            Source::Rate { p, window } => {
                let e = entity;
                entity += p.len() as u64;
                global_u64(cx, module, &g("rate_p"), &bits(p));
                let _ = writeln!(c, "extern const uint64_t {}[];", g("rate_p"));
                ("SRC_RATE", 0, p.len() as u64, 0.0, g("rate_p"), (null(), 0), *window, e)
            }
            Source::Replay { n, spikes } => {
                let flat: Vec<u64> = spikes.iter().flat_map(|&(step, i)| [step, i]).collect();
                global_u64(cx, module, &g("replay"), &flat);
                let _ = writeln!(c, "extern const uint64_t {}[];", g("replay"));
                ("SRC_REPLAY", 0, *n, 0.0, null(), (g("replay"), spikes.len()), Window::ALWAYS, 0)
            }
            other => return Err(Unsupported(format!("source {other:?}"))),
        };
        projs.push(format!(
            "{{{kind}, {source}, {n}ULL, {}, {rate_p}, {}, {}ULL, {}, {src_entity}ULL, {}, {}, {}, {}, {}, {}, {slots}ULL}}",
            c_double(p),
            replay.0,
            replay.1,
            window(&when),
            pr.target,
            pr.port,
            g("offsets"),
            g("targets"),
            g("weights"),
            g("delays"),
        ));
    }
    projs.push("{0}".into());
    let _ =
        writeln!(c, "static const proj_table scn_net_projs[SCN_PROJS + 1] = {{\n    {}\n}};", projs.join(",\n    "));
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::c_double;

    #[test]
    fn doubles_are_written_exactly() {
        assert_eq!(c_double(1.0), "0x1.0000000000000p0");
        assert_eq!(c_double(-0.5), "-0x1.0000000000000p-1");
        assert_eq!(c_double(-0.0), "-0.0");
        assert_eq!(c_double(0.0), "0.0");
        assert_eq!(c_double(f64::MIN_POSITIVE / 2.0), "0x0.8000000000000p-1022");
        assert_eq!(c_double(0.1), "0x1.999999999999ap-4");
        assert_eq!(c_double(f64::NEG_INFINITY), "-INFINITY");
    }
}
