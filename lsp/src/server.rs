//! The `LanguageServer` implementation: keeps the open documents, feeds them to the compiler
//! database and answers requests with the functions of the other modules.

use crate::navigate::{self, Overlay};
use crate::position::LineIndex;
use crate::refs;
use crate::symbols;
use crate::workspace::{self, OpenDoc};
use crate::{actions, complete, hints};
use scn_db::Database;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// LSP's `RequestFailed` error code: the request was valid but could not be served (formatting
/// text with syntax errors).
const REQUEST_FAILED: i64 = -32803;

/// One open document.
struct Doc {
    /// The path the database knows it by.
    path: PathBuf,
    /// The editor's text.
    text: String,
    /// The editor's version.
    version: i32,
}

#[derive(Default)]
struct State {
    db: Database,
    docs: HashMap<Uri, Doc>,
}

impl State {
    /// The open documents other than `uri`.
    fn others(&self, uri: &Uri) -> Vec<(Uri, PathBuf, String)> {
        self.docs.iter().filter(|(u, _)| *u != uri).map(|(u, d)| (u.clone(), d.path.clone(), d.text.clone())).collect()
    }

    /// Open buffers by path, for imports between open files.
    fn open_texts(&self) -> HashMap<PathBuf, String> {
        self.docs.values().map(|d| (d.path.clone(), d.text.clone())).collect()
    }

    /// A fresh database holding every open buffer (after a compiler panic).
    fn reset(&mut self) {
        self.db = Database::default();
        for d in self.docs.values() {
            self.db.set_file(d.path.clone(), d.text.clone());
        }
    }
}

/// The SCN language server.
pub struct Backend {
    client: Client,
    state: Mutex<State>,
    std_dir: PathBuf,
}

/// The database path of a document: its file for `file:` URIs, the URI text otherwise.
pub fn path_of(uri: &Uri) -> PathBuf {
    if uri.as_str().starts_with("file:")
        && let Some(p) = uri.to_file_path()
    {
        return p.into_owned();
    }
    PathBuf::from(uri.as_str())
}

/// Runs `f`, turning a panic in the compiler into `None` so that one bad input never takes the
/// server down.
fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

impl Backend {
    /// A server talking to `client` that copies standard-library sources to `std_dir` for
    /// go-to-definition.
    pub fn new(client: Client, std_dir: PathBuf) -> Self {
        Backend { client, state: Mutex::default(), std_dir }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the new text and publishes the file's diagnostics.
    async fn update(&self, uri: Uri, text: String, version: i32) {
        let diagnostics = {
            let mut state = self.state();
            let path = path_of(&uri);
            state.docs.insert(uri.clone(), Doc { path: path.clone(), text: text.clone(), version });
            let state = &mut *state;
            let result = guard(|| {
                state.db.set_file(path.clone(), text.clone());
                state.db.check_file(&path)
            });
            match result {
                Some(diags) => crate::diagnostics::to_lsp(&uri, &text, &diags),
                None => {
                    state.reset();
                    Vec::new()
                }
            }
        };
        self.client.publish_diagnostics(uri, diagnostics, Some(version)).await;
    }

    /// Runs `f` on a document's path and text and the open buffers, if the document is open.
    fn with_doc<T>(&self, uri: &Uri, f: impl FnOnce(&Path, &str, &HashMap<PathBuf, String>) -> Option<T>) -> Option<T> {
        let state = self.state();
        let doc = state.docs.get(uri)?;
        let open = state.open_texts();
        guard(|| f(&doc.path, &doc.text, &open)).flatten()
    }
}

/// What the server offers.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: refs::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "scn-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        self.update(d.uri, d.text, d.version).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Full synchronisation: the last change holds the whole text.
        if let Some(change) = params.content_changes.into_iter().last() {
            let d = params.text_document;
            self.update(d.uri, change.text, d.version).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = self.state().docs.remove(&uri).map(|d| d.version);
        self.client.publish_diagnostics(uri, Vec::new(), version).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self.with_doc(&p.text_document.uri, |path, text, open| {
            let index = LineIndex::new(text);
            let analysis = navigate::analyse(path, text, &Overlay { open });
            let (span, value) = navigate::hover(&analysis, index.offset(p.position))?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
                range: Some(index.range(span)),
            })
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let uri = p.text_document.uri;
        Ok(self.with_doc(&uri, |path, text, open| {
            let offset = LineIndex::new(text).offset(p.position);
            let analysis = navigate::analyse(path, text, &Overlay { open });
            navigate::definition(&analysis, offset, &uri, &self.std_dir).map(GotoDefinitionResponse::Scalar)
        }))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with_doc(&params.text_document.uri, |_, text, _| {
            Some(DocumentSymbolResponse::Nested(symbols::document_symbols(text)))
        }))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let result = self.with_doc(&params.text_document.uri, |_, text, _| Some(symbols::format(text)));
        match result {
            Some(Ok(edits)) => Ok(edits),
            Some(Err(message)) => {
                Err(Error { message: message.into(), ..Error::new(ErrorCode::ServerError(REQUEST_FAILED)) })
            }
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        Ok(self.with_doc(&p.text_document.uri, |path, text, open| {
            let offset = LineIndex::new(text).offset(p.position);
            if let Some(paths) = complete::import_paths(text, offset) {
                return Some(CompletionResponse::Array(paths));
            }
            let analysis = navigate::analyse(path, text, &Overlay { open });
            let items =
                complete::model_parameters(&analysis, offset).unwrap_or_else(|| symbols::completion(text, offset));
            Some(CompletionResponse::Array(items))
        }))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let uri = p.text_document.uri;
        let include = params.context.include_declaration;
        let others = self.state().others(&uri);
        Ok(self.with_doc(&uri, |path, text, open| {
            let offset = LineIndex::new(text).offset(p.position);
            let current = OpenDoc { uri: &uri, path, text };
            let others: Vec<OpenDoc<'_>> =
                others.iter().map(|(u, p, t)| OpenDoc { uri: u, path: p, text: t }).collect();
            let found = workspace::references(&current, &others, &Overlay { open }, offset, include);
            (!found.is_empty()).then_some(found)
        }))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let uri = p.text_document.uri;
        let others = self.state().others(&uri);
        let result = self.with_doc(&uri, |path, text, open| {
            let offset = LineIndex::new(text).offset(p.position);
            let current = OpenDoc { uri: &uri, path, text };
            let others: Vec<OpenDoc<'_>> =
                others.iter().map(|(u, p, t)| OpenDoc { uri: u, path: p, text: t }).collect();
            Some(workspace::rename(&current, &others, &Overlay { open }, offset, &params.new_name))
        });
        match result {
            Some(Ok(changes)) => Ok(Some(WorkspaceEdit { changes: Some(changes), ..Default::default() })),
            Some(Err(message)) => {
                Err(Error { message: message.into(), ..Error::new(ErrorCode::ServerError(REQUEST_FAILED)) })
            }
            None => Ok(None),
        }
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self.with_doc(&params.text_document.uri, |path, text, open| {
            let index = LineIndex::new(text);
            let analysis = navigate::analyse(path, text, &Overlay { open });
            let hints = hints::type_hints(&analysis, index.span(params.range));
            Some(
                hints
                    .into_iter()
                    .map(|h| {
                        let position = index.position(h.name.end);
                        InlayHint {
                            position,
                            label: InlayHintLabel::String(format!(": {}", h.label)),
                            kind: Some(InlayHintKind::TYPE),
                            text_edits: h
                                .insertable
                                .then(|| vec![TextEdit::new(Range::new(position, position), format!(": {}", h.label))]),
                            tooltip: (h.detail != h.label).then_some(InlayHintTooltip::String(h.detail)),
                            padding_left: None,
                            padding_right: Some(true),
                            data: None,
                        }
                    })
                    .collect(),
            )
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        Ok(self.with_doc(&uri, |path, text, open| {
            let index = LineIndex::new(text);
            let files = Overlay { open };
            let analysis = navigate::analyse(path, text, &files);
            let fixes = actions::fixes(&analysis, path, &files, index.span(params.range));
            Some(
                fixes
                    .into_iter()
                    .map(|f| {
                        let edits = f.edits.iter().map(|(s, t)| TextEdit::new(index.range(*s), t.clone())).collect();
                        CodeActionOrCommand::CodeAction(CodeAction {
                            title: f.title,
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(crate::diagnostics::to_lsp(
                                &uri,
                                text,
                                std::slice::from_ref(&f.diagnostic),
                            )),
                            edit: Some(WorkspaceEdit {
                                changes: Some(HashMap::from([(uri.clone(), edits)])),
                                ..Default::default()
                            }),
                            is_preferred: Some(f.preferred),
                            ..Default::default()
                        })
                    })
                    .collect(),
            )
        }))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        Ok(self.with_doc(&params.text_document.uri, |path, text, open| {
            let analysis = navigate::analyse(path, text, &Overlay { open });
            let data = refs::semantic_tokens(&analysis);
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        }))
    }
}
