//! Parser tests: the shape of the tree for every construct, and error recovery.

use super::parse;
use crate::ast::*;

/// A compact rendering of an expression that shows its structure.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => n.clone(),
        ExprKind::Quantity { value, unit } => format!("{value}{unit}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Unary(op, e) => format!("({op:?} {})", sx(e)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), sx(a), sx(b)),
        ExprKind::Compare(a, rest) => {
            let mut s = format!("(cmp {}", sx(a));
            for (op, e) in rest {
                s += &format!(" {} {}", op.symbol(), sx(e));
            }
            s + ")"
        }
        ExprKind::Cast(e, t) => format!("(as {} {:?})", sx(e), std::mem::discriminant(&t.kind)),
        ExprKind::Call(f, args) => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Arg::Positional(e) => sx(e),
                    Arg::Named(n, e) => format!("{}={}", n.name, sx(e)),
                    Arg::Binder(b) => format!("{} in {}", b.name.name, sx(&b.range)),
                })
                .collect();
            format!("{}({})", sx(f), args.join(", "))
        }
        ExprKind::Index(b, i) => format!("{}[{}]", sx(b), sx(i)),
        ExprKind::Field(b, n) => format!("{}.{}", sx(b), n.name),
        ExprKind::If(c, a, b) => format!("(if {} {} {})", sx(c), sx(a), sx(b)),
        ExprKind::Array(v) => format!("[{}]", v.iter().map(sx).collect::<Vec<_>>().join(", ")),
        ExprKind::Range(a, b) => format!("{}..{}", sx(a), sx(b)),
        ExprKind::Paren(e) => format!("{{{}}}", sx(e)),
    }
}

fn clean(src: &str) -> File {
    let p = parse(src);
    assert!(p.diagnostics.is_empty(), "unexpected diagnostics for {src:?}: {:#?}", p.diagnostics);
    p.file
}

/// Parses `const X = <expr>` and renders the expression.
fn expr(src: &str) -> String {
    let f = clean(&format!("const X = {src}"));
    match &f.items[0].kind {
        ItemKind::Const(c) => sx(&c.value),
        other => panic!("not a const: {other:?}"),
    }
}

fn members(src: &str) -> Vec<MemberKind> {
    let f = clean(src);
    match &f.items[0].kind {
        ItemKind::Model(m) => m.body.members.iter().map(|m| m.kind.clone()).collect(),
        ItemKind::Network(n) => n.body.members.iter().map(|m| m.kind.clone()).collect(),
        ItemKind::Property(p) => p.body.members.iter().map(|m| m.kind.clone()).collect(),
        other => panic!("no body: {other:?}"),
    }
}

fn codes(src: &str) -> Vec<&'static str> {
    parse(src).diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn precedence_follows_the_language_table() {
    assert_eq!(expr("a or b and not c < d"), "(or a (and b (Not (cmp c < d))))");
    assert_eq!(expr("a | b ^ c & d << 1 + 2 * 3"), "(| a (^ b (& c (<< d (+ 1 (* 2 3))))))");
    assert_eq!(expr("-65 mV ** 2"), "(Neg (** 65mV 2))");
    assert_eq!(expr("2 ** 3 ** 2"), "(** 2 (** 3 2))");
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("-x as int"), "(as (Neg x) Discriminant(0))");
    assert_eq!(expr("!a & b"), "(& (BitNot a) b)");
}

#[test]
fn comparisons_chain() {
    assert_eq!(expr("0 <= h <= 1"), "(cmp 0 <= h <= 1)");
    assert_eq!(expr("(x as fix<16,8>) < y"), "(cmp {(as x Discriminant(1))} < y)");
}

#[test]
fn quantities_bind_tighter_than_operators() {
    assert_eq!(expr("10 mV/tau"), "(/ 10mV tau)");
    assert_eq!(expr("1 uF/cm^2"), "1uF/cm^2");
    assert_eq!(expr("0.1 ms^-1 * x"), "(* 0.1ms^-1 x)");
    assert_eq!(expr("1 mV / m"), "(/ 1mV m)");
    assert_eq!(expr("20ms + 3 cycles"), "(+ 20ms 3cycles)");
}

#[test]
fn calls_reductions_indices_and_if() {
    assert_eq!(
        expr("sum(i in 0..256, popcount(ws[o][i] & xs[i])) / L"),
        "(/ sum(i in 0..256, popcount((& ws[o][i] xs[i]))) L)"
    );
    assert_eq!(
        expr("encode(p, lfsr16(seed = 0xACE1 + i), length = 256)"),
        "encode(p, lfsr16(seed=(+ 0xACE1 i)), length=256)"
    );
    assert_eq!(expr("if a { 1 } else if b { 2 } else { 3 }"), "(if a 1 (if b 2 3))");
    assert_eq!(expr("exc[0..3].v"), "exc[0..3].v");
    assert_eq!(expr("[1, 2,\n 3]"), "[1, 2, 3]");
    assert_eq!(expr("bernoulli(p, rng = r)"), "bernoulli(p, rng=r)");
}

#[test]
fn lines_continue_after_operators_only() {
    assert_eq!(expr("a +\n  b"), "(+ a b)");
    let codes = codes("const X = a\n  + b\n");
    assert_eq!(codes, ["E0010"]);
    let help = parse("const X = a\n  + b\n").diagnostics[0].help.clone().unwrap();
    assert!(help.contains("binary operator"), "{help}");
}

#[test]
fn neuron_members() {
    let ms = members(
        "neuron N {\n param tau: time = 20 ms in [1 ms, 1 s]\n state v: voltage = -65 mV\n input syn: spike(voltage)\n \
         input i: current = 0 pA\n let x = v * 2\n on syn(w) { v += w }\n dv/dt = (v_rest - v) / tau\n next c = c + 1\n \
         on v > v_th { v = v_reset; emit spike; refractory t_ref clamp v, u }\n invariant v < 0 mV\n solver rk4 substeps 4\n \
         precision fix<16,8> overflow saturate rounding nearest_even scale(voltage = 1 mV, time = 1 ms)\n \
         rng r = lfsr16(seed = 0xACE1 + index)\n}",
    );
    assert_eq!(ms.len(), 13);
    let MemberKind::Decl(d) = &ms[0] else { panic!() };
    assert_eq!((d.kind, d.name.name.as_str()), (DeclKind::Param, "tau"));
    assert!(d.range.is_some());
    let MemberKind::Ode { var, .. } = &ms[6] else { panic!("{:?}", ms[6]) };
    assert_eq!(var.name, "v");
    let MemberKind::On { body, .. } = &ms[8] else { panic!() };
    assert_eq!(body.stmts.len(), 3);
    let StmtKind::Refractory { clamp, .. } = &body.stmts[2].kind else { panic!() };
    assert_eq!(clamp.len(), 2);
    let MemberKind::Precision(p) = &ms[11] else { panic!() };
    assert_eq!(p.overflow.as_ref().unwrap().name, "saturate");
    assert_eq!(p.scale.len(), 2);
}

#[test]
fn channels_compartments_presets() {
    let ms = members(
        "channel NaT {\n gate m: alpha = 1 kHz / exprel(-(v + 40 mV) / 10 mV), beta = 4 kHz\n \
         current g_max * m**3 * h * (v - e_rev)\n param g_max: [mS/cm^2] = 120 mS/cm^2\n}",
    );
    assert!(matches!(&ms[0], MemberKind::Gate { entries, .. } if entries.len() == 2));
    assert!(matches!(&ms[1], MemberKind::Current(_)));
    let MemberKind::Decl(d) = &ms[2] else { panic!() };
    assert!(matches!(&d.ty.as_ref().unwrap().kind, TypeKind::Unit(u) if u.to_string() == "mS/cm^2"));
    let ms = members(
        "neuron P {\n use NaT, Kdr, Leak(e_rev = -54.4 mV)\n compartment soma {\n state v: voltage\n dv/dt = -v / 1 ms\n }\n preset RS { g_m = 0.07 mS/cm^2 }\n}",
    );
    assert!(matches!(&ms[0], MemberKind::Use(u) if u.len() == 3 && u[2].args.len() == 1));
    assert!(matches!(&ms[1], MemberKind::Compartment { body, .. } if body.members.len() == 2));
    assert!(matches!(&ms[2], MemberKind::Preset { entries, .. } if entries.len() == 1));
}

#[test]
fn synapse_handlers() {
    let ms = members(
        "synapse S {\n state w: voltage = 0.5 mV\n on pre { w = clip(w + apost * w_max, 0 mV, w_max); deliver w }\n on post { apost += a_post }\n}",
    );
    let MemberKind::On { trigger, body } = &ms[1] else { panic!() };
    assert_eq!(sx(trigger), "pre");
    assert!(matches!(body.stmts[1].kind, StmtKind::Deliver(_)));
}

#[test]
fn network_members() {
    let ms = members(
        "network Net {\n dt = 0.1 ms\n const L = 1024\n input x: prob[256]\n param w: prob[10][256] = load(\"w.npy\")\n \
         stream xs[i in 0..256] = encode(x[i], lfsr16(seed = 0xACE1 + i), length = L)\n \
         output y[o in 0..10] = sum(i in 0..256, popcount(xs[i])) / L\n \
         pop exc = CubaLif[3200] { v = uniform(-60 mV, -50 mV) }\n \
         pop izh = Izh[800] { let r = uniform(0, 1), c = -65 mV + 15 mV * r**2\n d = 8 mV }\n \
         connect ee = exc -> exc.exc, inh.exc via Stdp(w_max = 1 mV) { p = 0.02, weight = 1.62 mV, delay = 1.5 ms }\n \
         connect inh -> exc.inh { all }\n stimulus go = bits(s) -> n.x { all, weight = 4 mV }\n \
         stimulus poisson(rate = 20 Hz, n = 100) -> exc.syn\n monitor spikes(exc, inh)\n monitor state(exc[0..3].v, every = 1 ms)\n \
         sub a = Other { x = 1 }\n}",
    );
    assert_eq!(ms.len(), 15);
    let MemberKind::Stream { binders, .. } = &ms[4] else { panic!() };
    assert_eq!(binders.len(), 1);
    let MemberKind::Pop { overrides, .. } = &ms[7] else { panic!() };
    assert_eq!(overrides.len(), 3);
    assert!(matches!(overrides[0].kind, EntryKind::Let(..)));
    let MemberKind::Connect { name, targets, via, rules, .. } = &ms[8] else { panic!() };
    assert_eq!(name.as_ref().unwrap().name, "ee");
    assert_eq!(targets.len(), 2);
    assert!(via.is_some());
    assert_eq!(rules.len(), 3);
    let MemberKind::Monitor { kind, args } = &ms[13] else { panic!() };
    assert_eq!((kind.name.as_str(), args.len()), ("state", 2));
}

#[test]
fn property_forms() {
    let ms = members(
        "property p for QNet {\n assert refractory(n) >= 3 cycles @sim, prove\n assert always(n.v <= 127 mV) @sim, bmc(depth = 40)\n \
         assert rate(n) per sliding 64 cycles <= 16 @sim\n assert count(a, b) per tumbling 10 ms < 3\n \
         assert after(active(a, b) >= 2) silent(a) for 5 ms\n assert silent(a) at_most 100 ms\n \
         assert spike(n[0]) within 10 cycles of stimulus(go) @sim\n assert spike(b[0]) preceded_by spike(a[0]) within 5 ms\n \
         assert prob(x) in [0.2, 0.4]\n assume exclusive(a, b)\n cover spike(n[0]) @bmc(depth = 20)\n}",
    );
    let kinds: Vec<&str> = ms
        .iter()
        .map(|m| match m {
            MemberKind::Check(c) => match &c.prop {
                Prop::Expr(_) => "expr",
                Prop::Window { .. } => "window",
                Prop::After { .. } => "after",
                Prop::AtMost { .. } => "at_most",
                Prop::Within { .. } => "within",
                Prop::PrecededBy { .. } => "preceded_by",
                Prop::InRange { .. } => "in",
            },
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        ["expr", "expr", "window", "window", "after", "at_most", "within", "preceded_by", "in", "expr", "expr"]
    );
    let MemberKind::Check(c) = &ms[1] else { panic!() };
    assert_eq!(c.methods.len(), 2);
    assert_eq!(c.methods[1].args.as_ref().unwrap().len(), 1);
}

#[test]
fn items_and_imports() {
    let f = clean(
        "import std.neurons.lif\nimport std.synapses.stdp as stdp\nimport std.neurons.adex.{AdEx, Other}\n\
         const V_TH: voltage = -50 mV\nfn alpha_m(v: voltage) -> frequency = 1 kHz / exprel(-(v + 40 mV) / 10 mV)\n",
    );
    assert_eq!(f.items.len(), 5);
    let ItemKind::Import(i) = &f.items[2].kind else { panic!() };
    assert_eq!(i.names.as_ref().unwrap().len(), 2);
    let ItemKind::Import(i) = &f.items[1].kind else { panic!() };
    assert_eq!(i.alias.as_ref().unwrap().name, "stdp");
}

#[test]
fn types_of_every_form() {
    let ms = members(
        "neuron T {\n state a: fix<16,8>\n state b: ufix<8,8>\n state c: Q8.8\n state d: bits<unipolar, 256>\n state e: count<256>\n state f: bool[4][2]\n state g: [1/ms]\n}",
    );
    let kinds: Vec<String> = ms
        .iter()
        .map(|m| match m {
            MemberKind::Decl(d) => format!("{:?}", std::mem::discriminant(&d.ty.as_ref().unwrap().kind)),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(kinds.len(), 7);
    assert_eq!(kinds[0], kinds[1]);
    assert_ne!(kinds[0], kinds[2]);
}

#[test]
fn doc_comments_attach_and_stray_ones_warn() {
    let p =
        parse("/// A neuron.\n/// Second line.\nneuron A {\n /// The potential.\n state v: voltage\n /// stray\n}\n");
    assert_eq!(p.file.items[0].doc.as_deref(), Some("A neuron.\nSecond line."));
    let ItemKind::Model(m) = &p.file.items[0].kind else { panic!() };
    assert_eq!(m.body.members[0].doc.as_deref(), Some("The potential."));
    assert_eq!(p.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["W0001"]);
}

#[test]
fn errors_cost_one_member_each() {
    let src = "neuron A {\n param a: time 20 ms\n state v: voltage = -65 mV\n on v >= { v = 0 }\n dv/dx = -v / tau\n on x(w) { v += ; v = 1 }\n}\n";
    let p = parse(src);
    assert_eq!(p.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0010", "E0010", "E0013", "E0010"]);
    let ItemKind::Model(m) = &p.file.items[0].kind else { panic!() };
    assert_eq!(m.body.members.len(), 5);
    assert!(matches!(m.body.members[0].kind, MemberKind::Error));
    assert!(matches!(m.body.members[1].kind, MemberKind::Decl(_)));
    let MemberKind::On { body, .. } = &m.body.members[4].kind else { panic!() };
    assert!(matches!(body.stmts[0].kind, StmtKind::Error));
    assert!(matches!(body.stmts[1].kind, StmtKind::Assign { .. }));
}

#[test]
fn lexical_errors_are_reported_once() {
    assert_eq!(codes("const A = 0x\n"), ["E0005"]);
    assert_eq!(codes("const A = 3 $ 4\n"), ["E0001"]);
    assert_eq!(codes("/* never closed\nconst A = 1"), ["E0002"]);
    assert_eq!(codes("const A = load(\"x.csv)\n"), ["E0003"]);
    assert_eq!(codes("neuron A { param g: [mS/cmm^2] }"), ["E0004"]);
    assert_eq!(codes("const A = 99999999999999999999"), ["E0005"]);
}

#[test]
fn delimiter_slips_are_reported_once() {
    assert_eq!(codes("neuron A {\n dv/dt = (a - v / tau\n state v: voltage\n}\n"), ["E0012"]);
    assert_eq!(codes("neuron A {\n state v: voltage\n"), ["E0012"]);
    assert_eq!(codes("neuron A {\n state v: voltage)\n}\n"), ["E0012"]);
}

#[test]
fn bad_targets_and_eof() {
    assert_eq!(codes("neuron A {\n on pre { f(x) = 1 }\n}"), ["E0014"]);
    assert_eq!(codes("const A ="), ["E0011"]);
}

#[test]
fn misspelt_keyword_gets_a_suggestion() {
    let p = parse("nueron A {\n state v: voltage\n}\n");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].help.as_deref(), Some("did you mean the keyword `neuron`?"));
    let p = parse("neuron A {\n param tau: time = 20 msec\n}\n");
    assert_eq!(p.diagnostics[0].help.as_deref(), Some("`msec` is not a unit; did you mean `ms`?"));
}

#[test]
fn never_panics_on_garbage() {
    for src in [
        "",
        "}",
        "{{{{",
        ")))",
        "neuron",
        "neuron {",
        "property p for { assert }",
        "network N { connect -> }",
        "@@@",
        "fix<<<>>>",
        "\"",
        "/*",
        "a\u{0}b",
        "µ",
    ] {
        let _ = parse(src);
    }
}

/// Parses `src` (an input found by `cargo fuzz`, see `fuzz/`), checks what the fuzz target
/// checks (every span forward, within the text, on char boundaries; parsing is deterministic)
/// and returns the diagnostic codes.
fn fuzz_codes(src: &str) -> Vec<&'static str> {
    let p = parse(src);
    for d in &p.diagnostics {
        for span in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= src.len(), "{} has span {span:?} in {src:?}", d.code);
            assert!(src.is_char_boundary(span.start) && src.is_char_boundary(span.end), "{} splits a char", d.code);
        }
    }
    assert_eq!(p.diagnostics, parse(src).diagnostics, "parsing {src:?} twice differs");
    p.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn fuzz_regression_assign_without_target() {
    // An assignment operator that begins a handler statement has no target: it used to be
    // reported as E0014 with a span running backwards (14..13).
    assert_eq!(fuzz_codes("neuron{\non-5{\n=}"), ["E0012", "E0010"]);
    assert_eq!(fuzz_codes("neuron A {\n on x { += 1 }\n}\n"), ["E0010"]);
}

#[test]
fn keywords_as_names_on_continuation_lines() {
    assert_eq!(expr("bernoulli(x,\n    rng = r)"), "bernoulli(x, rng=r)");
    assert_eq!(expr("f(a,\n  state(x))"), "f(a, state(x))");
    let ms = members("channel C {\n current (g) * (v - e)\n}");
    assert!(matches!(ms[0], MemberKind::Current(_)));
    assert_eq!(expr("count < 3"), "(cmp count < 3)");
}

#[test]
fn deep_nesting_is_reported_once_and_stays_fast() {
    let src = format!("const A = {}1{}\nconst B = 2\n", "(".repeat(20_000), ")".repeat(20_000));
    let started = std::time::Instant::now();
    let p = parse(&src);
    assert_eq!(p.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0015"]);
    assert_eq!(p.file.items.len(), 2);
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
}
