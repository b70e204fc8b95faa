//! `scn targets`: the device profiles `scn build --target` accepts, with their capacities.

use std::io::Write;

/// Arguments of `scn targets`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Prints one line per profile.
pub fn run(_args: &Args, out: &mut dyn Write, _err: &mut dyn Write) -> std::io::Result<i32> {
    writeln!(out, "verilog        Verilog-2005 RTL, testbench and manifest only (the default)")?;
    writeln!(
        out,
        "mlir           CIRCT hw/comb/seq MLIR (`--mlir-form generic` for MLIR's generic form), testbench, manifest"
    )?;
    writeln!(
        out,
        "native         a shared library with a C ABI and header, through LLVM (binaries built with `--features llvm`)"
    )?;
    writeln!(out, "fpga           the default device profile (marked *)")?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<12} {:<11} {:<16} {:>8} {:>8} {:>6} {:>6}  flow",
        "profile", "vendor", "family", "LUTs", "FFs", "BRAM", "DSPs"
    )?;
    for p in scn_fpga::profile::profiles() {
        let flow =
            if p.pnr.is_empty() { format!("yosys {}", p.synth) } else { format!("yosys {} + {}", p.synth, p.pnr) };
        let mark = if p.default { "*" } else { " " };
        writeln!(
            out,
            "{:<11}{mark} {:<11} {:<16} {:>8} {:>8} {:>6} {:>6}  {flow}",
            p.name, p.vendor, p.family, p.luts, p.ffs, p.bram_blocks, p.dsps
        )?;
    }
    Ok(0)
}
