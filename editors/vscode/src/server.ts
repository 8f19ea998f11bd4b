// How the extension starts and talks to `vpclint lsp`: which executable, which files,
// which initialization options. No `vscode` import here, so that the test (src/test/) runs
// this same code in Node and drives the server it describes.

/** The extension's settings (`vpclint.*`). */
export interface Settings {
  path?: string;
  accessModel?: string;
  region?: string;
}

/** What vscode-languageclient's `Executable` needs. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/** `vpclint lsp`: `vpclint.path`, else `$VPCLINT_PATH`, else `vpclint` on PATH. */
export function serverCommand(settings: Settings, env: Record<string, string | undefined>): ServerCommand {
  const command = settings.path?.trim() || env.VPCLINT_PATH?.trim() || 'vpclint';
  return { command, args: ['lsp'] };
}

/** The server's `initializationOptions`: only the settings that are set. */
export function initializationOptions(settings: Settings): Record<string, string> {
  const options: Record<string, string> = {};
  if (settings.accessModel) {
    options.accessModel = settings.accessModel;
  }
  if (settings.region) {
    options.region = settings.region;
  }
  return options;
}

/**
 * The documents the client sends to the server: Terraform (the HashiCorp extension's
 * `terraform` and `terraform-vars` languages, and the files by name when it is not
 * installed), YAML and JSON (the server checks only templates and plans among them), and
 * `.template` files.
 */
export function documentSelector(): Array<{ scheme: string; language?: string; pattern?: string }> {
  const languages = ['terraform', 'terraform-vars', 'yaml', 'json', 'jsonc'];
  const patterns = ['**/*.tf', '**/*.tf.json', '**/*.tfvars', '**/*.tfvars.json', '**/*.template'];
  return [
    ...languages.map((language) => ({ scheme: 'file', language })),
    ...patterns.map((pattern) => ({ scheme: 'file', pattern })),
  ];
}
