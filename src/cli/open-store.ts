// Opening the database for a command that reads it: a missing file is a clear error,
// not a silently created empty database.
import { existsSync } from 'node:fs';
import { openStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { resolveDbPath } from './db-path.ts';
import { CliError } from './io.ts';

export function openExistingStore(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Store {
  const path = resolveDbPath(flag, env);
  if (!existsSync(path)) {
    throw new CliError(`no database at ${path}: run \`npx attain demo\` to create the demo one, or point --db / ATTAIN_DB at yours`);
  }
  return openStore(path);
}
