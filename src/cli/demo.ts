// `attain demo [--db PATH]`: (re)creates the demo database and prints a short tour.
//
// Contract: the result is the same on every run (the seed is deterministic and the file is
// rebuilt from scratch). Only a demo database (meta `demo.seed` present) or a missing file
// is ever deleted; any other database is refused and left untouched.
import { existsSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { type DemoSummary, demoSummary, seedDemo } from '../../db/seed/demo.ts';
import { openStore } from '../store/sqlite-store.ts';
import { resolveDbPath } from './db-path.ts';
import { CliError } from './io.ts';

export const demoUsage = 'attain demo [--db PATH]   (re)create the demo company database and print a tour';

/** True when `path` holds a database this command created (meta `demo.seed`). */
function isDemoDatabase(path: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return false;
    return db.prepare("SELECT 1 FROM meta WHERE key = 'demo.seed'").get() !== undefined;
  } catch {
    return false; // not SQLite, or unreadable: certainly not ours to delete
  } finally {
    db?.close();
  }
}

export function runDemo(argv: string[]): string {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' } }, allowPositionals: false });
  const path = resolveDbPath(values.db);
  if (path === ':memory:') throw new CliError('--db :memory: would be thrown away at exit; give a file path', 2);
  if (existsSync(path)) {
    if (!isDemoDatabase(path)) {
      throw new CliError(`${path} exists and is not a demo database; refusing to overwrite it (choose another --db PATH)`);
    }
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  }
  const store = openStore(path);
  try {
    seedDemo(store);
    return formatTour(path, demoSummary(store));
  } finally {
    store.close();
  }
}

export function formatTour(path: string, s: DemoSummary): string {
  const width = Math.max(...s.tryAs.map((u) => u.id.length));
  return [
    `Demo company written to ${path}`,
    `  "today" is pinned to ${s.today} for this database (seed v${s.seedVersion}).`,
    '',
    `Org: ${s.managers} managers, ${s.reps} reps; ${s.deals.total} deals (${s.deals.open} open, ${s.deals.won} won, ${s.deals.lost} lost).`,
    `Plans: ${s.plans.map((p) => `${p.id} v${p.version}`).join(', ')}.`,
    '',
    'Users to try (--as):',
    ...s.tryAs.map((u) => `  ${u.id.padEnd(width)}  ${u.role.padEnd(7)}  ${u.name}: ${u.why}`),
    '',
    'Try:',
    ...s.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
