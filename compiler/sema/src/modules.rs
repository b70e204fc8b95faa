//! Loading a program: the root file and, transitively, every module it imports.
//!
//! `import std.a.b` resolves to the embedded `stdlib/a/b.scn`; `import a.b` to `a/b.scn` beside
//! the importing file. Each module is loaded and parsed once.

use scn_diagnostics::{Diagnostic, SourceFile, Span};
use scn_grammar::ast::{ItemKind, Path};
use scn_grammar::{Parsed, parse};
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};

/// Index of a module in [`Program::modules`].
pub type ModuleId = usize;

/// Where a module comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The standard library: `std.<dotted>`.
    Std(String),
    /// A file on disk (or given directly).
    File(PathBuf),
}

/// One loaded and parsed module.
#[derive(Debug)]
pub struct Module {
    /// Where it came from.
    pub origin: Origin,
    /// Its text and display name.
    pub source: SourceFile,
    /// Its syntax tree and syntax diagnostics.
    pub parsed: Parsed,
    /// The module each import item of this module resolved to (by item index).
    pub imports: HashMap<usize, ModuleId>,
}

/// Reads source files; the real file system in the CLI, a map in tests and the editor.
pub trait SourceProvider {
    /// The text of the file at `path`.
    fn read(&self, path: &FsPath) -> Result<String, String>;
}

/// The real file system.
pub struct Disk;

impl SourceProvider for Disk {
    fn read(&self, path: &FsPath) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }
}

/// Every module of a program; `modules[0]` is the root.
#[derive(Debug, Default)]
pub struct Program {
    /// Modules in load order.
    pub modules: Vec<Module>,
}

impl Program {
    /// Loads `root` (named `name`, living in `dir` for relative imports) and its imports.
    /// Import errors are returned as diagnostics about the importing module.
    pub fn load(
        name: &str,
        text: String,
        dir: Option<&FsPath>,
        files: &dyn SourceProvider,
    ) -> (Program, Vec<(ModuleId, Diagnostic)>) {
        let mut program = Program::default();
        let mut by_origin: HashMap<Origin, ModuleId> = HashMap::new();
        let mut diags = Vec::new();
        let root_origin = Origin::File(dir.map(|d| d.join(name)).unwrap_or_else(|| PathBuf::from(name)));
        program.push(root_origin.clone(), SourceFile::new(name, text.clone()), parse(&text));
        by_origin.insert(root_origin, 0);
        let mut next = 0;
        while next < program.modules.len() {
            let here = next;
            next += 1;
            let base = match &program.modules[here].origin {
                Origin::File(p) => p.parent().map(FsPath::to_path_buf),
                Origin::Std(_) => None,
            };
            let requests: Vec<(usize, Path)> = program.modules[here]
                .parsed
                .file
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match &item.kind {
                    ItemKind::Import(imp) => Some((i, imp.path.clone())),
                    _ => None,
                })
                .collect();
            for (item, path) in requests {
                let names: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
                let span = Span::new(path[0].span.start, path[path.len() - 1].span.end);
                let found = if names[0] == "std" {
                    let dotted = names[1..].join(".");
                    scn_stdlib::source(&dotted).map(|text| {
                        let display = format!("std/{}.scn", names[1..].join("/"));
                        (Origin::Std(dotted), display, text.to_string())
                    })
                } else {
                    let rel: PathBuf = names.iter().collect::<PathBuf>().with_extension("scn");
                    let full = base.clone().map(|b| b.join(&rel)).unwrap_or(rel.clone());
                    files.read(&full).ok().map(|text| (Origin::File(full.clone()), full.display().to_string(), text))
                };
                let Some((origin, display, text)) = found else {
                    diags.push((here, unknown_module(&names, span)));
                    continue;
                };
                let id = match by_origin.get(&origin) {
                    Some(&id) => id,
                    None => {
                        let parsed = parse(&text);
                        let id = program.push(origin.clone(), SourceFile::new(display, text), parsed);
                        by_origin.insert(origin, id);
                        id
                    }
                };
                program.modules[here].imports.insert(item, id);
            }
        }
        (program, diags)
    }

    fn push(&mut self, origin: Origin, source: SourceFile, parsed: Parsed) -> ModuleId {
        self.modules.push(Module { origin, source, parsed, imports: HashMap::new() });
        self.modules.len() - 1
    }
}

fn unknown_module(names: &[&str], span: Span) -> Diagnostic {
    let dotted = names.join(".");
    let d = Diagnostic::error("E0103", format!("cannot find module `{dotted}`"), span, "no such module");
    if names[0] == "std" {
        let wanted = names[1..].join(".");
        let known: Vec<&str> = scn_stdlib::MODULES.iter().map(|(p, _)| *p).collect();
        match scn_grammar::parser::closest(&wanted, known.iter().copied()) {
            Some(m) => d.with_help(format!("did you mean `std.{m}`?")),
            None => d.with_help(format!(
                "the standard library has: {}",
                known.iter().map(|m| format!("std.{m}")).collect::<Vec<_>>().join(", ")
            )),
        }
    } else {
        d.with_help(format!("`{dotted}` must be the file `{}.scn` beside the importing file", names.join("/")))
    }
}
