// The engine is pure: it may import decimal.js, zod and its own files, nothing else
// (no database, clock, env, network, logger).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('src/engine imports only decimal.js, zod and itself, and reads no clock or env', () => {
  const dir = import.meta.dirname;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  expect(files.length).toBeGreaterThan(3);
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      expect([spec, f]).toSatisfy(([s]: string[]) => s === 'decimal.js' || s === 'zod' || /^\.\/[\w.-]+\.ts$/.test(s!));
    }
    expect(src, f).not.toMatch(/process\.env|Date\.now\(|new Date\(\)|Math\.random\(/);
  }
});
