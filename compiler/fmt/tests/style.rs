//! The canonical style of `docs/style.md`, one decision per test. Every input is also checked
//! for idempotency, for the round trip and for keeping its comments.

mod common;

use scn_fmt::format_source;

/// Formats `src`, checking the invariants every formatting must keep.
fn fmt(src: &str) -> String {
    let out = format_source(src).unwrap_or_else(|d| panic!("syntax errors: {d:?}"));
    assert_eq!(format_source(&out).unwrap(), out, "not idempotent:\n{out}");
    let (before, after) = (scn_grammar::parse(src), scn_grammar::parse(&out));
    assert_eq!(common::tree(&before.file), common::tree(&after.file), "the tree changed:\n{out}");
    assert_eq!(before.comments.len(), after.comments.len(), "comment count changed:\n{out}");
    // Doc comments are printed from the tree (`///x` becomes `/// x`); others are kept verbatim.
    let texts = |p: &scn_grammar::Parsed, s: &str| {
        let mut v: Vec<String> = p
            .comments
            .iter()
            .filter(|c| c.kind != scn_grammar::lexer::CommentKind::Doc)
            .map(|c| s[c.span.range()].trim_end().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(texts(&before, src), texts(&after, &out), "comments changed:\n{out}");
    out
}

fn neuron(body: &str) -> String {
    format!("neuron N {{\n{body}}}\n")
}

#[test]
fn quantities_operators_and_numbers() {
    assert_eq!(
        fmt("const A = 20ms+1 uF/cm^2 *m ** 3 - -x\nconst B = [0xACE1,1_000 , 1e-3,0b1010]\n"),
        "const A = 20 ms + 1 uF/cm^2 * m**3 - -x\nconst B = [0xACE1, 1_000, 1e-3, 0b1010]\n"
    );
    assert_eq!(fmt("const C = not(a)and b<=c<d or !x\n"), "const C = not (a) and b <= c < d or !x\n");
    assert_eq!(fmt("const D = x[0..3]. v as fix<16,8>\n"), "const D = x[0..3].v as fix<16, 8>\n");
    assert_eq!(
        fmt("const E = if a{b}else{ if c {d} else {e} }\n"),
        "const E = if a { b } else if c { d } else { e }\n"
    );
}

#[test]
fn parentheses_are_kept_as_written() {
    assert_eq!(fmt("const A = ((a + b)) * (c)\n"), "const A = ((a + b)) * (c)\n");
}

#[test]
fn types() {
    assert_eq!(
        fmt("fn f(a:[1/ms], b : bits<unipolar,L>, c: Q8.8, d: prob[4][16], e: spike(voltage)) -> ufix<8,8> = a\n"),
        "fn f(a: [1/ms], b: bits<unipolar, L>, c: Q8.8, d: prob[4][16], e: spike(voltage)) -> ufix<8, 8> = a\n"
    );
}

#[test]
fn handler_blocks_stay_on_one_line_when_they_fit() {
    let src = neuron("    on v >= v_th {\n        v = v_reset\n        emit spike; refractory t_ref clamp v\n    }\n");
    assert_eq!(fmt(&src), neuron("    on v >= v_th { v = v_reset; emit spike; refractory t_ref clamp v }\n"));
    assert_eq!(fmt(&neuron("    on x(w) {  }\n")), neuron("    on x(w) {}\n"));
}

#[test]
fn handler_blocks_break_when_too_long_or_nested() {
    let long = "a_rather_long_state_name = another_long_name + yet_another_long_name * a_third_name";
    let src = neuron(&format!("    on pre {{ {long}; deliver w }}\n"));
    assert_eq!(fmt(&src), neuron(&format!("    on pre {{\n        {long}\n        deliver w\n    }}\n")));
    let src = neuron("    on pre { if p { deliver w } else if q { w = 0 } else { w = 1 } }\n");
    let expected = "    on pre {\n        if p {\n            deliver w\n        } else if q {\n            w = 0\n        } else {\n            w = 1\n        }\n    }\n";
    assert_eq!(fmt(&src), neuron(expected));
}

#[test]
fn entry_blocks_are_one_line_or_one_entry_per_line() {
    let net = |body: &str| format!("network Net {{\n{body}}}\n");
    assert_eq!(
        fmt(&net("    connect ee = exc -> exc.exc, inh.exc {\n        p = 0.02\n        weight = 1.62 mV\n    }\n")),
        net("    connect ee = exc -> exc.exc, inh.exc { p = 0.02, weight = 1.62 mV }\n")
    );
    let long = "    pop exc = Lif[n_e] { tau_m = tau, v_rest = 0 mV, v_reset = 10 mV, v_th = theta, t_ref = 2 ms, v = 0 mV }\n";
    assert_eq!(
        fmt(&net(long)),
        net(
            "    pop exc = Lif[n_e] {\n        tau_m = tau,\n        v_rest = 0 mV,\n        v_reset = 10 mV,\n        v_th = theta,\n        t_ref = 2 ms,\n        v = 0 mV,\n    }\n"
        )
    );
    assert_eq!(fmt(&neuron("    preset RS {}\n")), neuron("    preset RS {}\n"));
}

#[test]
fn long_argument_lists_break_one_per_line() {
    let src =
        "const W = encode(w[o][i], lfsr16(seed = 0xBEEF + 13 * (o * 256 + i)), length = L, extra = some_long_name)\n";
    assert_eq!(
        fmt(src),
        "const W = encode(\n    w[o][i],\n    lfsr16(seed = 0xBEEF + 13 * (o * 256 + i)),\n    length = L,\n    extra = some_long_name,\n)\n"
    );
}

#[test]
fn argument_lists_never_break_before_a_keyword_name() {
    // A line break before `rng` inside the parentheses would end the member there.
    let long = "x".repeat(80);
    let src = format!("neuron N {{\n    on bernoulli({long}, rng = r) {{ emit spike }}\n}}\n");
    assert!(fmt(&src).contains(&format!("on bernoulli({long}, rng = r) {{")));
}

#[test]
fn arrays_written_over_several_lines_keep_their_rows() {
    let src = "const X = [\n    0.1, 0.9,\n    0.1, 0.9\n]\nconst Y = [1, 2,\n3]\n";
    assert_eq!(fmt(src), "const X = [\n    0.1, 0.9,\n    0.1, 0.9,\n]\nconst Y = [\n    1, 2,\n    3,\n]\n");
}

#[test]
fn members_one_per_line_and_blank_lines_collapse() {
    let src = "neuron N {\n\n    param a = 1; param b = 2\n\n\n\n    state v = 0 mV\n\n}\n";
    assert_eq!(fmt(src), "neuron N {\n    param a = 1\n    param b = 2\n\n    state v = 0 mV\n}\n");
}

#[test]
fn items_are_separated_by_one_blank_line() {
    let src = "neuron A {}\nneuron B {}\n\n\n\nnetwork C {}\n";
    assert_eq!(fmt(src), "neuron A {}\n\nneuron B {}\n\nnetwork C {}\n");
    // Declarations keep the author's grouping.
    let src = "import a.b\nimport c.{D, E}\n\nconst X = 1\nconst Y = 2\nfn f(x: int) -> int = x\nneuron N {}\n";
    assert_eq!(
        fmt(src),
        "import a.b\nimport c.{D, E}\n\nconst X = 1\nconst Y = 2\nfn f(x: int) -> int = x\n\nneuron N {}\n"
    );
}

#[test]
fn check_methods_align_in_a_run() {
    let src = "property p for Q {\n    assert always(n.v <= 127 mV) @sim, bmc(depth = 40)\n    cover spike(n[0])      @sim\n\n    assert x @static\n}\n";
    assert_eq!(
        fmt(src),
        "property p for Q {\n    assert always(n.v <= 127 mV) @sim, bmc(depth = 40)\n    cover spike(n[0])            @sim\n\n    assert x @static\n}\n"
    );
    let forms = "property p for Q {\n    assert rate(n) per sliding 64 cycles <= 16 @sim\n    assert after(active(a) >= 3) silent(b) for 2 cycles\n    assert silent(a, b) at_most 256 cycles\n    assert spike(b[0]) preceded_by stimulus(hold) within 8 cycles\n    assert spike(n[0]) within 10 cycles of stimulus(go)\n    assert prob(z) in [0, 1]\n}\n";
    assert_eq!(fmt(forms), forms);
}

#[test]
fn doc_comments_print_from_the_tree() {
    let src = "///Doc of A.\n///\n///  indented\nneuron A {\n    ///x\n    param p = 1\n}\n";
    assert_eq!(fmt(src), "/// Doc of A.\n///\n///  indented\nneuron A {\n    /// x\n    param p = 1\n}\n");
}

#[test]
fn comments_stay_where_they_were() {
    let src = "\
// header comment

/* block header */
import std.a.b   // trailing on import
const A = 1 /* inline */ + 2 // why
/// doc of B
const B: voltage = 3 mV
// leading comment for N

/// Neuron doc.
neuron N { // after open
    // first member comment
    param a: time = 1 ms // trailing a


    /// doc of b
    param b = f(1, // inside args
        2)
    on y {
        // leading statement
        v = 1 // trailing statement
        if a > b { // after if open
            v = 2
        }

        // end of block
    }
    compartment soma {
        state v = 0 mV
        // end of compartment
    }
    // end of neuron
}
network Net {
    pop p = N[10] { // after entry open
        a = 2 ms, // trailing entry
        // leading entry
        b = 3
        // end of entries
    }
    pop q = N[1] { v = 1 }  // trailing after block
}
// end of file
";
    let expected = "\
// header comment

/* block header */
import std.a.b // trailing on import
const A = 1 + 2 /* inline */ // why
/// doc of B
const B: voltage = 3 mV

// leading comment for N

/// Neuron doc.
neuron N { // after open
    // first member comment
    param a: time = 1 ms // trailing a

    /// doc of b
    param b = f(1, 2) // inside args
    on y {
        // leading statement
        v = 1 // trailing statement
        if a > b { // after if open
            v = 2
        }

        // end of block
    }
    compartment soma {
        state v = 0 mV
        // end of compartment
    }
    // end of neuron
}

network Net {
    pop p = N[10] { // after entry open
        a = 2 ms, // trailing entry
        // leading entry
        b = 3,
        // end of entries
    }
    pop q = N[1] { v = 1 } // trailing after block
}
// end of file
";
    assert_eq!(fmt(src), expected);
}

#[test]
fn comments_inside_a_block_break_it_into_lines() {
    assert_eq!(
        fmt(&neuron("    on x(w) { v += w /* sum */ }\n")),
        neuron("    on x(w) {\n        v += w /* sum */\n    }\n")
    );
}

#[test]
fn unattached_doc_comments_stay_unattached() {
    let src = "neuron N {\n    on x { v = 1 /// not a doc\n    }\n    /// orphan\n    // plain\n    param p = 1\n    /// at the end\n}\n";
    let out = fmt(src);
    assert!(out.contains("v = 1 /// not a doc\n"), "{out}");
    assert!(out.contains("/// orphan\n    // plain\n    param p = 1\n    /// at the end\n}"), "{out}");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
    assert_eq!(fmt("// only\n\n\n/* comments */"), "// only\n\n/* comments */\n");
}

#[test]
fn syntax_errors_are_refused() {
    let diags = format_source("neuron A {\n    param tau: time = 20 msec\n}\n").unwrap_err();
    assert!(diags.iter().any(|d| d.is_error()));
}
