// `attain tool NAME --as USER --input JSON` runs one registry tool and prints its output;
// `attain tools` lists the registry.
import { parseArgs } from 'node:util';
import { contextFor } from '../app/context.ts';
import { runTool } from '../tools/define-tool.ts';
import { AttainError } from '../tools/errors.ts';
import { findTool, tools } from '../tools/index.ts';
import { silentLogger } from '../tools/context.ts';
import { CliError } from './io.ts';
import { openExistingStore } from './open-store.ts';


export function runTools(): string {
  return tools.map((t) => `${t.name}  (${t.title})\n  ${t.description}`).join('\n\n');
}

export async function runToolCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { as: { type: 'string' }, input: { type: 'string' }, db: { type: 'string' } },
  });
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new CliError("usage: attain tool NAME --as USER_ID [--input '{json}'] [--db PATH]", 2);
  const tool = findTool(name);
  if (!tool) throw new CliError(`unknown tool "${name}"; \`attain tools\` lists them`, 2);
  const actorId = values.as ?? process.env.ATTAIN_USER;
  if (!actorId) throw new CliError('who is asking? pass --as USER_ID (or set ATTAIN_USER)', 2);
  let input: unknown = {};
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch (err) {
      throw new CliError(`--input is not valid JSON: ${(err as Error).message}`, 2);
    }
  }
  // Inputs are strict-schema shaped (every key present, null = default); fill omitted keys.
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const filled: Record<string, unknown> = {};
    for (const key of Object.keys(tool.input.shape)) filled[key] = null;
    input = { ...filled, ...(input as Record<string, unknown>) };
  }
  const store = openExistingStore(values.db);
  try {
    const ctx = contextFor(store, actorId, { logger: silentLogger });
    const output = await runTool(tool, input, ctx);
    return JSON.stringify(output, null, 2);
  } catch (err) {
    if (err instanceof AttainError) throw new CliError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    store.close();
  }
}
