// get_coaching_summary on the demo org: the seeded situations surface as rule-derived
// talking points; managers only; one team at a time; stable across runs.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed/demo.ts';
import type { Store } from '../../src/store/types.ts';
import { runTool } from '../../src/tools/define-tool.ts';
import { AttainError } from '../../src/tools/errors.ts';
import { getCoachingSummary } from '../../src/tools/get-coaching-summary.ts';
import { ctxAs, demoStore } from '../helpers/demo.ts';

type Out = Awaited<ReturnType<typeof getCoachingSummary.handler>>;
const run = (store: Store, as: string, over: Record<string, unknown> = {}) =>
  runTool(getCoachingSummary, { managerId: null, period: null, stalledPerRep: null, ...over }, ctxAs(store, as)) as Promise<Out>;
const repOf = (o: Out, id: string) => o.reps.find((r) => r.user.id === id)!;
const rules = (o: Out, id: string) => repOf(o, id).talkingPoints.map((p) => p.rule);

let store: Store;
let west: Out;
let east: Out;
beforeAll(async () => {
  store = demoStore();
  west = await run(store, 'mgr-west');
  east = await run(store, 'mgr-east');
});

describe('get_coaching_summary on the demo org', () => {
  it('covers exactly the reps of the team, most behind pace first', () => {
    const ids = store.listUsers().filter((u) => u.managerId === 'mgr-east' && u.role === 'rep').map((u) => u.id).sort();
    expect(east.reps.map((r) => r.user.id).sort()).toEqual(ids);
    const gaps = east.reps.filter((r) => r.attainment !== null).map((r) => Number(r.attainment) - Number(r.pace));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
  });

  it("Carla: 92% with her big stalled deal and the accelerator it unlocks", () => {
    const carla = repOf(east, DEMO_IDS.stalledRep);
    expect(carla.attainment).toBe('0.9200');
    const big = carla.topStalled.find((s) => s.dealId === DEMO_IDS.stalledDeal)!;
    expect(big.severity).toBe('critical');
    expect(big.tiersCrossed.some((t) => t.startsWith('100%'))).toBe(true);
    expect(Number(big.attainmentAfter)).toBeGreaterThan(1);
    expect(rules(east, DEMO_IDS.stalledRep)).toContain('stalled_deal_crosses_tier');
    const point = carla.talkingPoints.find((p) => p.rule === 'stalled_deal_crosses_tier')!;
    expect(point.text).toMatch(/takes attainment from 92\.0% to \d+\.\d%, unlocking 100%/);
  });

  it('Ben: behind pace with thin pipeline; Ana: neither', () => {
    const ben = repOf(west, DEMO_IDS.thinPipelineRep);
    expect(ben.status).toBe('behind');
    expect(rules(west, DEMO_IDS.thinPipelineRep)).toEqual(expect.arrayContaining(['behind_pace', 'thin_pipeline']));
    expect(Number(ben.coverage)).toBeLessThan(Number(ben.requiredCoverage));
    expect(ben.talkingPoints.find((p) => p.rule === 'thin_pipeline')!.text).toContain(`${Number(ben.pipelineToBuild).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD more to build`);
    const ana = rules(west, DEMO_IDS.healthyRep);
    expect(ana).not.toContain('behind_pace');
    expect(ana).not.toContain('thin_pipeline');
  });

  it('talking points only restate numbers present in the facts', () => {
    for (const r of [...west.reps, ...east.reps]) {
      for (const p of r.talkingPoints) expect(p.text.length).toBeGreaterThan(10);
      const money = (v: string) => `${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`;
      if (r.status === 'behind') expect(r.talkingPoints[0]!.text).toContain(`${money(r.gapToQuota!)} to go`);
      for (const s of r.topStalled) if (s.payoutLeverage !== null && r.talkingPoints.some((p) => p.text.startsWith(s.name))) expect(r.talkingPoints.map((p) => p.text).join(' ')).toContain(money(s.payoutLeverage));
    }
    expect(west.rules).toMatch(/behind_pace/);
  });

  it('is stable across runs and fresh seeds', async () => {
    expect(await run(demoStore(), 'mgr-east')).toEqual(east);
  });

  it('is for managers and admins only, one visible team at a time', async () => {
    const e1 = await run(store, DEMO_IDS.stalledRep).catch((e: unknown) => e);
    expect((e1 as AttainError).code).toBe('FORBIDDEN');
    const e2 = await run(store, 'mgr-east', { managerId: 'mgr-west' }).catch((e: unknown) => e);
    expect((e2 as AttainError).code).toBe('FORBIDDEN');
    const admin = await run(store, DEMO_IDS.admin, { managerId: 'mgr-west' });
    expect(admin.reps.map((r) => r.user.id).sort()).toEqual(west.reps.map((r) => r.user.id).sort());
  });
});
