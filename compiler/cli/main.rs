//! The `scn` binary: a thin wrapper over [`scn_cli::run`].

fn main() {
    let code = scn_cli::run(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
