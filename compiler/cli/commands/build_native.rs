//! `scn build FILE --target native -o DIR`: the network as a shared library with a C ABI
//! (`libNETWORK.so`, its header `NETWORK.h`, the LLVM object `NETWORK.o` and the run-time
//! source `NETWORK_runtime.c`), compiled through LLVM; see docs/running.md. A construct the
//! library does not support is refused with E0730, a failing toolchain with E0731. The
//! directory is written completely or not at all.

use scn_diagnostics::Diagnostic;
#[cfg(not(feature = "llvm"))]
use scn_diagnostics::Span;
use scn_runtime::ir::Network;
use std::io::Write;
use std::path::Path;

/// Builds the library of `net` into `dir`; `Err` with a diagnostic when it cannot be built.
#[cfg(feature = "llvm")]
pub fn write(net: &Network, dir: &Path, text: &str, err: &mut dyn Write) -> std::io::Result<Result<(), Diagnostic>> {
    let staged = dir.with_file_name(format!(
        ".{}.scn-native-{}",
        dir.file_name().map_or("build".into(), |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staged);
    std::fs::create_dir_all(&staged)?;
    let built = match scn_llvm::native::build(net, &staged) {
        Ok(b) => b,
        Err(r) => {
            let _ = std::fs::remove_dir_all(&staged);
            let span = r.word.as_deref().and_then(|w| super::build::find_word(text, w)).unwrap_or_default();
            return Ok(Err(Diagnostic::error(r.code, r.message, span, "here").with_help(r.help)));
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::rename(&staged, dir)?;
    for f in [&built.library, &built.header, &built.object, &built.runtime] {
        let name = f.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        writeln!(err, "wrote {}", dir.join(name).display())?;
    }
    Ok(Ok(()))
}

/// Without LLVM there is no native target: a diagnostic that says so.
#[cfg(not(feature = "llvm"))]
pub fn write(net: &Network, _dir: &Path, _text: &str, _err: &mut dyn Write) -> std::io::Result<Result<(), Diagnostic>> {
    Ok(Err(Diagnostic::error(
        "E0731",
        format!("cannot build `{}` for `--target native`: this `scn` was built without LLVM", net.name),
        Span::default(),
        "no LLVM in this binary",
    )
    .with_help("rebuild with `cargo build --features llvm` (needs llvm-19-dev), or run the network with `scn run`")))
}
