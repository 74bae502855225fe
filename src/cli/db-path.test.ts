import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath } from './db-path.ts';

describe('resolveDbPath', () => {
  it('prefers --db, then ATTAIN_DB, then .attain/attain.db under the cwd', () => {
    expect(resolveDbPath('x/flag.db', { ATTAIN_DB: '/env.db' })).toBe(resolve('x/flag.db'));
    expect(resolveDbPath(undefined, { ATTAIN_DB: '/data/env.db' })).toBe('/data/env.db');
    expect(resolveDbPath(undefined, { ATTAIN_DB: '  ' })).toBe(join(process.cwd(), '.attain', 'attain.db'));
    expect(resolveDbPath(undefined, {})).toBe(join(process.cwd(), '.attain', 'attain.db'));
    expect(resolveDbPath(':memory:', {})).toBe(':memory:');
  });
});
