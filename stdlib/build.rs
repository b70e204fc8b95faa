//! Embeds every `.scn` file under this folder as `(module path, source)` pairs.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("stdlib folder is readable")
        .map(|e| e.expect("stdlib entry is readable").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "src" || n == "target") {
                continue;
            }
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "scn") {
            let rel = path.strip_prefix(root).expect("under root").with_extension("");
            let module =
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join(".");
            out.push((module, path));
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut table = String::from("&[\n");
    for (module, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(table, "    ({module:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    table.push(']');
    for dir in ["neurons", "synapses", "encoders", "channels"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("modules.rs");
    std::fs::write(out, table).expect("OUT_DIR is writable");
}
