// forecast_payout on the demo org: reproducible, scoped, and consistent with the statement.
import { describe, expect, it } from 'vitest';
import { statementFor } from '../src/services/comp.ts';
import { runTool } from '../src/tools/define-tool.ts';
import { forecastPayout } from '../src/tools/forecast-payout.ts';
import { DEMO_TODAY, ctxAs, demoStore } from './helpers/demo.ts';

const store = demoStore();
type Out = Awaited<ReturnType<typeof forecastPayout.handler>>;
const run = async (userId: string | null, actor: string, seed: string | null = null, trials: number | null = 2000) =>
  (await runTool(forecastPayout, { userId, trials, seed }, ctxAs(store, actor))) as Out;

describe('forecast_payout', () => {
  it('is reproducible and starts from the real statement', async () => {
    const a = await run('rep-carla', 'mgr-east');
    const b = await run(null, 'rep-carla');
    expect(b).toEqual(a);
    const s = statementFor(store, store.getUser('rep-carla')!, null, DEMO_TODAY).statement;
    expect(a.current.payout).toBe(s.payout.toString());
    expect(Number(a.p10)).toBeLessThanOrEqual(Number(a.p50));
    expect(Number(a.p50)).toBeLessThanOrEqual(Number(a.p90));
    expect(Number(a.expected.payout)).toBeGreaterThanOrEqual(Number(a.current.payout));
    // Carla's stalled deal decides whether she crosses quota: it matters most.
    expect(a.deals[0]!.dealId).toBe('D-90001');
    expect(Number(a.probabilityQuota)).toBeGreaterThan(0);
  });

  it('changes with the seed only by sampling noise', async () => {
    const a = await run('rep-carla', 'rep-carla', 's1', 10_000);
    const b = await run('rep-carla', 'rep-carla', 's2', 10_000);
    expect(a.seed).toBe('s1');
    expect(Math.abs(Number(a.expected.payout) - Number(b.expected.payout)) / Number(a.expected.payout)).toBeLessThan(0.03);
  });

  it('keeps reps to themselves', async () => {
    await expect(run('rep-carla', 'rep-ben')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
