// Where the database lives, for every command: the --db flag, else ATTAIN_DB, else
// .attain/attain.db under the current directory.
import { resolve } from 'node:path';

export const DEFAULT_DB_PATH = '.attain/attain.db';

/** Absolute path of the database (`:memory:` is passed through). */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag?.trim() || env.ATTAIN_DB?.trim() || DEFAULT_DB_PATH;
  return chosen === ':memory:' ? chosen : resolve(chosen);
}
