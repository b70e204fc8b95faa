//! `scn build FILE --target nir -o DIR`: the checked network as a NIR graph, `DIR/NETWORK.nir`
//! (docs/nir.md). A construct NIR cannot express is refused with E0725, naming it.

use crate::files;
use scn_runtime::ir::Network;
use std::io::Write;
use std::path::Path;

/// Exports `net` into `dir`; exit status 1 with a diagnostic if NIR cannot express it.
pub fn write(net: &Network, dir: &Path, err: &mut dyn Write) -> std::io::Result<i32> {
    let graph = match scn_nir::export::export(net) {
        Ok(g) => g,
        Err(e) => {
            writeln!(err, "error[{}]: {}\n  = help: {}", e.code, e.message, e.help)?;
            writeln!(err, "error: nothing was written")?;
            return Ok(1);
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        files::report_unwritable(err, dir, &e, "choose another place with `-o DIR`")?;
        return Ok(1);
    }
    let path = dir.join(format!("{}.nir", net.name));
    if let Err(e) = scn_nir::hdf5io::write(&path, &graph) {
        writeln!(err, "error[{}]: {}", e.code, e.message)?;
        return Ok(1);
    }
    writeln!(
        err,
        "wrote {} ({} nodes, {} edges, dt = {} s)",
        path.display(),
        graph.nodes.len(),
        graph.edges.len(),
        net.dt
    )?;
    Ok(0)
}
