import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deal } from '../engine/deals.ts';
import { dec } from '../engine/money.ts';
import { ValidationError } from '../engine/plan.ts';
import { type SqliteStore, openStore } from './sqlite-store.ts';
import type { User } from './types.ts';

const plan = (version: number, rate = '0.08') => ({
  id: 'ae',
  version,
  name: `AE v${version}`,
  currency: 'USD',
  period: 'quarter',
  components: [{ kind: 'commission', id: 'base', tiering: 'marginal', tiers: [{ upTo: null, rate }] }],
});

const user = (id: string, over: Partial<User> = {}): User => ({
  id,
  name: id.toUpperCase(),
  email: `${id}@example.com`,
  slackUserId: null,
  role: 'rep',
  managerId: null,
  team: null,
  startDate: null,
  ...over,
});

const deal = (id: string, over: Partial<Deal> = {}): Deal => ({
  id,
  name: `Deal ${id}`,
  ownerId: 'rep-a',
  account: 'Acme',
  amount: dec('1000'),
  currency: 'USD',
  stage: 'Prospecting',
  status: 'open',
  probability: null,
  createdAt: '2026-01-05',
  closeDate: '2026-03-31',
  closedAt: null,
  dealType: 'new',
  termMonths: 12,
  nextStep: null,
  lastActivityAt: null,
  ...over,
});

let store: SqliteStore;

beforeEach(() => {
  store = openStore(':memory:');
  store.upsertUsers([
    user('boss', { role: 'admin' }),
    user('mgr', { role: 'manager', managerId: 'boss', team: 'West' }),
    user('rep-a', { managerId: 'mgr', team: 'West', slackUserId: 'U01', startDate: '2025-02-01' }),
    user('rep-b', { managerId: 'mgr', team: 'West' }),
  ]);
  store.upsertStages([
    { name: 'Prospecting', order: 1, status: 'open' },
    { name: 'Closed Won', order: 5, status: 'won' },
    { name: 'Closed Lost', order: 6, status: 'lost' },
  ]);
});

afterEach(() => store.close());

describe('openStore', () => {
  it('applies the real migrations and sets the pragmas on a file database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-store-'));
    try {
      const s = openStore(join(dir, 'nested', 'attain.db'));
      expect(s.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(s.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(s.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      s.setMeta('k', 'v');
      s.close();
      const again = openStore(join(dir, 'nested', 'attain.db')); // migrations are idempotent
      expect(again.getMeta('k')).toBe('v');
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enforces foreign keys', () => {
    expect(() => store.upsertDeals([deal('d1', { ownerId: 'nobody' })], '2026-01-05T00:00:00Z')).toThrow(/FOREIGN KEY/);
  });
});

describe('money is exact', () => {
  it('round-trips large amounts and trailing zeros through TEXT', () => {
    store.upsertDeals([deal('big', { amount: dec('12345678901234567.89'), probability: dec('0.10') })], '2026-01-05T00:00:00Z');
    store.setQuotas([
      { userId: 'rep-a', periodId: '2026-Q1', amount: dec('0.10') },
      { userId: 'rep-a', periodId: '2026-Q2', amount: dec('99999999999999999999.99') },
    ]);
    const got = store.getDeal('big')!;
    expect(got.amount.toFixed(2)).toBe('12345678901234567.89');
    expect(got.amount.eq('12345678901234567.89')).toBe(true);
    expect(got.probability!.toFixed(2)).toBe('0.10');
    const q = store.quotasOf('rep-a');
    expect([...q.keys()]).toEqual(['2026-Q1', '2026-Q2']);
    expect(q.get('2026-Q1')!.toFixed(2)).toBe('0.10');
    expect(q.get('2026-Q2')!.toFixed(2)).toBe('99999999999999999999.99');
    // Stored as TEXT, digit for digit.
    const raw = store.sqlite.prepare("SELECT amount, typeof(amount) AS t FROM deals WHERE id = 'big'").get() as { amount: string; t: string };
    expect(raw).toEqual({ amount: '12345678901234567.89', t: 'text' });
  });

  it('maps credits to engine credits with their share', () => {
    store.upsertDeals([deal('d1', { status: 'won', stage: 'Closed Won', closedAt: '2026-02-10', amount: dec('1000.01') })], '2026-02-10T00:00:00Z');
    store.saveCredits([
      { id: 'c1', dealId: 'd1', userId: 'rep-a', share: dec('0.6'), amount: dec('600.01'), closedAt: '2026-02-10', dealType: 'new', termMonths: 24, countsTowardQuota: true },
      { id: 'c2', dealId: 'd1', userId: 'rep-b', share: dec('0.4'), amount: dec('400.00'), closedAt: '2026-02-10', countsTowardQuota: false },
    ]);
    const [a] = store.creditsOf('rep-a');
    expect(a).toMatchObject({ id: 'c1', dealId: 'd1', userId: 'rep-a', closedAt: '2026-02-10', dealType: 'new', termMonths: 24, countsTowardQuota: true });
    expect(a!.share.toString()).toBe('0.6');
    expect(a!.amount.toFixed(2)).toBe('600.01');
    const [b] = store.creditsOf('rep-b');
    expect(b).not.toHaveProperty('dealType');
    expect(b).not.toHaveProperty('termMonths');
    expect(b!.countsTowardQuota).toBe(false);
    expect(store.creditsOf('rep-a', { from: '2026-02-11' })).toEqual([]);
    expect(store.creditsOf('rep-a', { from: '2026-02-10', to: '2026-02-10' })).toHaveLength(1);
    expect(store.creditsOf('rep-a', { to: '2026-02-09' })).toEqual([]);
  });

  it('refuses a Dec that is not finite', () => {
    expect(() => store.setQuotas([{ userId: 'rep-a', periodId: '2026-Q1', amount: dec('1').div(0) }])).toThrow(/finite/);
  });
});

describe('plans', () => {
  it('validates, stores versions, and returns the latest by default', () => {
    store.savePlan(plan(1), '2026-01-01T00:00:00.000Z');
    store.savePlan(plan(2, '0.09'), '2026-04-01T00:00:00.000Z');
    expect(store.getPlan('ae')!.version).toBe(2);
    expect(store.getPlan('ae', 1)!.components[0]).toMatchObject({ kind: 'commission', tiering: 'marginal' });
    expect(store.getPlan('ae', 3)).toBeUndefined();
    expect(store.getPlan('nope')).toBeUndefined();
    expect(store.listPlans()).toEqual([
      { id: 'ae', version: 1, name: 'AE v1' },
      { id: 'ae', version: 2, name: 'AE v2' },
    ]);
  });

  it('refuses an existing version and an invalid document', () => {
    store.savePlan(plan(1));
    expect(() => store.savePlan(plan(1, '0.5'))).toThrow(/already exists/);
    expect(store.getPlan('ae')!.document.components[0]).toMatchObject({ tiers: [{ upTo: null, rate: '0.08' }] });
    expect(() => store.savePlan({ ...plan(2), currency: 'XXX' })).toThrow(ValidationError);
    expect(store.listPlans()).toHaveLength(1);
  });

  it('resolves effective-dated assignments, inclusive at both ends', () => {
    store.savePlan(plan(1));
    store.savePlan(plan(2));
    store.assignPlan({ userId: 'rep-a', planId: 'ae', planVersion: 1, effectiveFrom: '2026-01-01', effectiveTo: '2026-06-30' });
    store.assignPlan({ userId: 'rep-a', planId: 'ae', planVersion: 2, effectiveFrom: '2026-07-01', effectiveTo: null });
    expect(store.assignmentAt('rep-a', '2025-12-31')).toBeUndefined();
    expect(store.assignmentAt('rep-a', '2026-01-01')?.planVersion).toBe(1);
    expect(store.assignmentAt('rep-a', '2026-06-30')?.planVersion).toBe(1);
    expect(store.assignmentAt('rep-a', '2026-07-01')?.planVersion).toBe(2);
    expect(store.assignmentAt('rep-a', '2030-01-01')).toEqual({ userId: 'rep-a', planId: 'ae', planVersion: 2, effectiveFrom: '2026-07-01', effectiveTo: null });
    expect(store.assignmentsOf('rep-a').map((a) => a.planVersion)).toEqual([1, 2]);
    expect(store.assignmentAt('rep-b', '2026-07-01')).toBeUndefined();
    // An assignment must point at a stored plan version.
    expect(() => store.assignPlan({ userId: 'rep-b', planId: 'ae', planVersion: 9, effectiveFrom: '2026-01-01', effectiveTo: null })).toThrow(/FOREIGN KEY/);
  });
});

describe('users and hierarchy', () => {
  it('finds users by id, Slack id and email; keeps the manager chain', () => {
    expect(store.listUsers().map((u) => u.id)).toEqual(['boss', 'mgr', 'rep-a', 'rep-b']);
    expect(store.getUser('rep-a')).toEqual(user('rep-a', { managerId: 'mgr', team: 'West', slackUserId: 'U01', startDate: '2025-02-01' }));
    expect(store.getUser('mgr')!.managerId).toBe('boss');
    expect(store.listUsers().filter((u) => u.managerId === 'mgr').map((u) => u.id)).toEqual(['rep-a', 'rep-b']);
    expect(store.findUserBySlackId('U01')?.id).toBe('rep-a');
    expect(store.findUserByEmail('REP-B@Example.com')?.id).toBe('rep-b');
    expect(store.findUserByEmail('nobody@example.com')).toBeUndefined();
    store.setSlackUserId('rep-b', 'U02');
    expect(store.findUserBySlackId('U02')?.id).toBe('rep-b');
    expect(() => store.setSlackUserId('ghost', 'U03')).toThrow(/no user/);
    expect(() => store.setSlackUserId('rep-b', 'U01')).toThrow(/UNIQUE/);
  });
});

describe('pipeline', () => {
  it('lists deals by owner and status, with history and activities in order', () => {
    store.upsertDeals(
      [deal('d2', { ownerId: 'rep-b' }), deal('d1'), deal('d3', { status: 'won', stage: 'Closed Won', closedAt: '2026-03-01' })],
      '2026-03-01T00:00:00Z',
    );
    expect(store.listDeals().map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    expect(store.listDeals({ ownerIds: ['rep-a'] }).map((d) => d.id)).toEqual(['d1', 'd3']);
    expect(store.listDeals({ ownerIds: ['rep-a'], status: 'open' }).map((d) => d.id)).toEqual(['d1']);
    expect(store.listDeals({ ownerIds: [] })).toEqual([]);
    store.addDealChanges(
      [
        { dealId: 'd1', at: '2026-02-01', field: 'stage', from: 'Prospecting', to: 'Discovery' },
        { dealId: 'd1', at: '2026-01-10', field: 'amount', from: '2000', to: '1000' },
        { dealId: 'd2', at: '2026-01-11', field: 'closeDate', from: '2026-02-28', to: '2026-03-31' },
      ],
      'seed',
    );
    expect(store.dealHistory(['d1']).map((c) => c.at)).toEqual(['2026-01-10', '2026-02-01']);
    expect(store.dealHistory().map((c) => c.dealId)).toEqual(['d1', 'd2', 'd1']);
    expect(store.dealHistory([])).toEqual([]);
    store.upsertActivities([
      { id: 'a2', dealId: 'd1', userId: 'rep-a', kind: 'meeting', at: '2026-02-03', subject: 'Demo' },
      { id: 'a1', dealId: 'd1', userId: 'rep-a', kind: 'call', at: '2026-01-20', subject: 'Intro' },
      { id: 'a3', dealId: null, userId: 'rep-a', kind: 'note', at: '2026-01-21', subject: 'Territory' },
    ]);
    expect(store.activitiesOf(['d1']).map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(store.listStages().map((s) => s.name)).toEqual(['Prospecting', 'Closed Won', 'Closed Lost']);
  });

  it('upserts deals in place, keeping importedAt', () => {
    store.upsertDeals([deal('d1')], '2026-01-05T00:00:00Z');
    store.upsertDeals([deal('d1', { amount: dec('750.50'), stage: 'Closed Lost', status: 'lost' })], '2026-02-05T00:00:00Z');
    expect(store.getDeal('d1')).toMatchObject({ status: 'lost', stage: 'Closed Lost' });
    expect(store.getDeal('d1')!.amount.toFixed(2)).toBe('750.50');
    const raw = store.sqlite.prepare("SELECT imported_at, updated_at FROM deals WHERE id = 'd1'").get();
    expect(raw).toEqual({ imported_at: '2026-01-05T00:00:00Z', updated_at: '2026-02-05T00:00:00Z' });
  });

  it('returns churn of deals the user holds a credit on', () => {
    store.upsertDeals(
      [deal('d1', { status: 'won', closedAt: '2026-01-10' }), deal('d2', { ownerId: 'rep-b', status: 'won', closedAt: '2026-01-11' })],
      '2026-01-11T00:00:00Z',
    );
    store.saveCredits([
      { id: 'c1', dealId: 'd1', userId: 'rep-a', share: dec('0.5'), amount: dec('500'), closedAt: '2026-01-10', countsTowardQuota: true },
      { id: 'c2', dealId: 'd1', userId: 'rep-b', share: dec('0.5'), amount: dec('500'), closedAt: '2026-01-10', countsTowardQuota: true },
      { id: 'c3', dealId: 'd2', userId: 'rep-b', share: dec('1'), amount: dec('1000'), closedAt: '2026-01-11', countsTowardQuota: true },
    ]);
    store.addChurnEvents([
      { id: 'ch2', kind: 'churn', dealId: 'd2', on: '2026-03-01' },
      { id: 'ch1', kind: 'churn', dealId: 'd1', on: '2026-02-01' },
    ]);
    expect(store.churnEventsOf('rep-a')).toEqual([{ id: 'ch1', kind: 'churn', dealId: 'd1', on: '2026-02-01' }]);
    expect(store.churnEventsOf('rep-b').map((e) => e.id)).toEqual(['ch1', 'ch2']);
    expect(store.churnEventsOf('mgr')).toEqual([]);
    expect(store.churnEventsOfDeals(['d2', 'd1']).map((e) => e.id)).toEqual(['ch1', 'ch2']);
    expect(store.churnEventsOfDeals(['d2'])).toEqual([{ id: 'ch2', kind: 'churn', dealId: 'd2', on: '2026-03-01' }]);
    expect(store.churnEventsOfDeals([])).toEqual([]);
  });
});

describe('pipeline at scale', () => {
  it('takes id lists of any length (one JSON parameter, no variable limit, no spread)', () => {
    store.upsertDeals([deal('d1'), deal('d2', { ownerId: 'rep-b' })], '2026-01-05T00:00:00Z');
    store.addDealChanges([{ dealId: 'd2', at: '2026-01-07', field: 'stage', from: 'Prospecting', to: 'Discovery' }], 'seed');
    store.upsertActivities([{ id: 'a1', dealId: 'd1', userId: 'rep-a', kind: 'call', at: '2026-01-06', subject: 'Intro' }]);
    const many = Array.from({ length: 200_000 }, (_, i) => `x${i}`);
    expect(store.listDeals({ ownerIds: [...many, 'rep-b'] }).map((d) => d.id)).toEqual(['d2']);
    expect(store.dealHistory([...many, 'd2']).map((c) => c.dealId)).toEqual(['d2']);
    expect(store.activitiesOf([...many, 'd1']).map((a) => a.id)).toEqual(['a1']);
  });

  it('streams the stage changes of won deals as of a date, deal by deal, oldest first', () => {
    store.upsertDeals(
      [
        deal('w2', { status: 'won', stage: 'Closed Won', createdAt: '2026-01-02', closedAt: '2026-02-20' }),
        deal('w1', { status: 'won', stage: 'Closed Won', createdAt: '2026-01-01', closedAt: '2026-02-10' }),
        deal('late', { status: 'won', stage: 'Closed Won', createdAt: '2026-01-01', closedAt: '2026-04-01' }),
        deal('open', { createdAt: '2026-01-01' }),
      ],
      '2026-04-01T00:00:00Z',
    );
    store.addDealChanges(
      [
        { dealId: 'w1', at: '2026-02-10T09:00:00Z', field: 'stage', from: 'Proposal', to: 'Closed Won' },
        { dealId: 'w1', at: '2026-01-20', field: 'stage', from: 'Prospecting', to: 'Proposal' },
        { dealId: 'w1', at: '2026-01-25', field: 'amount', from: '900', to: '1000' },
        { dealId: 'w2', at: '2026-01-03', field: 'stage', from: null, to: 'Prospecting' },
        { dealId: 'w2', at: '2026-02-20', field: 'stage', from: 'Prospecting', to: 'Closed Won' },
        { dealId: 'w2', at: '2026-03-05', field: 'stage', from: 'Closed Won', to: 'Prospecting' },
        { dealId: 'late', at: '2026-01-10', field: 'stage', from: 'Prospecting', to: 'Proposal' },
        { dealId: 'open', at: '2026-01-10', field: 'stage', from: 'Prospecting', to: 'Proposal' },
      ],
      'seed',
    );
    expect([...store.wonStageChanges('2026-03-01')]).toEqual([
      { dealId: 'w1', createdAt: '2026-01-01', at: '2026-01-20', from: 'Prospecting' },
      { dealId: 'w1', createdAt: '2026-01-01', at: '2026-02-10T09:00:00Z', from: 'Proposal' },
      { dealId: 'w2', createdAt: '2026-01-02', at: '2026-02-20', from: 'Prospecting' },
    ]);
    expect([...store.wonStageChanges('2026-02-10')].map((c) => c.at)).toEqual(['2026-01-20', '2026-02-10T09:00:00Z']);
  });

  it('moves its pipeline version on every pipeline write, its own or another connection\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-version-'));
    const path = join(dir, 'a.sqlite');
    const a = openStore(path);
    const b = openStore(path);
    try {
      a.upsertUsers([user('rep-a')]);
      const v0 = a.pipelineVersion();
      expect(a.pipelineVersion()).toBe(v0);
      a.upsertDeals([deal('d1')], '2026-01-05T00:00:00Z');
      const v1 = a.pipelineVersion();
      expect(v1).not.toBe(v0);
      b.addDealChanges([{ dealId: 'd1', at: '2026-01-07', field: 'stage', from: 'Prospecting', to: 'Discovery' }], 'crm');
      expect(a.pipelineVersion()).not.toBe(v1);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tokens', () => {
  it('creates, finds by hash, lists and revokes once', () => {
    const token = { id: 't1', userId: 'rep-a', label: 'laptop', hash: 'ab'.repeat(32), createdAt: '2026-01-01T00:00:00Z', revokedAt: null };
    store.createToken(token);
    store.createToken({ ...token, id: 't2', userId: 'mgr', hash: 'cd'.repeat(32) });
    expect(store.findTokenByHash('ab'.repeat(32))).toEqual(token);
    expect(store.findTokenByHash('ef'.repeat(32))).toBeUndefined();
    expect(store.listTokens().map((t) => t.id)).toEqual(['t1', 't2']);
    expect(store.listTokens('mgr').map((t) => t.id)).toEqual(['t2']);
    expect(store.revokeToken('t1', '2026-02-01T00:00:00Z')).toBe(true);
    expect(store.revokeToken('t1', '2026-03-01T00:00:00Z')).toBe(false);
    expect(store.revokeToken('nope', '2026-03-01T00:00:00Z')).toBe(false);
    expect(store.findTokenByHash('ab'.repeat(32))!.revokedAt).toBe('2026-02-01T00:00:00Z');
    expect(() => store.createToken({ ...token, id: 't3' })).toThrow(/UNIQUE/);
  });
});

describe('messages', () => {
  it('appends in sequence, loads in order and trims the oldest', () => {
    store.appendMessages('th1', 'rep-a', [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], '2026-01-01T00:00:00Z');
    store.appendMessages('th1', 'rep-a', [{ role: 'user', content: 'q3?' }], '2026-01-01T00:01:00Z');
    store.appendMessages('th2', 'rep-b', [{ role: 'user', content: 'other' }], '2026-01-01T00:02:00Z');
    expect(store.loadMessages('th1').map((m) => [m.seq, (m.message as { content: string }).content])).toEqual([
      [1, 'hi'],
      [2, 'hello'],
      [3, 'q3?'],
    ]);
    store.trimMessages('th1', 2);
    expect(store.loadMessages('th1').map((m) => m.seq)).toEqual([2, 3]);
    store.appendMessages('th1', 'rep-a', [{ role: 'assistant', content: 'ok' }], '2026-01-01T00:03:00Z');
    expect(store.loadMessages('th1').map((m) => m.seq)).toEqual([2, 3, 4]);
    store.trimMessages('th1', 0);
    expect(store.loadMessages('th1')).toEqual([]);
    expect(store.loadMessages('th2')).toHaveLength(1);
    expect(store.loadMessages('none')).toEqual([]);
  });
});

describe('transactions', () => {
  it('commits on return and rolls back on throw', () => {
    expect(store.transaction(() => (store.setMeta('a', '1'), 42))).toBe(42);
    expect(() =>
      store.transaction(() => {
        store.setMeta('b', '2');
        store.upsertDeals([deal('d1')], '2026-01-01T00:00:00Z');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getMeta('a')).toBe('1');
    expect(store.getMeta('b')).toBeUndefined();
    expect(store.getDeal('d1')).toBeUndefined();
  });

  it('rolls back a nested transaction alone, and refuses an async callback', () => {
    store.transaction(() => {
      store.setMeta('outer', 'yes');
      expect(() => store.transaction(() => (store.setMeta('inner', 'yes'), (() => { throw new Error('inner'); })()))).toThrow('inner');
    });
    expect(store.getMeta('outer')).toBe('yes');
    expect(store.getMeta('inner')).toBeUndefined();
    expect(() => store.transaction(async () => store.setMeta('async', 'yes'))).toThrow(/synchronous/);
    expect(store.getMeta('async')).toBeUndefined();
  });

  it('savePlan with an invalid document in a batch leaves nothing behind', () => {
    expect(() =>
      store.transaction(() => {
        store.savePlan(plan(1));
        store.savePlan({ ...plan(2), components: [] });
      }),
    ).toThrow(ValidationError);
    expect(store.listPlans()).toEqual([]);
  });
});
