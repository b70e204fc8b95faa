//! The `:` commands: their names, their arguments and the help text.

/// A parsed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `:help`.
    Help,
    /// `:quit`.
    Quit,
    /// `:reset`: forget every declaration and the last run.
    Reset,
    /// `:list`: print the session's declarations.
    List,
    /// `:type EXPR`.
    Type(String),
    /// `:load FILE`.
    Load(String),
    /// `:save FILE`.
    Save(String),
    /// `:run [NETWORK] [DURATION]`.
    Run {
        /// The network (needed when the session has several).
        network: Option<String>,
        /// How long, as an expression (`100 ms`, `4096 cycles`).
        duration: Option<String>,
    },
    /// `:plot [FILE]`.
    Plot(Option<String>),
    /// `:verify`.
    Verify,
}

/// Every command name, for completion and help.
pub const NAMES: &[&str] =
    &[":help", ":quit", ":reset", ":list", ":type", ":load", ":save", ":run", ":plot", ":verify"];

/// What `:help` prints.
pub const HELP: &str = "\
Type an expression to evaluate it (`20 ms * 3`, `popcount(encode(0.3, lfsr16(seed = 1), length = 256))`),
or a declaration (`neuron`, `synapse`, `network`, `const`, `fn`, `property`, `import std.…`) to add it
to the session; a declaration of a name the session has replaces it. An open `{` or `(` continues
the input on the next line.

  :type EXPR                  the type, unit and interval of an expression
  :run [NETWORK] [DURATION]   simulate a network (the only one by default) and print its rates
  :plot [FILE]                write an SVG raster of the last run (default NETWORK.svg), print its path
  :load FILE                  add the declarations of a file
  :save FILE                  write the session's declarations, formatted, to a file
  :list                       print the session's declarations
  :verify                     check the session's properties by simulation (monitors of scn verify)
  :reset                      forget every declaration and the last run
  :help                       this text
  :quit                       leave (also Ctrl-D; Ctrl-C clears the line or stops a run)
";

/// Parses `:name args`.
pub fn parse(name: &str, args: &str) -> Result<Command, String> {
    let need = |what: &str| {
        if args.is_empty() { Err(format!("`:{name}` needs {what}; type `:help`")) } else { Ok(args.to_string()) }
    };
    let none = |cmd: Command| {
        if args.is_empty() { Ok(cmd) } else { Err(format!("`:{name}` takes no arguments")) }
    };
    match name {
        "help" | "h" | "?" => none(Command::Help),
        "quit" | "q" | "exit" => none(Command::Quit),
        "reset" => none(Command::Reset),
        "list" => none(Command::List),
        "verify" => none(Command::Verify),
        "type" | "t" => need("an expression").map(Command::Type),
        "load" => need("a file").map(|f| Command::Load(unquote(&f))),
        "save" => need("a file").map(|f| Command::Save(unquote(&f))),
        "plot" => Ok(Command::Plot((!args.is_empty()).then(|| unquote(args)))),
        "run" => Ok(run_args(args)),
        _ => Err(format!("unknown command `:{name}`; type `:help` for the list")),
    }
}

/// A file name without the quotes it may be written in (`"my model.scn"`).
fn unquote(name: &str) -> String {
    name.strip_prefix('"').and_then(|n| n.strip_suffix('"')).unwrap_or(name).to_string()
}

/// `:run` arguments: a first word that is a name is the network; the rest is the duration.
fn run_args(args: &str) -> Command {
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let is_name = first.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    if is_name {
        Command::Run { network: Some(first.to_string()), duration: opt(rest) }
    } else {
        Command::Run { network: None, duration: opt(args) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_takes_an_optional_network_and_duration() {
        assert_eq!(
            parse("run", "Net 100 ms"),
            Ok(Command::Run { network: Some("Net".into()), duration: Some("100 ms".into()) })
        );
        assert_eq!(parse("run", "50 ms"), Ok(Command::Run { network: None, duration: Some("50 ms".into()) }));
        assert_eq!(parse("run", "Net"), Ok(Command::Run { network: Some("Net".into()), duration: None }));
    }

    #[test]
    fn arguments_are_checked() {
        assert!(parse("type", "").unwrap_err().contains("needs an expression"));
        assert!(parse("quit", "now").unwrap_err().contains("takes no arguments"));
        assert!(parse("frobnicate", "").unwrap_err().contains("unknown command"));
        assert_eq!(parse("plot", ""), Ok(Command::Plot(None)));
        assert_eq!(parse("save", "\"my model.scn\""), Ok(Command::Save("my model.scn".into())));
    }
}
