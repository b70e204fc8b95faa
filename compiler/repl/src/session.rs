//! The state of one REPL session: the declarations typed so far (kept as SCN source, always
//! free of errors) and the last run, plus what each kind of input does to them.

use crate::candidate::{Candidate, SESSION_FILE};
use crate::commands::{self, Command};
use crate::input::{self, Input};
use crate::simulate::{self, LastRun, Plotter};
use crate::{eval, verify};
use scn_diagnostics::{Diagnostic, SourceFile, render_human};
use scn_sema::scope::item_name;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The name typed input is shown under in diagnostics.
pub const INPUT_NAME: &str = "<repl>";

/// What the loop does after an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// End the session (`:quit`).
    Quit,
}

/// One declaration (an item) of the session, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    /// The name it defines (`None` for an import).
    pub name: Option<String>,
    /// Its source text, doc comments included.
    pub text: String,
}

/// A REPL session.
pub struct Session {
    decls: Vec<Decl>,
    dir: PathBuf,
    color: bool,
    plotter: Option<Plotter>,
    last_run: Option<LastRun>,
}

impl Session {
    /// An empty session whose relative imports, `:load`, `:save` and `:plot` paths resolve in
    /// `dir`.
    pub fn new(dir: PathBuf) -> Session {
        Session { decls: Vec::new(), dir, color: false, plotter: None, last_run: None }
    }

    /// Colours diagnostics (for a terminal).
    pub fn with_color(mut self, color: bool) -> Session {
        self.color = color;
        self
    }

    /// Draws `:plot` with `plotter` (the command line's SVG writer).
    pub fn with_plotter(mut self, plotter: Plotter) -> Session {
        self.plotter = Some(plotter);
        self
    }

    /// The session's declarations.
    pub fn decls(&self) -> &[Decl] {
        &self.decls
    }

    /// The directory paths are relative to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The declarations as one SCN source text.
    pub fn source(&self) -> String {
        self.decls.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join("\n\n")
    }

    /// Every name the session declares.
    pub fn names(&self) -> Vec<String> {
        self.decls.iter().filter_map(|d| d.name.clone()).collect()
    }

    /// Handles one complete input (a command, declarations or an expression), writing the
    /// result or the diagnostics to `out`. Nothing typed ends the session but `:quit`.
    pub fn execute(&mut self, text: &str, out: &mut dyn Write) -> io::Result<Flow> {
        match input::classify(text) {
            Input::Empty => {}
            Input::Command { name, args } => match commands::parse(name, args) {
                Ok(cmd) => return self.command(cmd, out),
                Err(msg) => writeln!(out, "error: {msg}")?,
            },
            Input::Declaration => {
                self.declare(text, INPUT_NAME, out)?;
            }
            Input::Expression => self.expression(text, out)?,
        }
        Ok(Flow::Continue)
    }

    fn command(&mut self, cmd: Command, out: &mut dyn Write) -> io::Result<Flow> {
        match cmd {
            Command::Help => out.write_all(commands::HELP.as_bytes())?,
            Command::Quit => return Ok(Flow::Quit),
            Command::Reset => {
                self.decls.clear();
                self.last_run = None;
                writeln!(out, "session cleared")?;
            }
            Command::List => {
                if self.decls.is_empty() {
                    writeln!(out, "no declarations yet")?;
                } else {
                    writeln!(out, "{}", self.source())?;
                }
            }
            Command::Type(text) => {
                let c = eval::check(&self.source(), &text, &self.dir);
                if self.report(&c, &text, INPUT_NAME, out)? {
                    writeln!(out, "{}", eval::type_text(&c))?;
                }
            }
            Command::Load(path) => {
                let path = self.dir.join(path);
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        if self.declare(&text, &path.display().to_string(), out)? {
                            writeln!(out, "loaded {}", path.display())?;
                        }
                    }
                    Err(e) => writeln!(out, "error: cannot read `{}`: {e}", path.display())?,
                }
            }
            Command::Save(path) => self.save(&self.dir.join(path), out)?,
            Command::Run { network, duration } => {
                if let Some(run) =
                    simulate::run(&self.source(), network.as_deref(), duration.as_deref(), &self.dir, self.color, out)?
                {
                    self.last_run = Some(run);
                }
            }
            Command::Plot(path) => match &self.last_run {
                None => writeln!(out, "error: nothing has run yet\n  = help: `:run NETWORK DURATION` first")?,
                Some(run) => simulate::plot(run, path.as_deref(), &self.dir, self.plotter, out)?,
            },
            Command::Verify => verify::verify(&self.source(), &self.dir, out)?,
        }
        Ok(Flow::Continue)
    }

    /// Adds the items of `text` (shown as `shown` in diagnostics) to the session; an item that
    /// declares a name the session already has replaces the earlier one. Returns whether they
    /// were added: anything with an error leaves the session as it was.
    pub fn declare(&mut self, text: &str, shown: &str, out: &mut dyn Write) -> io::Result<bool> {
        let parsed = scn_grammar::parse(text);
        if parsed.has_errors() {
            self.render(&SourceFile::new(shown, text), &parsed.diagnostics, out)?;
            return Ok(false);
        }
        let mut new = Vec::new();
        let mut start = 0;
        for item in &parsed.file.items {
            let end = item.span.end.min(text.len());
            let piece = text[start..end].trim_start_matches(|c: char| c == ';' || c.is_whitespace()).trim_end();
            start = end;
            if !piece.is_empty() {
                new.push(Decl { name: item_name(item).map(|n| n.name.clone()), text: piece.to_string() });
            }
        }
        let kept: Vec<Decl> = self
            .decls
            .iter()
            .filter(|d| !new.iter().any(|n| (n.name.is_some() && n.name == d.name) || n.text == d.text))
            .cloned()
            .collect();
        let replaced: Vec<&Decl> = self.decls.iter().filter(|d| !kept.contains(d)).collect();
        let kept_source = kept.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join("\n\n");
        let c = Candidate::check(&kept_source, "", text, "", &self.dir);
        if !self.report(&c, text, shown, out)? {
            writeln!(out, "nothing was declared")?;
            return Ok(false);
        }
        for d in &new {
            let verb =
                if replaced.iter().any(|r| r.name.is_some() && r.name == d.name) { "replaced" } else { "defined" };
            match &d.name {
                Some(n) => writeln!(out, "{verb} {n}")?,
                None => writeln!(out, "{}", d.text.lines().next().unwrap_or_default())?,
            }
        }
        self.decls = kept;
        self.decls.extend(new);
        Ok(true)
    }

    fn expression(&mut self, text: &str, out: &mut dyn Write) -> io::Result<()> {
        let session = self.source();
        let c = eval::check(&session, text, &self.dir);
        if self.report(&c, text, INPUT_NAME, out)? {
            writeln!(out, "{}", eval::value_text(&c, &session, text, &self.dir))?;
        }
        Ok(())
    }

    fn save(&self, path: &Path, out: &mut dyn Write) -> io::Result<()> {
        let source = self.source();
        let formatted = match scn_fmt::format_source(&source) {
            Ok(f) => f,
            Err(diags) => {
                self.render(&SourceFile::new(SESSION_FILE, source.clone()), &diags, out)?;
                return Ok(());
            }
        };
        match std::fs::write(path, formatted) {
            Ok(()) => writeln!(out, "saved {} declarations to {}", self.decls.len(), path.display()),
            Err(e) => writeln!(out, "error: cannot write `{}`: {e}", path.display()),
        }
    }

    /// Prints the diagnostics of a checked input: those about the typed text against it, and
    /// errors elsewhere against the module they are in. Returns whether there was no error.
    fn report(&self, c: &Candidate, text: &str, shown: &str, out: &mut dyn Write) -> io::Result<bool> {
        let typed = c.typed_diagnostics();
        if !typed.is_empty() {
            self.render(&SourceFile::new(shown, text), &typed, out)?;
        }
        let others = c.other_errors();
        for (m, module) in c.analysis.program.modules.iter().enumerate() {
            let diags: Vec<Diagnostic> = others.iter().filter(|(k, _)| *k == m).map(|(_, d)| d.clone()).collect();
            if !diags.is_empty() {
                self.render(&module.source, &diags, out)?;
            }
        }
        Ok(!c.has_errors())
    }

    fn render(&self, file: &SourceFile, diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render_human(file, diags, self.color).as_bytes())
    }
}
