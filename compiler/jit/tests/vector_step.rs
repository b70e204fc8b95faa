//! The CUBA benchmark (examples/cuba.scn) runs on the JIT's vector step: both populations get
//! the two-lane kernel (800 and 3200 elements, so every element goes through it), and after
//! 300 steps every spike and every state equals the interpreter's.

use scn_runtime::interp::Simulation;
use std::path::Path;

#[test]
fn cuba_runs_on_the_vector_step_and_matches_the_interpreter() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("examples/cuba.scn");
    let text = std::fs::read_to_string(&path).expect("examples/cuba.scn");
    let analysis = scn_sema::check_source("cuba.scn", text, Some(&root.join("examples")), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("cuba lowers");
    let mut interp = Simulation::new(&net);
    let mut jit = Simulation::new(&net);
    let attached = scn_jit::attach(&net, &mut jit);
    assert_eq!(attached.populations, vec![scn_jit::PopEngine::Jit; 2]);
    assert_eq!(attached.vector, vec![true, true], "CUBA's populations run two elements per instruction");
    interp.run(300, |_| {}).expect("the interpreter runs");
    jit.run(300, |_| {}).expect("the JIT runs");
    assert!(!interp.spikes.is_empty(), "CUBA spikes within 30 ms");
    assert_eq!(interp.spikes, jit.spikes);
    for (pi, p) in net.populations.iter().enumerate() {
        for i in 0..p.size {
            for s in 0..net.models[p.model].states.len() as u16 {
                let (a, b) = (interp.state(pi, i, s), jit.state(pi, i, s));
                assert_eq!(a.to_bits(), b.to_bits(), "{}[{i}] state {s}: {a} vs {b}", p.name);
            }
        }
    }
}
