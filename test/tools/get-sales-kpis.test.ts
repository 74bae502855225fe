// get_sales_kpis on the demo org: formulas and inputs with every value, team medians,
// stable across runs, and scoped.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed/demo.ts';
import type { Store } from '../../src/store/types.ts';
import { runTool } from '../../src/tools/define-tool.ts';
import { AttainError, FORBIDDEN_MESSAGE } from '../../src/tools/errors.ts';
import { getSalesKpis, KPI_ROWS } from '../../src/tools/get-sales-kpis.ts';
import { ctxAs, demoStore } from '../helpers/demo.ts';

type Out = Awaited<ReturnType<typeof getSalesKpis.handler>>;
const run = (store: Store, as: string, over: Record<string, unknown> = {}) =>
  runTool(getSalesKpis, { userId: null, period: null, includeTeam: null, ...over }, ctxAs(store, as)) as Promise<Out>;
const row = (o: Out, name: string) => o.kpis.find((k) => k.name === name)!;

let store: Store;
beforeAll(() => {
  store = demoStore();
});

describe('get_sales_kpis on the demo org', () => {
  it('gives every KPI with formula and detail; forecast accuracy is reported as not recorded', async () => {
    const out = await run(store, DEMO_IDS.thinPipelineRep);
    expect(out.scope).toBe('user');
    expect(out.period.id).toBe('2026-Q4');
    expect(out.kpis.map((k) => k.name)).toEqual([...KPI_ROWS]);
    for (const k of out.kpis) {
      expect(k.formula).toMatch(/=/);
      expect(k.detail.length).toBeGreaterThan(5);
    }
    expect(row(out, 'forecast_accuracy')).toMatchObject({ value: null, teamMedian: null });
    expect(row(out, 'forecast_accuracy').detail).toMatch(/^not recorded/);
    expect(out.stageConversion.map((s) => s.stage)).toEqual(['Prospecting', 'Discovery', 'Proposal', 'Negotiation']);
  });

  it("shows Ben's thin pipeline: coverage below what his win rate requires, team median beside it", async () => {
    const out = await run(store, DEMO_IDS.thinPipelineRep);
    const cov = row(out, 'pipeline_coverage');
    const req = row(out, 'required_coverage');
    expect(Number(cov.value)).toBeLessThan(Number(req.value));
    expect(cov.teamMedian).not.toBeNull();
    expect(Number(cov.value)).toBeLessThan(Number(cov.teamMedian));
    expect(row(out, 'attainment').value).toBe('0.3500');
    expect(out.comparisonGroup).toMatch(/reps under the same manager/);
  });

  it("Carla's attainment is 92%", async () => {
    expect(row(await run(store, DEMO_IDS.stalledRep), 'attainment').value).toBe('0.9200');
  });

  it('reports ramp time for a new hire only', async () => {
    const will = await run(store, DEMO_IDS.newHires[0]);
    expect(row(will, 'ramp_periods').detail).toMatch(/^started 2026-07-06/);
    expect(row(await run(store, DEMO_IDS.healthyRep), 'ramp_periods').detail).toMatch(/^not a new rep/);
  });

  it('a manager gets the team, with each member and the medians over them', async () => {
    const out = await run(store, 'mgr-west');
    expect(out.scope).toBe('team');
    const west = store.listUsers().filter((u) => u.managerId === 'mgr-west' && u.role === 'rep').map((u) => u.id).sort();
    expect(out.members!.map((m) => m.user.id).sort()).toEqual(west);
    expect(row(out, 'attainment').teamMedian).not.toBeNull();
    const alone = await run(store, 'mgr-west', { userId: DEMO_IDS.healthyRep });
    expect(alone.scope).toBe('user');
  });

  it('is stable across runs and fresh seeds', async () => {
    expect(await run(demoStore(), 'mgr-east')).toEqual(await run(store, 'mgr-east'));
  });

  it("a rep cannot see a teammate's KPIs; a manager cannot see another team", async () => {
    const err = await run(store, DEMO_IDS.thinPipelineRep, { userId: DEMO_IDS.healthyRep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttainError);
    expect((err as AttainError).code).toBe('FORBIDDEN');
    expect((err as AttainError).message).toBe(FORBIDDEN_MESSAGE);
    const err2 = await run(store, 'mgr-east', { userId: DEMO_IDS.healthyRep }).catch((e: unknown) => e);
    expect((err2 as AttainError).code).toBe('FORBIDDEN');
  });
});
