//! `scn repl`: the interactive session of `scn-repl`, with this binary's SVG writer for
//! `:plot`.

use crate::output::{self, Recorded};
use crate::report::ColorChoice;
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::io::Write;

/// Arguments of `scn repl`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// When to colour diagnostics and highlight input.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// Keep no history of inputs (otherwise `$SCN_REPL_HISTORY`, or
    /// `$XDG_STATE_HOME/scn/history`, or `~/.local/state/scn/history`).
    #[arg(long)]
    no_history: bool,
}

/// Draws the spike raster and state traces of a run, as `scn run --plot` does.
fn plot(net: &Network, sim: &Simulation<'_>, steps: u64, w: &mut dyn Write) -> std::io::Result<()> {
    let rec = Recorded::new(net, sim);
    output::svg::write(net, sim, &rec, steps, &[], w)
}

/// Runs the session until `:quit` or end of input.
pub fn run(args: &Args, _out: &mut dyn Write, _err: &mut dyn Write) -> std::io::Result<i32> {
    let color = args.color.enabled();
    let history = if args.no_history { None } else { scn_repl::history::history_path() };
    scn_repl::interactive(scn_repl::Options { history, color, plotter: Some(plot) })
}
