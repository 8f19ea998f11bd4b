// The vpclint extension: a thin client of `vpclint lsp` (diagnostics as you type, hover on
// instance types, the "suppress this finding" quick fix). Everything it decides is in
// server.ts; vpclint itself is installed separately (`pip install vpclint`, a release
// binary, or cargo).
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

import { documentSelector, initializationOptions, serverCommand, Settings } from './server';

let client: LanguageClient | undefined;

function settings(): Settings {
  const config = vscode.workspace.getConfiguration('vpclint');
  return {
    path: config.get<string>('path'),
    accessModel: config.get<string>('accessModel'),
    region: config.get<string>('region'),
  };
}

async function start(): Promise<void> {
  const current = settings();
  const command = serverCommand(current, process.env);
  const serverOptions: ServerOptions = { run: command, debug: command };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    initializationOptions: initializationOptions(current),
  };
  client = new LanguageClient('vpclint', 'vpclint', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `vpclint: could not start \`${command.command} lsp\` (${String(error)}). Install vpclint (pip install vpclint) or set vpclint.path.`,
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('vpclint.restart', async () => {
      await client?.stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('vpclint')) {
        await client?.stop();
        await start();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
