//! Helpers shared by the hardware backends' end-to-end tests (`build_verilog`, `build_mlir`).

use scn_runtime::ir::Network;
use std::path::{Path, PathBuf};

/// Checks `path` (which must be free of errors) and lowers its network to the runtime IR.
pub fn lower(path: &Path) -> Network {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let analysis = scn_sema::check_source(&name, text, path.parent(), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{} has errors", path.display());
    scn_lower::lower_network(&analysis, None).unwrap()
}

/// Writes the mixed-arithmetic template (`tests/hw/mix_template.scn`) once per overflow mode and
/// rounding mode, each at `file_for(tag)` with an `.scn` extension; returns (tag, file) pairs.
pub fn mix_sources(file_for: impl Fn(&str) -> PathBuf) -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let template = std::fs::read_to_string(root.join("tests/hw/mix_template.scn")).unwrap();
    let mut out = Vec::new();
    for overflow in ["saturate", "wrap"] {
        for rounding in ["nearest_even", "nearest_away", "floor"] {
            let tag = format!("mix_{overflow}_{rounding}");
            let src = file_for(&format!("{tag}_src")).with_extension("scn");
            std::fs::write(&src, template.replace("OVERFLOW", overflow).replace("ROUNDING", rounding)).unwrap();
            out.push((tag, src));
        }
    }
    out
}
