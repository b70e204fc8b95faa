//! The open FPGA flow: Yosys synthesis for the profile's family (`stat` gives the resources),
//! a capacity check, and nextpnr place and route with its timing report (the maximum clock
//! frequency). Every tool runs in the build directory, with relative paths only, and writes
//! its script and log under `fpga/`.

use crate::profile::Profile;
use serde::Serialize;
use std::path::Path;
use std::process::Command;

/// Resources used by a synthesised design.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// LUTs (logic cells).
    pub luts: u64,
    /// Flip-flops.
    pub ffs: u64,
    /// Block RAM blocks.
    pub bram: u64,
    /// DSP / multiplier blocks.
    pub dsps: u64,
    /// Every cell.
    pub cells: u64,
}

/// Why the flow stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowError {
    /// A tool is not installed.
    Missing(String),
    /// A tool failed; the end of its log.
    Failed {
        /// The tool.
        tool: String,
        /// The last lines of its output.
        log: String,
    },
    /// The design needs more of a resource than the device has.
    DoesNotFit {
        /// The resource.
        what: String,
        /// How many the design needs.
        need: u64,
        /// How many the device has.
        have: u64,
    },
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::Missing(t) => write!(f, "`{t}` is not installed"),
            FlowError::Failed { tool, log } => write!(f, "`{tool}` failed:\n{log}"),
            FlowError::DoesNotFit { what, need, have } => {
                let over = need - have;
                write!(
                    f,
                    "the design needs {need} {what} but the device has {have}: {over} too many ({:.0}% over)",
                    over as f64 * 100.0 / (*have).max(1) as f64
                )
            }
        }
    }
}

fn run(dir: &Path, tool: &str, args: &[&str]) -> Result<String, FlowError> {
    let out = Command::new(tool).args(args).current_dir(dir).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FlowError::Missing(tool.into())
        } else {
            FlowError::Failed { tool: tool.into(), log: e.to_string() }
        }
    })?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let log = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        return Err(FlowError::Failed { tool: tool.into(), log });
    }
    Ok(text)
}

/// The first line of `TOOL --version` (or `-V`), for the report.
pub fn version(tool: &str, flag: &str) -> String {
    Command::new(tool)
        .arg(flag)
        .output()
        .map(|o| {
            let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
            text.lines().next().unwrap_or_default().trim().to_string()
        })
        .unwrap_or_default()
}

/// The synthesis script for a profile.
pub fn synth_script(profile: &Profile, files: &[String], top: &str) -> String {
    let synth = match profile.synth.as_str() {
        "synth_xilinx" => format!("synth_xilinx -flatten -family xc7 -top {top}"),
        other => format!("{other} -top {top}"),
    };
    format!(
        "read_verilog {}\n{synth}\ncheck -assert\nwrite_json fpga/design.json\ntee -o fpga/stat.txt stat\n",
        files.join(" ")
    )
}

/// Runs Yosys in `dir` on `files` (relative paths) and counts the resources.
pub fn synthesize(dir: &Path, profile: &Profile, files: &[String], top: &str) -> Result<Resources, FlowError> {
    std::fs::create_dir_all(dir.join("fpga"))
        .map_err(|e| FlowError::Failed { tool: "mkdir".into(), log: e.to_string() })?;
    let script = synth_script(profile, files, top);
    std::fs::write(dir.join("fpga/synth.ys"), script)
        .map_err(|e| FlowError::Failed { tool: "yosys".into(), log: e.to_string() })?;
    run(dir, "yosys", &["-q", "-l", "fpga/yosys.log", "-s", "fpga/synth.ys"])?;
    let stat = std::fs::read_to_string(dir.join("fpga/stat.txt"))
        .map_err(|e| FlowError::Failed { tool: "yosys".into(), log: e.to_string() })?;
    Ok(count_cells(&stat))
}

/// Classifies the cells of a Yosys `stat` listing (the design totals when it lists a
/// hierarchy).
pub fn count_cells(stat: &str) -> Resources {
    let mut r = Resources::default();
    let totals = stat.find("=== design hierarchy ===").map_or(stat, |k| &stat[k..]);
    for line in totals.lines() {
        let mut parts = line.split_whitespace();
        let (Some(name), Some(n), None) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(n) = n.parse::<u64>() else { continue };
        let is = |prefixes: &[&str]| prefixes.iter().any(|p| name.starts_with(p));
        if !(name.starts_with("SB_")
            || name.starts_with('$')
            || name.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        {
            continue;
        }
        r.cells += n;
        if is(&["SB_LUT4", "LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"]) {
            r.luts += n;
        } else if is(&["SB_DFF", "TRELLIS_FF", "FDRE", "FDSE", "FDCE", "FDPE"]) {
            r.ffs += n;
        } else if is(&["SB_RAM40_4K", "DP16KD", "PDPW16KD", "RAMB18E1", "RAMB36E1"]) {
            r.bram += n;
        } else if is(&["SB_MAC16", "MULT18X18D", "DSP48E1"]) {
            r.dsps += n;
        }
    }
    r
}

/// Checks the resources against the device; the first shortfall is the error.
pub fn check_fit(r: &Resources, p: &Profile) -> Result<(), FlowError> {
    for (what, need, have) in [
        ("LUTs", r.luts, p.luts),
        ("flip-flops", r.ffs, p.ffs),
        ("block RAMs", r.bram, p.bram_blocks),
        ("DSP blocks", r.dsps, p.dsps),
    ] {
        if need > have {
            return Err(FlowError::DoesNotFit { what: what.into(), need, have });
        }
    }
    Ok(())
}

/// Places and routes with the profile's tool; returns the maximum clock frequency in MHz.
pub fn place_and_route(dir: &Path, profile: &Profile) -> Result<f64, FlowError> {
    let mut args: Vec<&str> = profile.pnr_args.iter().map(String::as_str).collect();
    args.extend([
        "--json",
        "fpga/design.json",
        "--asc",
        "fpga/design.asc",
        "--seed",
        "1",
        "--log",
        "fpga/nextpnr.log",
        "-q",
    ]);
    run(dir, &profile.pnr, &args)?;
    let log = std::fs::read_to_string(dir.join("fpga/nextpnr.log")).unwrap_or_default();
    fmax(&log).ok_or_else(|| FlowError::Failed {
        tool: profile.pnr.clone(),
        log: "no `Max frequency` line in the timing report".into(),
    })
}

/// The last `Max frequency for clock …: F MHz` of a nextpnr log.
pub fn fmax(log: &str) -> Option<f64> {
    log.lines()
        .filter(|l| l.contains("Max frequency for clock"))
        .filter_map(|l| l.split("': ").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|v| v.parse().ok()))
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_classified() {
        let stat = "=== top ===\n   Number of cells:     9\n     SB_CARRY   2\n     SB_DFFSR   3\n     SB_DFF 1\n     SB_LUT4 12\n     SB_RAM40_4K 1\n";
        let r = count_cells(stat);
        assert_eq!((r.luts, r.ffs, r.bram, r.dsps, r.cells), (12, 4, 1, 0, 19));
        let hier =
            "=== sub ===\n     LUT2 5\n=== design hierarchy ===\n   top 1\n     sub 2\n     LUT2 10\n     FDRE 3\n";
        let r = count_cells(hier);
        assert_eq!((r.luts, r.ffs), (10, 3), "only the totals count");
    }

    #[test]
    fn fmax_is_the_last_report() {
        let log = "Info: Max frequency for clock 'clk': 80.10 MHz (PASS at 12.00 MHz)\nInfo: Max frequency for clock 'clk': 95.53 MHz (PASS at 12.00 MHz)\n";
        assert_eq!(fmax(log), Some(95.53));
        assert_eq!(fmax("nothing"), None);
    }

    #[test]
    fn shortfalls_say_by_how_much() {
        let p = crate::profile::find("ice40-hx8k").unwrap();
        let r = Resources { luts: 9000, ..Resources::default() };
        let e = check_fit(&r, &p).unwrap_err();
        assert_eq!(e.to_string(), "the design needs 9000 LUTs but the device has 7680: 1320 too many (17% over)");
        assert!(check_fit(&Resources::default(), &p).is_ok());
    }
}
