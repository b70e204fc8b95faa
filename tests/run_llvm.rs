//! The LLVM backend: with the cargo feature `llvm`, `scn run --engine llvm` against the
//! interpreter (tests/support/engines.rs) and `scn build --target native` libraries, driven by
//! examples/native/run_model.c, against `scn run`'s spikes; without it, clear refusals of both.

mod common;
#[path = "support/engines.rs"]
mod engines;

#[cfg(feature = "llvm")]
#[path = "run_llvm/with_llvm.rs"]
mod with_llvm;

#[cfg(not(feature = "llvm"))]
#[test]
fn the_llvm_engine_needs_a_binary_built_with_llvm() {
    let example = common::root().join("examples/cuba.scn");
    let dir = engines::out_dir("no-llvm", "llvm");
    let out = engines::run(&example, "llvm", &dir);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("this `scn` was built without LLVM"), "{err}");
    assert!(err.contains("--features llvm"), "{err}");
    assert!(!dir.exists(), "nothing is written");
}

#[cfg(not(feature = "llvm"))]
#[test]
fn native_libraries_need_a_binary_built_with_llvm() {
    let dir = std::env::temp_dir().join(format!("scn-native-no-llvm-{}", std::process::id()));
    let out = common::scn(&["build", "examples/cuba.scn", "--target", "native", "-o", dir.to_str().unwrap()]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[E0731]") && err.contains("built without LLVM") && err.contains("--features llvm"), "{err}");
    assert!(!dir.exists(), "nothing is written");
}
