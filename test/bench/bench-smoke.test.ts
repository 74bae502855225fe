// The benchmark at a small size, as a smoke test: it runs end to end, every tool answers
// without error on a synthetic org, and the report carries every figure with its ratio.
// (Timings are not asserted here; targets live in the full-size report: npm run bench.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('npm run bench -- --reps 200 produces a complete report', { timeout: 240_000 }, () => {
  const root = join(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--reps', '200', '--trials', '2000', '--samples', '10'], { cwd: root, encoding: 'utf8', timeout: 230_000 });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.size.reps).toBe(200);
  expect(report.recalculation.vsTarget.ratio).toBeGreaterThan(0);
  expect(report.recalculation.floorExactScanMs).toBeGreaterThan(0);
  expect(report.simulation.perPlan.length).toBeGreaterThan(0);
  expect(report.forecast.vsTarget.measured).toBeGreaterThan(0);
  expect(report.memory.peakRssMiB).toBeGreaterThan(0);
  const names = report.tools.map((t: { tool: string }) => t.tool);
  expect(names).toEqual(expect.arrayContaining(['get_commission_statement', 'estimate_commission', 'find_stalled_deals', 'simulate_comp_plan', 'forecast_payout']));
  for (const t of report.tools) expect({ tool: t.tool, errors: t.errors, lastError: t.lastError }).toEqual({ tool: t.tool, errors: 0, lastError: null });
});
