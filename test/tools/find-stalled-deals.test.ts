// find_stalled_deals on the demo org: the seeded situations are flagged with their evidence,
// ranked by payout leverage, stable across runs, and scoped to what the actor may see.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed/demo.ts';
import type { Store } from '../../src/store/types.ts';
import { runTool } from '../../src/tools/define-tool.ts';
import { AttainError, FORBIDDEN_MESSAGE } from '../../src/tools/errors.ts';
import { findStalledDeals } from '../../src/tools/find-stalled-deals.ts';
import { learnStageNorms } from '../../src/engine/stalled-deals.ts';
import type { SqliteStore } from '../../src/store/sqlite-store.ts';
import { DEMO_TODAY, ctxAs, demoStore } from '../helpers/demo.ts';

type Out = Awaited<ReturnType<typeof findStalledDeals.handler>>;
const input = (over: Record<string, unknown> = {}) => ({ userId: null, includeTeam: null, minSeverity: null, limit: 100, ...over });
const run = (store: Store, as: string, over: Record<string, unknown> = {}) => runTool(findStalledDeals, input(over), ctxAs(store, as)) as Promise<Out>;

async function rejects(p: Promise<unknown>, code: string): Promise<AttainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AttainError);
  expect((err as AttainError).code).toBe(code);
  return err as AttainError;
}

let store: Store;
let org: Out;
beforeAll(async () => {
  store = demoStore();
  org = await run(store, DEMO_IDS.admin);
});

const dealOf = (o: Out, id: string) => o.deals.find((d) => d.dealId === id);
const kinds = (o: Out, id: string) => dealOf(o, id)?.signals.map((s) => s.kind) ?? [];

describe('find_stalled_deals on the demo org', () => {
  it("flags Carla's big deal: 42 days in Negotiation, 33 days silent, pushed twice, just below the accelerator", async () => {
    const out = await run(store, DEMO_IDS.stalledRep);
    expect(out.includesTeam).toBe(false);
    const d = dealOf(out, DEMO_IDS.stalledDeal)!;
    expect(d.severity).toBe('critical');
    expect(d.owner.id).toBe(DEMO_IDS.stalledRep);
    expect(d.amountAtRisk).toBe('140000.00');
    expect(d.reasons[0]).toMatch(/^42 days in Negotiation; /);
    expect(d.reasons).toContain('no activity for 33 days (last 2026-10-14)');
    expect(d.reasons).toContain('close date pushed later 2 times (2026-10-30 → 2026-11-13 → 2026-12-18)');
    expect(d.signals.find((s) => s.kind === 'no_activity')).toMatchObject({ severity: 'critical', evidence: { days: 33, lastActivityAt: '2026-10-14' } });
    // Payout leverage through the comp service's estimate: from 92 % across 100 %.
    const lev = d.payoutLeverage!;
    expect(lev.period.id).toBe('2026-Q4');
    expect(lev.attainmentBefore).toBe('0.9200');
    expect(Number(lev.attainmentAfter)).toBeGreaterThan(1);
    expect(lev.tiersCrossed.some((t) => t.startsWith('100%'))).toBe(true);
    expect(Number(lev.payoutDelta)).toBeGreaterThan(0);
    expect(lev.payoutDelta).toBe((Number(lev.payoutAfter) - Number(lev.payoutBefore)).toFixed(2));
  });

  it('flags each seeded signal on its deal', () => {
    expect(kinds(org, DEMO_IDS.amountCutDeal)).toContain('amount_reduced');
    expect(kinds(org, DEMO_IDS.regressedDeal)).toContain('stage_regressed');
    expect(kinds(org, DEMO_IDS.overdueDeal)).toContain('close_date_past');
    expect(org.deals.some((d) => d.signals.some((s) => s.kind === 'next_step_missing'))).toBe(true);
    expect(dealOf(org, DEMO_IDS.regressedDeal)!.reasons).toContain('moved back from Proposal to Discovery on 2026-11-05');
  });

  it('sorts by payout leverage, unknown leverage last', () => {
    const deltas = org.deals.map((d) => (d.payoutLeverage ? Number(d.payoutLeverage.payoutDelta) : -Infinity));
    for (let i = 1; i < deltas.length; i++) expect(deltas[i]!).toBeLessThanOrEqual(deltas[i - 1]!);
    for (const d of org.deals) if (!d.payoutLeverage) expect(d.leverageNote).toBeTruthy();
  });

  it('reports the stage norms it used and the thresholds', () => {
    expect(org.stageNorms.map((n) => n.stage)).toEqual(['Prospecting', 'Discovery', 'Proposal', 'Negotiation']);
    expect(org.thresholds).toMatch(/14/);
    expect(org.evaluated).toBeGreaterThan(org.deals.length - 1);
  });

  it('filters by severity and limit', async () => {
    const out = await run(store, DEMO_IDS.admin, { minSeverity: 'critical', limit: 3 });
    expect(out.deals).toHaveLength(3);
    expect(out.deals.every((d) => d.severity === 'critical')).toBe(true);
  });

  it('learns the norms of the whole org once per day, and again after the pipeline changes', async () => {
    const fresh = demoStore() as SqliteStore;
    const learned = () => learnStageNorms({ deals: fresh.listDeals(), history: fresh.dealHistory(), stages: fresh.listStages(), asOf: DEMO_TODAY });
    const first = await run(fresh, DEMO_IDS.admin);
    expect(first.stageNorms).toEqual(learned());
    // Won deals that sat 90 days in Negotiation move its median; the same day, the tool sees it.
    const slow = Array.from({ length: 40 }, (_, i) => ({ ...fresh.getDeal(DEMO_IDS.stalledDeal)!, id: `SLOW-${i}`, status: 'won' as const, stage: 'Closed Won', createdAt: '2026-05-01', closedAt: '2026-10-01', closeDate: '2026-10-01' }));
    fresh.upsertDeals(slow, `${DEMO_TODAY}T07:00:00.000Z`);
    fresh.addDealChanges(
      slow.flatMap((d) => [
        { dealId: d.id, at: '2026-07-03', field: 'stage' as const, from: 'Prospecting', to: 'Negotiation' },
        { dealId: d.id, at: '2026-10-01', field: 'stage' as const, from: 'Negotiation', to: 'Closed Won' },
      ]),
      'crm',
    );
    const second = await run(fresh, DEMO_IDS.admin);
    expect(second.stageNorms).toEqual(learned());
    expect(second.stageNorms.find((n) => n.stage === 'Negotiation')!.medianDays).not.toBe(first.stageNorms.find((n) => n.stage === 'Negotiation')!.medianDays);
  });

  it('is stable across runs and fresh seeds', async () => {
    const again = await run(demoStore(), DEMO_IDS.admin);
    expect(again).toEqual(org);
  });
});

describe('scope', () => {
  it("a rep sees only their own deals and cannot ask for a teammate's", async () => {
    const own = await run(store, DEMO_IDS.stalledRep, { includeTeam: true });
    expect(own.deals.every((d) => d.owner.id === DEMO_IDS.stalledRep)).toBe(true);
    const err = await rejects(run(store, DEMO_IDS.stalledRep, { userId: 'rep-dev' }), 'FORBIDDEN');
    expect(err.message).toBe(FORBIDDEN_MESSAGE);
    // An unknown id gets the very same answer.
    expect((await rejects(run(store, DEMO_IDS.stalledRep, { userId: 'nobody' }), 'FORBIDDEN')).message).toBe(FORBIDDEN_MESSAGE);
  });

  it('a manager sees their team only', async () => {
    const east = await run(store, 'mgr-east');
    expect(east.includesTeam).toBe(true);
    const eastIds = new Set(store.listUsers().filter((u) => u.managerId === 'mgr-east').map((u) => u.id));
    expect(east.deals.length).toBeGreaterThan(0);
    expect(east.deals.every((d) => eastIds.has(d.owner.id))).toBe(true);
    expect(east.deals.map((d) => d.dealId)).toContain(DEMO_IDS.stalledDeal);
    await rejects(run(store, 'mgr-east', { userId: DEMO_IDS.healthyRep }), 'FORBIDDEN');
    const carla = await run(store, 'mgr-east', { userId: DEMO_IDS.stalledRep });
    expect(carla.deals.every((d) => d.owner.id === DEMO_IDS.stalledRep)).toBe(true);
  });
});

describe('a CRM that never records activities or next steps', () => {
  it('skips the signals built on them, says so, and still flags by the fields it has', async () => {
    const bare = demoStore() as SqliteStore;
    bare.sqlite.exec("DELETE FROM activities; UPDATE deals SET last_activity_at = NULL, next_step = NULL;");
    const out = await run(bare, 'admin');
    expect(out.skippedSignals.map((s) => s.signal)).toEqual(['no_activity', 'next_step_missing']);
    const kinds = new Set(out.deals.flatMap((d) => d.signals.map((s) => s.kind)));
    expect(kinds.has('no_activity')).toBe(false);
    expect(kinds.has('next_step_missing')).toBe(false);
    expect(kinds.has('stage_age')).toBe(true);
    expect(org.skippedSignals).toEqual([]);
    bare.close();
  });
});
