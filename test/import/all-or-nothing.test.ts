// All or nothing: a refused file leaves the database file byte-for-byte as it was, and an
// import SIGKILLed in the middle of its write pass leaves the previous, consistent state.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDeals } from '../../src/import/deals.ts';
import { ImportValidationError } from '../../src/import/errors.ts';
import { sectionOf } from '../../src/import/mapping.ts';
import { importUsers } from '../../src/import/small-files.ts';
import { syntheticMapping, syntheticUsersCsv, writeSyntheticDeals } from '../../src/import/synthetic.ts';
import { openStore } from '../../src/store/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'attain-aon-'));
const deals = sectionOf(syntheticMapping, 'deals');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A database with 50 reps and 2,000 deals, closed (checkpointed, no -wal left). */
async function seededDb(name: string): Promise<string> {
  const db = join(dir, name);
  const users = join(dir, `${name}.users.csv`);
  const first = join(dir, `${name}.deals.csv`);
  writeFileSync(users, syntheticUsersCsv(50));
  await writeSyntheticDeals(first, 2000, 50, 7);
  const store = openStore(db);
  importUsers(store, users, sectionOf(syntheticMapping, 'users'));
  importDeals(store, first, deals, { snapshotAt: '2025-05-01' });
  store.close();
  return db;
}

function counts(db: string) {
  const store = openStore(db);
  try {
    const s = store.sqlite;
    return {
      integrity: s.pragma('integrity_check', { simple: true }),
      foreignKeys: s.pragma('foreign_key_check'),
      row: s.prepare('SELECT (SELECT count(*) FROM deals) deals, (SELECT count(*) FROM deal_history) history, (SELECT count(*) FROM credits) credits, (SELECT count(*) FROM import_runs) runs, (SELECT max(updated_at) FROM deals) updated').get(),
    };
  } finally {
    store.close();
  }
}

let db: string;
beforeAll(async () => {
  db = await seededDb('a.db');
});

describe('a refused file', () => {
  it('leaves the database byte-for-byte unchanged', async () => {
    const before = sha(db);
    const bad = join(dir, 'corrupt.csv');
    await writeSyntheticDeals(bad, 3000, 50, 9);
    // Corrupt row 2,500: an amount no parser should accept.
    const lines = readFileSync(bad, 'utf8').split('\n');
    lines[2500] = lines[2500]!.replace(/"[\d,]+\.\d\d"/, '"12,34x.00"');
    writeFileSync(bad, lines.join('\n'));
    const store = openStore(db);
    let err: unknown;
    try {
      importDeals(store, bad, deals, { snapshotAt: '2025-06-01' });
    } catch (e) {
      err = e;
    } finally {
      store.close();
    }
    expect(err).toBeInstanceOf(ImportValidationError);
    expect((err as ImportValidationError).issues).toEqual([{ line: 2501, column: 'amount', message: expect.stringMatching(/12,34x\.00/) }]);
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(sha(db)).toBe(before);

    // A structurally broken file (an unclosed quote) is refused the same way.
    writeFileSync(bad, readFileSync(bad, 'utf8').split('\n').slice(0, 100).join('\n') + '\nOPP-X,"Unterminated, deal,rep1,Acme,100,USD,Won,100,2024-01-01,2025-01-01,new,\n');
    const again = openStore(db);
    try {
      expect(() => importDeals(again, bad, deals, { snapshotAt: '2025-06-01' })).toThrow(/corrupt\.csv:101: not valid CSV: Quote Not Closed/);
    } finally {
      again.close();
    }
    expect(sha(db)).toBe(before);
  });
});

describe('a killed import', () => {
  it('leaves the previous state, consistent, when SIGKILLed mid-write', async () => {
    const killDb = await seededDb('k.db');
    const before = counts(killDb);
    const big = join(dir, 'big.csv');
    await writeSyntheticDeals(big, 40_000, 50, 11);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child-import.ts'), killDb, big], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killedAt = '';
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /writing: ([1-9]0)%/.exec(stderr);
      if (m && !killedAt) {
        killedAt = m[0];
        child.kill('SIGKILL');
      }
    });
    const { signal } = await exit;
    expect(stderr).not.toMatch(/done/);
    expect(signal, stderr).toBe('SIGKILL');
    expect(killedAt).toMatch(/writing/);
    const after = counts(killDb);
    expect(after.integrity).toBe('ok');
    expect(after.foreignKeys).toEqual([]);
    expect(after.row).toEqual(before.row);
  }, 120_000);
});
