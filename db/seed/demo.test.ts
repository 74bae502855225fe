import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/engine/money.ts';
import { daysBetween, periodOf } from '../../src/engine/periods.ts';
import { parsePlan } from '../../src/engine/plan.ts';
import { type SqliteStore, openStore } from '../../src/store/sqlite-store.ts';
import { DEMO_IDS, DEMO_PLANS, DEMO_TODAY, INJECTION_DEAL_NAME, demoSummary, seedDemo } from './demo.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const QUARTER = { period: 'quarter', fiscalYearStartMonth: 1 } as const;

/** Every application table, every row, in insertion order. */
function dump(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

let store: SqliteStore;

beforeAll(() => {
  store = openStore(':memory:');
  seedDemo(store);
});
afterAll(() => store.close());

describe('seedDemo', () => {
  it('is deterministic: two fresh stores hold identical data', () => {
    const other = openStore(':memory:');
    try {
      seedDemo(other);
      const a = dump(store.sqlite);
      const b = dump(other.sqlite);
      expect(Object.keys(a)).toContain('deals');
      expect(b).toEqual(a);
    } finally {
      other.close();
    }
  });

  it('pins the demo clock and marks the database as a demo', () => {
    expect(store.getMeta('demo.today')).toBe(DEMO_TODAY);
    expect(store.getMeta('demo.seed')).toMatch(/^\d+$/);
  });

  it('stays modest in volume', () => {
    const s = demoSummary(store);
    expect(s.deals.total).toBeGreaterThan(200);
    expect(s.deals.total).toBeLessThan(1000);
  });
});

describe('plans', () => {
  it('every plan validates and is stored', () => {
    for (const doc of DEMO_PLANS) {
      expect(() => parsePlan(doc)).not.toThrow();
      expect(store.getPlan(doc.id, doc.version)?.name).toBe(doc.name);
    }
    expect(store.listPlans().map((p) => `${p.id}@${p.version}`)).toEqual(['ae-marginal@1', 'ae-marginal@2', 'ae-retro@1']);
  });

  it('has a marginal plan with accelerators, multiplier, cap, SPIF, bonus and clawback', () => {
    const plan = store.getPlan('ae-marginal', 1)!;
    expect(plan).toMatchObject({ currency: 'USD', period: 'quarter', fiscalYearStartMonth: 1, clawback: { withinDays: 180 } });
    const base = plan.components.find((c) => c.kind === 'commission');
    expect(base).toMatchObject({ tiering: 'marginal' });
    if (base?.kind !== 'commission') throw new Error('no commission');
    expect(base.tiers.map((t) => t.rate.toString())).toEqual(['0.06', '0.09', '0.13', '0.16']);
    expect(base.multipliers.length).toBeGreaterThan(0);
    expect(base.cap?.toString()).toBe('60000');
    expect(plan.components.some((c) => c.kind === 'spiff' && c.from === '2026-07-01')).toBe(true);
    expect(plan.components.some((c) => c.kind === 'bonus' && c.attainmentAtLeast.eq(1))).toBe(true);
    expect(store.getPlan('ae-marginal')!.version).toBe(2);
  });

  it('has a retroactive plan with a recoverable draw', () => {
    const plan = store.getPlan('ae-retro')!;
    expect(plan.components[0]).toMatchObject({ kind: 'commission', tiering: 'retroactive' });
    expect(plan.draw?.recoverable).toBe(true);
  });
});

describe('the org', () => {
  const users = () => store.listUsers();

  it('has an admin, managers under a VP and 20+ reps with the fields filled in', () => {
    expect(store.getUser('admin')?.role).toBe('admin');
    for (const id of DEMO_IDS.managers) expect(store.getUser(id)).toMatchObject({ role: 'manager', managerId: DEMO_IDS.vp });
    const reps = users().filter((u) => u.role === 'rep');
    expect(reps.length).toBeGreaterThanOrEqual(20);
    for (const r of reps) {
      expect(r.id).toMatch(/^rep-[a-z]+$/);
      expect(r.email).toMatch(/@/);
      expect(DEMO_IDS.managers).toContain(r.managerId);
      expect(r.team).toBeTruthy();
      expect(r.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(reps.filter((r) => r.startDate! >= '2026-01-01').map((r) => r.id)).toEqual([...DEMO_IDS.newHires].sort());
    expect(users().filter((u) => u.slackUserId?.startsWith('U0')).length).toBeGreaterThanOrEqual(5);
    expect(new Set(users().map((u) => u.email)).size).toBe(users().length);
  });

  it('gives every rep an effective-dated plan and a quota for each quarter since hire', () => {
    const quarters = ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];
    for (const r of users().filter((u) => u.role === 'rep')) {
      expect(store.assignmentAt(r.id, DEMO_TODAY), r.id).toBeDefined();
      const q = store.quotasOf(r.id);
      const expected = quarters.filter((id) => r.startDate! <= periodOf(`${id.slice(0, 4)}-${String((Number(id.slice(-1)) - 1) * 3 + 1).padStart(2, '0')}-01`, QUARTER).end);
      expect([...q.keys()], r.id).toEqual(expected);
      for (const amount of q.values()) expect(amount.gt(0)).toBe(true);
    }
    expect(store.assignmentAt('rep-ana', '2026-09-30')).toMatchObject({ planId: 'ae-marginal', planVersion: 1 });
    expect(store.assignmentAt('rep-ana', '2026-10-01')).toMatchObject({ planId: 'ae-marginal', planVersion: 2 });
    expect(store.assignmentAt('rep-paula', '2026-10-01')).toMatchObject({ planId: 'ae-retro', planVersion: 1 });
    expect(store.assignmentAt('rep-yara', '2026-10-04')).toBeUndefined();
    expect(store.listStages().map((s) => `${s.order}:${s.name}:${s.status}`)).toEqual([
      '1:Prospecting:open', '2:Discovery:open', '3:Proposal:open', '4:Negotiation:open', '5:Closed Won:won', '6:Closed Lost:lost',
    ]);
  });
});

describe('closed history', () => {
  const creditsByDeal = () => {
    const map = new Map<string, ReturnType<SqliteStore['creditsOf']>>();
    for (const u of store.listUsers()) for (const c of store.creditsOf(u.id)) map.set(c.dealId, [...(map.get(c.dealId) ?? []), c]);
    return map;
  };

  it('credits every won deal in full (splits included) and no lost or open deal', () => {
    const byDeal = creditsByDeal();
    const won = store.listDeals({ status: 'won' });
    expect(won.length).toBeGreaterThan(100);
    expect(store.listDeals({ status: 'lost' }).length).toBeGreaterThan(30);
    for (const d of won) {
      const cs = byDeal.get(d.id) ?? [];
      expect(cs.length, d.id).toBeGreaterThan(0);
      expect(cs.reduce((s, c) => s.plus(c.share), new Dec(0)).eq(1), d.id).toBe(true);
      expect(cs.reduce((s, c) => s.plus(c.amount), new Dec(0)).eq(d.amount), d.id).toBe(true);
      for (const c of cs) expect(c).toMatchObject({ closedAt: d.closedAt, dealType: d.dealType, termMonths: d.termMonths, countsTowardQuota: true });
      expect(cs.some((c) => c.userId === d.ownerId)).toBe(true);
    }
    const creditedIds = new Set(byDeal.keys());
    for (const d of store.listDeals().filter((x) => x.status !== 'won')) expect(creditedIds.has(d.id), d.id).toBe(false);
    const closedDates = won.map((d) => d.closedAt!).sort();
    expect(closedDates[0]! >= '2025-10-01' && closedDates.at(-1)! < DEMO_TODAY).toBe(true);
    expect(new Set(won.map((d) => d.dealType))).toEqual(new Set(['new', 'expansion', 'renewal']));
    expect(new Set(won.map((d) => d.termMonths))).toEqual(new Set([12, 24, 36]));
  });

  it('has several split deals, one with an amount that does not divide evenly', () => {
    const splits = [...creditsByDeal().values()].filter((cs) => cs.length > 1);
    expect(splits.length).toBeGreaterThanOrEqual(3);
    const odd = creditsByDeal().get(DEMO_IDS.oddSplitDeal)!;
    expect(odd.map((c) => [c.userId, c.share.toString(), c.amount.toFixed(2)])).toEqual([
      ['rep-felix', '0.6', '74074.07'],
      ['rep-grace', '0.4', '49382.72'],
    ]);
  });

  it('has a churned deal inside the clawback window of its owner plan', () => {
    const deal = store.getDeal(DEMO_IDS.churnedDeal)!;
    const [event] = store.churnEventsOf(deal.ownerId);
    expect(event).toMatchObject({ kind: 'churn', dealId: deal.id });
    const assignment = store.assignmentAt(deal.ownerId, deal.closedAt!)!;
    const plan = store.getPlan(assignment.planId, assignment.planVersion)!;
    expect(plan.clawback).toBeDefined();
    expect(daysBetween(deal.closedAt!, event!.on)).toBeLessThanOrEqual(plan.clawback!.withinDays);
    expect(store.quotasOf(deal.ownerId).has(periodOf(event!.on, plan).id)).toBe(true);
  });

  it('has credits that qualify for the Q3 multi-year SPIF', () => {
    const qualifying = store
      .listUsers()
      .flatMap((u) => store.creditsOf(u.id, { from: '2026-07-01', to: '2026-09-30' }).map((c) => ({ u, c })))
      .filter(({ u, c }) => c.dealType === 'new' && (c.termMonths ?? 0) >= 24 && store.assignmentAt(u.id, c.closedAt)?.planId === 'ae-marginal');
    expect(qualifying.length).toBeGreaterThanOrEqual(2);
    expect(qualifying.some(({ c }) => c.dealId === DEMO_IDS.spifDeal)).toBe(true);
  });
});

describe('open pipeline', () => {
  it('has open deals closing in 2026-Q4 and 2027-Q1, with history and activities', () => {
    const open = store.listDeals({ status: 'open' });
    expect(open.length).toBeGreaterThan(50);
    const quarters = new Set(open.map((d) => periodOf(d.closeDate!, QUARTER).id));
    expect(quarters).toEqual(new Set(['2026-Q4', '2027-Q1']));
    const ids = open.map((d) => d.id);
    const history = store.dealHistory(ids);
    const acts = store.activitiesOf(ids);
    expect(new Set(history.map((h) => h.field))).toEqual(new Set(['stage', 'closeDate', 'amount']));
    for (const d of open) {
      const mine = acts.filter((a) => a.dealId === d.id);
      expect(mine.length, d.id).toBeGreaterThan(0);
      expect(mine.at(-1)!.at, d.id).toBe(d.lastActivityAt);
      expect(d.createdAt <= DEMO_TODAY && d.lastActivityAt! <= DEMO_TODAY).toBe(true);
      // Stage changes chain from one to the next, after creation, ending at the current stage.
      const stages = history.filter((h) => h.dealId === d.id && h.field === 'stage');
      stages.forEach((h, i) => {
        expect(h.at >= d.createdAt, d.id).toBe(true);
        if (i > 0) expect(h.from, d.id).toBe(stages[i - 1]!.to);
      });
      if (stages.length > 0) expect(stages.at(-1)!.to, d.id).toBe(d.stage);
    }
    for (const h of history) expect(h.at <= DEMO_TODAY).toBe(true);
    expect(open.filter((d) => d.closeDate! < DEMO_TODAY).length).toBeGreaterThanOrEqual(2);
    expect(open.filter((d) => d.nextStep === null).length).toBeGreaterThanOrEqual(2);
  });

  it('scripts the stalled rep: 92% of quota, a big deal stuck in Negotiation, quiet, pushed twice', () => {
    const carla = DEMO_IDS.stalledRep;
    const credited = store.creditsOf(carla, { from: '2026-10-01', to: '2026-12-31' }).reduce((s, c) => s.plus(c.amount), new Dec(0));
    expect(credited.div(store.quotasOf(carla).get('2026-Q4')!).toFixed(4)).toBe('0.9200');
    const deal = store.getDeal(DEMO_IDS.stalledDeal)!;
    expect(deal).toMatchObject({ ownerId: carla, stage: 'Negotiation', status: 'open' });
    expect(credited.plus(deal.amount).gt(store.quotasOf(carla).get('2026-Q4')!)).toBe(true);
    const history = store.dealHistory([deal.id]);
    const enteredNegotiation = history.filter((h) => h.field === 'stage' && h.to === 'Negotiation').at(-1)!.at;
    expect(daysBetween(enteredNegotiation, DEMO_TODAY)).toBeGreaterThanOrEqual(40);
    expect(daysBetween(deal.lastActivityAt!, DEMO_TODAY)).toBeGreaterThanOrEqual(30);
    const pushes = history.filter((h) => h.field === 'closeDate' && h.to! > h.from!);
    expect(pushes).toHaveLength(2);
    expect(store.activitiesOf([deal.id]).at(-1)!.at).toBe(deal.lastActivityAt);
  });

  it('scripts the other situations', () => {
    const open = (owner: string) => store.listDeals({ ownerIds: [owner], status: 'open' });
    expect(open(DEMO_IDS.thinPipelineRep)).toHaveLength(1);
    const healthy = open(DEMO_IDS.healthyRep);
    expect(healthy.length).toBeGreaterThanOrEqual(6);
    for (const d of healthy) {
      expect(daysBetween(d.lastActivityAt!, DEMO_TODAY)).toBeLessThanOrEqual(7);
      expect(d.nextStep).not.toBeNull();
      expect(d.closeDate! > DEMO_TODAY).toBe(true);
    }
    expect(store.getDeal(DEMO_IDS.injectionDeal)).toMatchObject({ name: INJECTION_DEAL_NAME, status: 'open' });
    expect(store.dealHistory([DEMO_IDS.amountCutDeal]).filter((h) => h.field === 'amount')).toEqual([
      { dealId: DEMO_IDS.amountCutDeal, at: '2026-11-03', field: 'amount', from: '180000.00', to: '120000.00' },
    ]);
    const regressed = store.getDeal(DEMO_IDS.regressedDeal)!;
    expect(regressed.stage).toBe('Discovery');
    expect(store.dealHistory([regressed.id]).at(-1)).toMatchObject({ field: 'stage', from: 'Proposal', to: 'Discovery' });
    expect(store.getDeal(DEMO_IDS.overdueDeal)).toMatchObject({ status: 'open', closeDate: '2026-10-31', nextStep: null });
  });
});

describe('attain demo (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attain-demo-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin', 'attain.js'), 'demo', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ATTAIN_DB: '' } });

  const dumpFile = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return dump(db);
    } finally {
      db.close();
    }
  };

  it('recreates the same database on every run and prints a tour', () => {
    const path = join(dir, 'nested', 'demo.db');
    const first = run('--db', path);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('rep-carla');
    expect(first.stdout).toContain('npx attain tool get_quota_attainment --as');
    const a = dumpFile(path);
    const second = run('--db', path);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(dumpFile(path)).toEqual(a);
  }, 60_000);

  it('refuses to overwrite a database that is not a demo', () => {
    const path = join(dir, 'real.db');
    const real = openStore(path);
    real.setMeta('company', 'ours');
    real.close();
    const before = readFileSync(path);
    const res = run('--db', path);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/not a demo database/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const again = openStore(path);
    expect(again.getMeta('company')).toBe('ours');
    expect(again.getMeta('demo.seed')).toBeUndefined();
    again.close();
    expect(existsSync(join(dir, '.attain'))).toBe(false);
  }, 60_000);
});
