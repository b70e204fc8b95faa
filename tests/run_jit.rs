//! `scn run --engine jit` against `--engine interp` (tests/support/engines.rs): every example
//! gives byte-identical output files and the same `summary.json` apart from `engine` and
//! `timing`; an example the interpreter refuses is refused the same way.

mod common;
#[path = "support/engines.rs"]
mod engines;

#[test]
fn every_example_is_bit_identical_on_both_engines() {
    let (ran, jit_populations) = engines::every_example_matches_the_interpreter("jit");
    assert!(ran >= 6, "only {ran} examples ran");
    assert!(jit_populations >= 15, "only {jit_populations} populations ran on the JIT");
}

#[test]
fn a_fixed_point_population_falls_back_to_the_interpreter_and_says_so() {
    engines::a_fixed_point_population_falls_back("jit");
}

#[test]
fn an_unknown_engine_is_refused() {
    let example = common::root().join("examples/cuba.scn");
    let out = common::scn(&["run", example.to_str().unwrap(), "--engine", "gpu"]);
    assert!(!out.status.success());
    assert!(common::text(&out).1.contains("invalid value 'gpu'"));
}
