//! The typed side tables: every expression's type and every name's declaration.

use scn_diagnostics::Span;

const SRC: &str = "neuron Lif {
    param tau_m: time = 20 ms
    param v_rest: voltage = -65 mV
    state v: voltage = -65 mV
    dv/dt = (v_rest - v) / tau_m
}
";

fn span_of(needle: &str, nth: usize) -> Span {
    let start = SRC.match_indices(needle).nth(nth).unwrap().0;
    Span::new(start, start + needle.len())
}

#[test]
fn names_resolve_to_their_declarations() {
    let a = scn_sema::check_source("lif.scn", SRC.to_string(), None, &scn_sema::Disk);
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    // The `v` inside the ODE (the fourth `v` token that stands alone is easiest found by text).
    let rhs = SRC.find("(v_rest - v)").unwrap();
    let use_v = Span::new(rhs + 10, rhs + 11);
    let decl_v = span_of("v: voltage", 0);
    assert_eq!(a.definition_of(0, use_v), Some((0, Span::new(decl_v.start, decl_v.start + 1))));
    let use_tau = Span::new(SRC.rfind("tau_m").unwrap(), SRC.rfind("tau_m").unwrap() + 5);
    assert_eq!(a.definition_of(0, use_tau), Some((0, span_of("tau_m", 0))));
}

#[test]
fn expressions_have_dimensions() {
    let a = scn_sema::check_source("lif.scn", SRC.to_string(), None, &scn_sema::Disk);
    let rhs_start = SRC.find("(v_rest - v) / tau_m").unwrap();
    let rhs = Span::new(rhs_start, rhs_start + "(v_rest - v) / tau_m".len());
    assert_eq!(a.type_at(0, rhs).map(ToString::to_string).as_deref(), Some("voltage/time"));
    let diff = Span::new(rhs_start + 1, rhs_start + 11);
    assert_eq!(a.type_at(0, diff).map(ToString::to_string).as_deref(), Some("voltage"));
}
