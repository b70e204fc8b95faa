//! The SCN language server (`scn lsp`).
//!
//! It only translates between the Language Server Protocol and the compiler: diagnostics come
//! from the incremental database ([`scn_db::Database::check_file`], the same codes and
//! messages as `scn check`), hover types and go-to-definition from the checker's side tables
//! ([`scn_sema::Analysis::type_at`], [`scn_sema::Analysis::definition_of`]), outlines from the
//! syntax tree and formatting from `scn-fmt`; references, rename and semantic tokens from the
//! reference table ([`refs`]), across the open documents ([`workspace`]); inlay hints of
//! inferred types ([`hints`]), verified quick fixes ([`actions`]) and the parameters of the
//! model being instantiated ([`complete`]). Positions are UTF-16 as the protocol requires
//! ([`position`]). The features are plain functions ([`navigate`], [`symbols`],
//! [`diagnostics`]) that tests call directly; [`server::Backend`] wires them to the protocol.

pub mod actions;
pub mod complete;
pub mod diagnostics;
pub mod facts;
pub mod hints;
pub mod navigate;
pub mod position;
pub mod refs;
pub mod server;
pub mod symbols;
pub mod workspace;

pub use server::Backend;

use std::path::PathBuf;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves one client over `input` and `output` until it exits. Standard-library sources are
/// copied to `std_dir` when a definition lies in them.
pub async fn serve<I, O>(input: I, output: O, std_dir: PathBuf)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(|client| Backend::new(client, std_dir));
    Server::new(input, output, socket).serve(service).await;
}

/// Serves one client over standard input and output (what `scn lsp` does).
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), navigate::default_std_dir()));
    Ok(())
}
