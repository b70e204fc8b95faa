// The SCN extension: starts `scn lsp` (path from the `scn.path` setting) as a language server
// over stdio for `scn` documents. Plain JavaScript, so there is no build step.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration('scn').get('path') || 'scn';
  const executable = { command, args: ['lsp'], transport: TransportKind.stdio };
  return { run: executable, debug: executable };
}

async function start() {
  client = new LanguageClient('scn', 'SCN language server', serverOptions(), {
    documentSelector: [{ language: 'scn' }],
  });
  await client.start();
}

async function stop() {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('scn.path')) {
        await stop();
        await start();
      }
    }),
  );
  try {
    await start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `SCN: could not start the language server (\`scn.path\` = ${
        vscode.workspace.getConfiguration('scn').get('path')
      }): ${err}`,
    );
  }
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
