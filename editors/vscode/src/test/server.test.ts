// The extension's client code (../server.ts: the command it runs, the options it sends, the
// documents it selects) driving the real `vpclint lsp` over stdio with the protocol library
// vscode-languageclient uses, in Node: no VS Code needed. Run by tests/vscode.rs with
// VPCLINT_BIN (the binary under test) and VPCLINT_ROOT (a copy of examples/seed/terraform).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  createProtocolConnection,
  Diagnostic,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import { documentSelector, initializationOptions, serverCommand } from '../server';

function required(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set`);
  return value;
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = 30000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref()),
  ]);
}

test('settings choose the command and the initialization options', () => {
  assert.deepEqual(serverCommand({ path: '/opt/vpclint' }, { VPCLINT_PATH: '/x' }), {
    command: '/opt/vpclint',
    args: ['lsp'],
  });
  assert.equal(serverCommand({ path: '' }, { VPCLINT_PATH: '/x' }).command, '/x');
  assert.equal(serverCommand({}, {}).command, 'vpclint');
  assert.deepEqual(initializationOptions({ accessModel: 'legacy', region: '' }), { accessModel: 'legacy' });
  const selector = documentSelector();
  assert.ok(selector.some((s) => s.language === 'terraform'));
  assert.ok(selector.some((s) => s.pattern === '**/*.tf'));
  assert.ok(selector.some((s) => s.pattern === '**/*.template'));
});

test('the extension starts vpclint lsp and gets the finding and its quick fix', async () => {
  const settings = { path: required('VPCLINT_BIN'), accessModel: 'legacy' };
  const root = required('VPCLINT_ROOT');
  const command = serverCommand(settings, {});
  const child = spawn(command.command, command.args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const published = new Map<string, Diagnostic[]>();
  const waiting: Array<() => void> = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, params.diagnostics);
    waiting.splice(0).forEach((wake) => wake());
  });
  connection.listen();
  const diagnosticsOf = async (uri: string): Promise<Diagnostic[]> => {
    while (!published.get(uri)?.length) {
      await withTimeout(new Promise<void>((wake) => waiting.push(wake)), `diagnostics for ${uri}`);
    }
    return published.get(uri) ?? [];
  };

  const rootUri = pathToFileURL(root).href;
  const init = await withTimeout(
    connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'seed' }],
      capabilities: {},
      initializationOptions: initializationOptions(settings),
    }),
    'initialize',
  );
  assert.equal(init.serverInfo?.name, 'vpclint');
  assert.ok(init.capabilities.hoverProvider);
  assert.ok(init.capabilities.codeActionProvider);
  await connection.sendNotification(InitializedNotification.type, {});

  const compute = pathToFileURL(path.join(root, 'compute.tf')).href;
  const diagnostics = await diagnosticsOf(compute);
  assert.deepEqual(diagnostics.map((d) => d.code), ['VPC001']);
  assert.match(diagnostics[0].message, /aws_instance\.legacy \(m4\.large, Xen\)/);
  assert.match(String(diagnostics[0].codeDescription?.href), /docs\/rules\.md#vpc001$/);

  const actions = await withTimeout(
    connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: compute },
      range: diagnostics[0].range,
      context: { diagnostics },
    }),
    'codeAction',
  );
  assert.equal(actions?.length, 1);
  const action = actions![0] as { title: string; edit?: { changes?: Record<string, Array<{ newText: string }>> } };
  assert.match(action.title, /^Suppress VPC001 here/);
  assert.equal(action.edit?.changes?.[compute]?.[0]?.newText, '# vpclint:ignore[VPC001] \n');

  await withTimeout(connection.sendRequest(ShutdownRequest.type), 'shutdown');
  await connection.sendNotification(ExitNotification.type);
  assert.equal(await withTimeout(exited, 'exit'), 0);
  connection.dispose();
});
