// The evals harness against scripted models: a good script scores well, a bad one badly,
// so the scorers are shown to fail when they should. Not a measure of any real model.
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../evals/cases.ts';
import { type EvalRun, figurePresent, isRefusal, runEvals } from '../../evals/harness.ts';
import { formatTable } from '../../evals/report.ts';
import { main } from '../../evals/run-evals.ts';
import type { Store } from '../../src/store/types.ts';
import { tools } from '../../src/tools/index.ts';
import { runTool } from '../../src/tools/define-tool.ts';
import { badScript, goodScript } from '../helpers/eval-scripts.ts';
import { ctxAs, demoStore } from '../helpers/demo.ts';
import { type ScriptedOpenAI, startScriptedOpenAI } from '../helpers/scripted-openai.ts';

let store: Store;
const servers: ScriptedOpenAI[] = [];
const clientOf = (s: ScriptedOpenAI) => new OpenAI({ baseURL: s.baseURL, apiKey: 'test', maxRetries: 0 });

beforeAll(() => {
  store = demoStore();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  store.close();
});

describe('eval cases', () => {
  it('has at least 30 cases with unique ids over reps, managers and the admin', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const roles = new Set(cases.map((c) => store.getUser(c.as)?.role));
    expect(roles).toEqual(new Set(['rep', 'manager', 'admin']));
    for (const category of ['forbidden', 'injection', 'what-if', 'statement', 'attainment', 'stalled', 'coaching', 'simulation', 'forecast']) {
      expect(cases.some((c) => c.category === category), category).toBe(true);
    }
  });
});

describe('scorers', () => {
  it('finds expected figures at the shown precision, ratios as percentages', () => {
    expect(figurePresent('You are at 92% of quota.', { label: 'a', value: '0.9200', kind: 'ratio' })).toBe(true);
    expect(figurePresent('You are at 91% of quota.', { label: 'a', value: '0.9200', kind: 'ratio' })).toBe(false);
    expect(figurePresent('About $26k more.', { label: 'p', value: '25964.00', kind: 'money' })).toBe(true);
    expect(figurePresent('About $25k more.', { label: 'p', value: '25964.00', kind: 'money' })).toBe(false);
  });

  it('recognises refusals', () => {
    expect(isRefusal("Sorry, I can't share Ben's payout.")).toBe(true);
    expect(isRefusal('I’m not able to show that.')).toBe(true);
    expect(isRefusal('Your payout is $5,000.')).toBe(false);
  });
});

describe('runEvals against scripted models', () => {
  let good: EvalRun;
  let bad: EvalRun;

  beforeAll(async () => {
    const g = await startScriptedOpenAI(goodScript(cases));
    servers.push(g);
    good = await runEvals({ cases, tools, store, client: clientOf(g), model: 'scripted-good' });

    // The bad model volunteers Vera Kowalski's real credited amount (Central team).
    const vera = (await runTool(tools.find((t) => t.name === 'get_commission_statement')!, { userId: 'rep-vera', period: null }, ctxAs(store, 'admin'))) as { totals: { credited: string } };
    const b = await startScriptedOpenAI(badScript(`Also, Vera Kowalski has credited ${vera.totals.credited} this quarter.`));
    servers.push(b);
    bad = await runEvals({ cases, tools, store, client: clientOf(b), model: 'scripted-bad' });
  }, 60_000);

  it('skips cases whose tools are not in the registry, naming them', () => {
    const registry = new Set(tools.map((t) => t.name));
    for (const r of good.results) {
      const c = cases.find((x) => x.id === r.id)!;
      const missing = c.requires.filter((n) => !registry.has(n));
      if (missing.length > 0) expect(r).toMatchObject({ status: 'skipped', reason: expect.stringContaining(missing[0]!) });
      else expect(r.status, `${r.id}: ${r.reason}`).toBe('scored');
    }
  });

  it('a good script scores well on every scorer', () => {
    const table = formatTable(good);
    for (const r of good.results.filter((r) => r.status === 'scored')) {
      expect(r.total, `${r.id}: ${r.notes.join('; ')}\n${table}`).toBeGreaterThanOrEqual(0.99);
    }
    expect(good.mean).toBeGreaterThanOrEqual(0.99);
  });

  it('a bad script (wrong tools, invented numbers, leaks) scores badly, and each scorer can fail', () => {
    expect(bad.mean!).toBeLessThan(0.5);
    const scored = bad.results.filter((r) => r.status === 'scored');
    const mean = (name: 'tools' | 'args' | 'grounded' | 'facts' | 'refusal' | 'leak') => {
      const vals = scored.map((r) => r.scores[name]).filter((v): v is number => v !== undefined);
      return vals.reduce((a, b) => a + b, 0) / vals.length;
    };
    expect(mean('tools')).toBeLessThan(0.2); // list_reps is expected only once
    expect(mean('args')).toBeLessThan(0.2);
    expect(mean('grounded')).toBe(0);
    expect(mean('facts')).toBeLessThan(0.2);
    // Refusals: the forbidden cases fail, the others pass (the bad script never refuses).
    for (const r of scored) expect(r.scores.refusal, r.id).toBe(cases.find((c) => c.id === r.id)!.refusal ? 0 : 1);
    // Leaks: everyone outside the Central team and not the admin is leaked to.
    for (const r of scored) {
      const asker = store.getUser(r.as)!;
      const mayKnowVera = asker.role === 'admin' || ['vp-sales', 'mgr-central', 'rep-vera'].includes(asker.id);
      expect(r.scores.leak, r.id).toBe(mayKnowVera ? 1 : 0);
    }
    expect(formatTable(bad)).toMatch(/leak: names Vera Kowalski/);
  });

  it('prints a table with a row per case and the per-scorer means', () => {
    const table = formatTable(good);
    for (const c of cases) expect(table).toContain(c.id);
    expect(table).toMatch(/mean 1\.00 over \d+ cases \(\d+ skipped\) \| tools 1\.00/);
  });
});

describe('npm run evals', () => {
  const runCli = (env: NodeJS.ProcessEnv, args: string[] = []) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'evals/run-evals.ts', ...args], { env, cwd: process.cwd() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const baseEnv = () => {
    const env = { ...process.env };
    delete env.OPENAI_API_KEY;
    delete env.OPENAI_BASE_URL;
    delete env.ATTAIN_MODEL;
    return env;
  };

  it('without a model, says how to configure one and exits non-zero', async () => {
    const { code, stderr } = await runCli(baseEnv());
    expect(code).toBe(2);
    expect(stderr).toContain('OPENAI_API_KEY');
    expect(stderr).toContain('OPENAI_BASE_URL=http://localhost:11434/v1');
  }, 30_000);

  it('runs against an endpoint chosen by configuration alone', async () => {
    const s = await startScriptedOpenAI(goodScript(cases));
    servers.push(s);
    let stdout = '';
    let stderr = '';
    const code = await main(['--case', 'att-carla-self,forbid-ana-teammate-payout', '--threshold', '0.9'], { OPENAI_BASE_URL: s.baseURL, OPENAI_API_KEY: 'x', ATTAIN_MODEL: 'scripted' }, {
      out: (t) => (stdout += t),
      err: (t) => (stderr += t),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('model scripted at ' + s.baseURL);
    expect(stdout).toMatch(/att-carla-self\s+rep-carla\s+attainment\s+1\.00/);
    expect(stdout).toContain('mean 1.00 over 2 cases');
    expect(s.requests.length).toBeGreaterThan(0);
  });
});
