// Reading documents (JSON or YAML) for the CLI, with errors that name the file and place.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** A failure the CLI reports as one clear message and a non-zero exit, never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function readDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`);
  }
  return parseDocumentText(text, path);
}

export function parseDocumentText(text: string, label: string): unknown {
  if (/\.ya?ml$/i.test(label)) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw new CliError(`${label}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${label}: not valid JSON: ${(err as Error).message}`);
  }
}
