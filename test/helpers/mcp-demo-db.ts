// A demo database on disk, for tests that spawn `attain` (stdio, HTTP, the Inspector) and
// for the MCP load check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../../db/seed/demo.ts';
import { issueToken } from '../../src/mcp/tokens.ts';
import { openStore } from '../../src/store/sqlite-store.ts';

export interface DemoDbFile {
  path: string;
  dir: string;
  /** Creates a bearer token for a user in this database; returns the secret. */
  token(userId: string, label?: string): { id: string; secret: string };
  remove(): void;
}

export function demoDbFile(prefix = 'attain-mcp-'): DemoDbFile {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'demo.db');
  const store = openStore(path);
  try {
    seedDemo(store);
  } finally {
    store.close();
  }
  return {
    path,
    dir,
    token(userId, label = 'test') {
      const s = openStore(path);
      try {
        const { token, secret } = issueToken(s, userId, label, new Date().toISOString());
        return { id: token.id, secret };
      } finally {
        s.close();
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
