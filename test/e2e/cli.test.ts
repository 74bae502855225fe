// The `attain` command as a user runs it: a child process, real files, exit codes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/attain.js');
const cases = join(root, 'test/fixtures/spec-cases');
let dir: string;
let db: string;

function attain(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ATTAIN_DB: '', ...env }, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'attain-cli-'));
  db = join(dir, 'demo.db');
  execFileSync(process.execPath, [bin, 'demo', '--db', db], { cwd: dir, stdio: 'ignore' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('attain calc', () => {
  it('prints the expected statements for every public case', () => {
    for (const f of readdirSync(cases).filter((n) => n.endsWith('.case.json') && !n.startsWith('e'))) {
      const r = attain(['calc', join(cases, f)]);
      expect(r.code, f).toBe(0);
      const got = JSON.parse(r.stdout);
      const expected = JSON.parse(readFileSync(join(cases, f.replace('.case.json', '.expected.json')), 'utf8'));
      expect(got.statements.map((s: { payout: string }) => s.payout)).toEqual(expected.statements.map((s: { payout: string }) => s.payout));
    }
  });

  it('rejects a bad case naming the field, with no stack and no partial output', () => {
    const r = attain(['calc', join(cases, 'e01-negative-amount.case.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/credits\[0\]\.amount: must be greater than 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads YAML and reports unreadable files plainly', () => {
    const yamlCase = join(dir, 'c.yaml');
    writeFileSync(
      yamlCase,
      [
        'plan:',
        '  { id: p, version: 1, name: P, currency: EUR, period: year, components: [ { kind: commission, id: b, tiering: marginal, tiers: [ { upTo: null, rate: "0.05" } ] } ] }',
        'quotas: { "2027": "1000" }',
        'credits: [ { dealId: A, amount: "10.01", closedAt: "2027-06-30" } ]',
      ].join('\n'),
    );
    const r = attain(['calc', yamlCase]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).statements[0].payout).toBe('0.50');
    expect(attain(['calc', join(dir, 'missing.json')]).stderr).toMatch(/no such file/);
    writeFileSync(join(dir, 'broken.json'), '{"plan": ');
    const broken = attain(['calc', join(dir, 'broken.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not valid JSON/);
  });
});

describe('attain tool', () => {
  it('runs a tool as a demo user and prints JSON', () => {
    const r = attain(['tool', 'get_quota_attainment', '--as', 'rep-carla', '--db', db]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).self.attainment).toBe('0.9200');
  });

  it('answers a manager with the team roll-up', () => {
    const r = attain(['tool', 'get_quota_attainment', '--as', 'mgr-east', '--db', db]);
    const out = JSON.parse(r.stdout);
    expect(out.team.members.map((m: { user: { id: string } }) => m.user.id)).toContain('rep-carla');
  });

  it('exits non-zero with FORBIDDEN for another rep, printing no data', () => {
    const r = attain(['tool', 'get_commission_statement', '--as', 'rep-ana', '--db', db, '--input', '{"userId":"rep-carla"}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/FORBIDDEN/);
  });

  it('names the bad field of an invalid input', () => {
    const r = attain(['tool', 'estimate_commission', '--as', 'rep-ana', '--db', db, '--input', '{"amount":"12x"}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/amount: must be a decimal string/);
  });

  it('explains a missing database and an unknown user', () => {
    expect(attain(['tool', 'list_reps', '--as', 'rep-ana', '--db', join(dir, 'nope.db')]).stderr).toMatch(/no database at .*attain demo/);
    expect(attain(['tool', 'list_reps', '--as', 'ghost', '--db', db]).stderr).toMatch(/No user with id "ghost"/);
  });

  it('lists the tools', () => {
    const r = attain(['tools']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/estimate_commission/);
  });
});
