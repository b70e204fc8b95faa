//! Tables in element expressions (docs/language.md §8.8): `load("t.csv")[index]` gives each
//! neuron or connection its own value from a CSV beside the model, exactly; a table shorter
//! than its population or connection is refused before the run (E0707). A NumPy `.npy` array
//! serves as well as a CSV.

mod common;

use std::path::Path;

/// Runs `scn run net.scn` in `dir` for 1 ms with the state monitor of `p.v`.
fn run(dir: &Path, net: &str) -> std::process::Output {
    let file = common::write_net(dir, net);
    common::scn_run(&file, &dir.join("out"), &["--duration", "1ms"])
}

const NET: &str = "import std.neurons.lif.{Lif}\n\nnetwork Tables {\n    dt = 0.1 ms\n    \
                   pop p = Lif[4] { v = load(\"v0.csv\")[index] * 1 mV }\n    monitor state(p.v)\n}\n";

#[test]
fn every_neuron_starts_from_its_table_value() {
    let d = common::fresh_dir("tables", "override");
    std::fs::write(d.join("v0.csv"), "-70\n-65.5\n-60.25\n-58.125\n").unwrap();
    let out = run(&d, NET);
    let (o, e) = common::text(&out);
    assert!(out.status.success(), "{o}{e}");
    let states = std::fs::read_to_string(d.join("out/states.csv")).unwrap();
    let first: Vec<f64> = states
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("0,"))
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(first, [-0.070, -0.0655, -0.06025, -0.058125]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_table_shorter_than_its_population_is_refused_before_the_run() {
    let d = common::fresh_dir("tables", "short");
    std::fs::write(d.join("v0.csv"), "-70\n-65\n-60\n").unwrap();
    let out = run(&d, NET);
    let (_, e) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert!(e.contains("E0707") && e.contains("`v0.csv` holds 3 values, but the population `p` has 4 elements"), "{e}");
    assert!(!d.join("out").exists(), "nothing is run");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_table_of_several_columns_is_refused() {
    let d = common::fresh_dir("tables", "columns");
    std::fs::write(d.join("v0.csv"), "-70,-65\n-60,-55\n").unwrap();
    let out = run(&d, NET);
    let (_, e) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert!(e.contains("E0707") && e.contains("cannot use `v0.csv` as a table"), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A version-1 `.npy` file of little-endian f64 values, shape `(n,)`, as NumPy writes it.
fn npy_f64(values: &[f64]) -> Vec<u8> {
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}", values.len());
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header.as_bytes());
    out.extend(values.iter().flat_map(|v| v.to_le_bytes()));
    out
}

#[test]
fn a_numpy_table_gives_the_same_run_as_the_csv() {
    let values = [-70.0, -65.5, -60.25, -58.125];
    let csv = common::fresh_dir("tables", "npy-csv");
    std::fs::write(csv.join("v0.csv"), "-70\n-65.5\n-60.25\n-58.125\n").unwrap();
    let npy = common::fresh_dir("tables", "npy");
    std::fs::write(npy.join("v0.npy"), npy_f64(&values)).unwrap();
    let a = run(&csv, NET);
    let b = run(&npy, &NET.replace("v0.csv", "v0.npy"));
    for out in [&a, &b] {
        let (o, e) = common::text(out);
        assert!(out.status.success(), "{o}{e}");
    }
    let states = |d: &Path| std::fs::read_to_string(d.join("out/states.csv")).unwrap();
    assert_eq!(states(&csv), states(&npy), "the same states from either file");
    // A broken array is refused with the reason, before the run.
    std::fs::write(npy.join("v0.npy"), &npy_f64(&values)[..100]).unwrap();
    std::fs::remove_dir_all(npy.join("out")).unwrap();
    let bad = run(&npy, &NET.replace("v0.csv", "v0.npy"));
    let (_, e) = common::text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{e}");
    assert!(e.contains("E0707") && e.contains("is not a NumPy array"), "{e}");
    assert!(!npy.join("out").exists(), "nothing is run");
    for d in [csv, npy] {
        let _ = std::fs::remove_dir_all(d);
    }
}
