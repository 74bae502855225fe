// `npm run bench [-- --reps N --credits N --trials N --samples N --seed N --keep --out FILE]`
//
// Generates a synthetic org into a temporary SQLite file, then measures in one process and
// prints a JSON report with ratios against the targets of issue 6:
// - full recalculation of every statement of the year vs the floor of a raw scan that reads
//   and sums the same credits (≤ 3×);
// - p50/p99 latency of each registry tool, in-process (p99 ≤ 25 ms);
// - simulate_comp_plan over the whole org for the year (≤ 10 s);
// - forecast_payout for one rep at 10,000 trials (≤ 200 ms);
// - peak memory of the process (≤ 2 GiB).
// Progress goes to stderr; stdout holds only the JSON report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { dealProbability, forecast, type PipelineDeal } from '../src/engine/forecast.ts';
import { Dec } from '../src/engine/money.ts';
import { applyPlanEdits } from '../src/engine/plan-patch.ts';
import type { CompPlan } from '../src/engine/plan.ts';
import { seededRng } from '../src/engine/random.ts';
import { simulate, type SimulationSubject } from '../src/engine/simulate.ts';
import { calculate } from '../src/engine/statement.ts';
import { buildCase, resolvePlanPeriod } from '../src/services/comp.ts';
import { openStore } from '../src/store/sqlite-store.ts';
import type { User } from '../src/store/types.ts';
import { type ToolContext, fixedClock, silentLogger } from '../src/tools/context.ts';
import { type AnyTool, runTool } from '../src/tools/define-tool.ts';
import { AttainError } from '../src/tools/errors.ts';
import { orgWinRates } from '../src/tools/forecast-payout.ts';
import { tools } from '../src/tools/index.ts';
import { BENCH_PLANS, BENCH_QUARTERS, BENCH_TODAY, generateOrg } from './synthetic-org.ts';

const TARGETS = { recalcRatio: 3, toolP99Ms: 25, simulationMs: 10_000, forecastMs: 200, peakMemoryMiB: 2048 };

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '10000' },
    credits: { type: 'string' },
    'open-deals': { type: 'string', default: '15' },
    trials: { type: 'string', default: '10000' },
    samples: { type: 'string' },
    'tool-budget-ms': { type: 'string' },
    seed: { type: 'string', default: '20261116' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const reps = Number(args.reps);
const credits = args.credits ? Number(args.credits) : reps * 100;
const trials = Number(args.trials);
const samples = args.samples ? Number(args.samples) : reps >= 5000 ? 100 : 30;
/** Sampling of one tool stops after this long (at least 3 timed calls are made). */
const toolBudgetMs = args['tool-budget-ms'] ? Number(args['tool-budget-ms']) : reps >= 5000 ? 30_000 : 3_000;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;
const ratio = (measured: number, target: number) => ({ measured, target, ratio: round(measured / target), met: measured <= target });

// Heap is sampled between phases (the work is synchronous, a timer would never fire).
let peakHeap = 0;
const sampleHeap = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));

const dir = mkdtempSync(join(tmpdir(), 'attain-bench-'));
const dbPath = join(dir, 'org.sqlite');
const store = openStore(dbPath);
try {
  // ---------------------------------------------------------------------------------- org
  log(`generating ${reps} reps, ${credits} credits into ${dbPath}`);
  let t0 = performance.now();
  const org = generateOrg(store, { reps, credits, openDealsPerRep: Number(args['open-deals']), seed: Number(args.seed) });
  const generationMs = ms(t0);
  log(`generated in ${generationMs} ms: ${JSON.stringify({ ...org, repIds: undefined })}`);
  const clock = fixedClock(BENCH_TODAY);
  const users = store.listUsers();
  const byId = new Map(users.map((u) => [u.id, u]));
  const repUsers = org.repIds.map((id) => byId.get(id)!);
  const ctxFor = (u: User): ToolContext => ({ actor: { id: u.id, name: u.name, role: u.role }, store, clock, logger: silentLogger });

  // ------------------------------------------------------------------ floor: a raw scan
  // Reads every credit row and sums amounts exactly (Dec) per rep and quarter: the least
  // any exact recalculation must do. Best of 3. Also SQLite's own SUM (REAL, inexact) for
  // reference.
  const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  const scan = store.sqlite.prepare('SELECT user_id, closed_at, amount FROM credits ORDER BY user_id, closed_at').raw();
  let floorMs = Infinity;
  let scanned = 0;
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const sums = new Map<string, Dec>();
    scanned = 0;
    for (const row of scan.iterate() as Iterable<[string, string, string]>) {
      const key = `${row[0]}|${quarterOf(row[1])}`;
      sums.set(key, (sums.get(key) ?? new Dec(0)).plus(row[2]));
      scanned++;
    }
    floorMs = Math.min(floorMs, ms(t0));
  }
  let sqlSumMs = Infinity;
  const sqlSum = store.sqlite.prepare("SELECT user_id, substr(closed_at, 1, 7) AS m, SUM(CAST(amount AS REAL)) FROM credits GROUP BY user_id, m").raw();
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    sqlSum.all();
    sqlSumMs = Math.min(sqlSumMs, ms(t0));
  }
  log(`floor: exact scan ${floorMs} ms over ${scanned} rows; SQL SUM ${sqlSumMs} ms`);

  // ------------------------------------------------- full recalculation, through the engine
  // Every rep's year, the way statements are produced: comp service builds the case from the
  // store, `calculate` computes it. Load and compute are timed apart to show where time goes.
  log('full recalculation');
  let loadMs = 0;
  let calcMs = 0;
  let statements = 0;
  t0 = performance.now();
  for (const user of repUsers) {
    let t = performance.now();
    const resolved = resolvePlanPeriod(store, user, BENCH_QUARTERS[BENCH_QUARTERS.length - 1], BENCH_TODAY);
    const compCase = buildCase(store, user, resolved, resolved.period);
    loadMs += performance.now() - t;
    t = performance.now();
    statements += calculate(compCase).statements.length;
    calcMs += performance.now() - t;
  }
  const recalcMs = ms(t0);
  sampleHeap();
  log(`recalculation ${recalcMs} ms (load ${Math.round(loadMs)} ms, calculate ${Math.round(calcMs)} ms), ${statements} statements`);

  // ------------------------------------------------------------ whole-org simulation
  // The tool, as an admin, once per plan (everyone is on one of the two), for the year.
  log('whole-org simulation');
  const admin = ctxFor(byId.get('admin')!);
  const change = [{ edit: 'tier_rate', componentId: 'base', index: 2, value: '0.13' }];
  t0 = performance.now();
  const simOuts: { planId: string; reps: number; difference: string; ms: number }[] = [];
  for (const doc of BENCH_PLANS) {
    const t = performance.now();
    const out = (await runTool(tools.find((x) => x.name === 'simulate_comp_plan')!, { scope: 'plan', userId: null, planId: doc.id, fromPeriod: BENCH_QUARTERS[0], toPeriod: BENCH_QUARTERS[3], proposedPlanJson: null, changes: change, limit: 20 }, admin)) as { reps: number; difference: { payout: string } };
    simOuts.push({ planId: doc.id, reps: out.reps, difference: out.difference.payout, ms: ms(t) });
  }
  const simulationMs = ms(t0);
  sampleHeap();
  // The engine alone on cases already in memory (both sides: 2 × calculate per rep), in
  // chunks of 500 reps so the bench itself does not hold the whole org in memory.
  let simulationEngineMs = 0;
  const propose = (base: CompPlan) => applyPlanEdits(base.document, change.map((c) => ({ ...c, edit: 'tier_rate' as const })));
  for (let i = 0; i < repUsers.length; i += 500) {
    const chunk: SimulationSubject[] = repUsers.slice(i, i + 500).map((user) => {
      const r = resolvePlanPeriod(store, user, BENCH_QUARTERS[3], BENCH_TODAY);
      return { userId: user.id, name: user.name, baseline: buildCase(store, user, r, r.period) };
    });
    const t = performance.now();
    simulate(chunk, propose, { periodIds: new Set(BENCH_QUARTERS) });
    simulationEngineMs += performance.now() - t;
  }
  simulationEngineMs = Math.round(simulationEngineMs);
  sampleHeap();
  log(`simulation ${simulationMs} ms (engine alone ${simulationEngineMs} ms)`);

  // --------------------------------------------------------------- forecast for one rep
  log('forecast');
  const forecastTool = tools.find((x) => x.name === 'forecast_payout')!;
  const sample = byId.get(org.sampleRep)!;
  const fInput = { userId: sample.id, trials, seed: null };
  t0 = performance.now();
  await runTool(forecastTool, fInput, ctxFor(sample));
  const forecastColdMs = ms(t0);
  const warm: number[] = [];
  let lastForecast: { dealsConsidered: number } | undefined;
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    lastForecast = (await runTool(forecastTool, fInput, ctxFor(sample))) as { dealsConsidered: number };
    warm.push(ms(t0));
  }
  // Engine alone: prebuilt case and pipeline.
  const resolved = resolvePlanPeriod(store, sample, null, BENCH_TODAY);
  const fCase = buildCase(store, sample, resolved, resolved.period);
  const rates = orgWinRates(store, BENCH_TODAY);
  const pipeline: PipelineDeal[] = store.listDeals({ ownerIds: [sample.id], status: 'open' }).flatMap((d) => {
    const p = dealProbability(d, rates);
    return p ? [{ id: d.id, name: d.name, amount: d.amount, currency: d.currency, closeDate: d.closeDate, probability: p.probability, probabilitySource: p.source, stage: d.stage }] : [];
  });
  t0 = performance.now();
  const fr = forecast({ compCase: fCase, periodId: resolved.period.id, asOf: BENCH_TODAY, deals: pipeline, trials, rng: seededRng(1) });
  const forecastEngineMs = ms(t0);
  const forecastWarmMs = median(warm);
  sampleHeap();
  log(`forecast cold ${forecastColdMs} ms, warm p50 ${forecastWarmMs} ms, engine ${forecastEngineMs} ms (${fr.distinctOutcomes} distinct outcomes over ${fr.deals.length} deals)`);

  // --------------------------------------------------------------------- tool latency
  log(`tool latency, ${samples} calls each`);
  const rng = seededRng(7);
  const toolReports = [];
  for (const tool of tools) {
    const times: number[] = [];
    let errors = 0;
    let lastError: string | null = null;
    let asManager = false;
    const started = performance.now();
    for (let i = 0; i < samples + 2; i++) {
      if (i >= 5 && performance.now() - started > toolBudgetMs) break;
      const rep = repUsers[Math.floor(rng.nextFloat() * repUsers.length)]!;
      const manager = byId.get(rep.managerId!)!;
      const { input, actor } = toolCall(tool, rep, manager, asManager);
      const t = performance.now();
      try {
        await runTool(tool, input, ctxFor(actor));
      } catch (err) {
        if (err instanceof AttainError && err.code === 'FORBIDDEN' && !asManager) {
          // A rep asking about themself is refused only by manager-only tools: call it as
          // the rep's manager from now on.
          asManager = true;
          i--;
          continue;
        }
        errors++;
        lastError = err instanceof AttainError ? `${err.code}: ${err.message}` : String(err);
      }
      if (i >= 2) times.push(performance.now() - t); // 2 warm-up calls
    }
    sampleHeap();
    times.sort((a, b) => a - b);
    const p99 = round(percentile(times, 0.99));
    toolReports.push({ tool: tool.name, calls: times.length, actor: asManager || tool.name === 'simulate_comp_plan' ? 'manager' : 'rep', p50Ms: round(percentile(times, 0.5)), p99Ms: p99, errors, lastError, vsTarget: ratio(p99, TARGETS.toolP99Ms) });
    log(`  ${tool.name}: p50 ${round(percentile(times, 0.5))} ms, p99 ${p99} ms${errors ? `, ${errors} errors (${lastError})` : ''}`);
  }

  const peakRssMiB = round(process.resourceUsage().maxRSS / 1024, 1);
  const report = {
    issue: 6,
    node: process.version,
    size: { reps, credits: org.credits, users: org.users, deals: org.deals, openDeals: org.openDeals, churnEvents: org.churnEvents, historyRows: org.historyRows, statements, trials },
    generationMs,
    recalculation: {
      engineMs: recalcMs,
      loadFromStoreMs: Math.round(loadMs),
      calculateMs: Math.round(calcMs),
      floorExactScanMs: floorMs,
      floorSqlSumMs: sqlSumMs,
      perStatementUs: round((recalcMs * 1000) / statements, 1),
      vsTarget: { ...ratio(round(recalcMs / floorMs), TARGETS.recalcRatio), note: 'engine ms / exact-scan floor ms' },
      vsSqlSum: round(recalcMs / sqlSumMs),
    },
    tools: toolReports,
    simulation: { ms: simulationMs, perPlan: simOuts, engineAloneMs: simulationEngineMs, vsTarget: ratio(simulationMs, TARGETS.simulationMs) },
    forecast: {
      rep: sample.id,
      deals: lastForecast?.dealsConsidered ?? 0,
      distinctOutcomes: fr.distinctOutcomes,
      coldMs: forecastColdMs,
      warmMs: forecastWarmMs,
      engineAloneMs: forecastEngineMs,
      vsTarget: ratio(forecastWarmMs, TARGETS.forecastMs),
      note: 'cold includes learning stage win rates from the whole org history (cached per store and day)',
    },
    memory: { peakRssMiB, peakHeapMiB: round(peakHeap / 1048576, 1), vsTarget: ratio(peakRssMiB, TARGETS.peakMemoryMiB) },
  };
  const json = JSON.stringify(report, null, 2);
  process.stdout.write(json + '\n');
  if (args.out) writeFileSync(args.out, json + '\n');
} finally {
  store.close();
  if (args.keep) log(`kept ${dbPath}`);
  else rmSync(dir, { recursive: true, force: true });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 0.5);
}

/**
 * An input and an actor for one call of `tool`: known tools get a realistic call (a rep
 * about themself; a manager for simulate); any other tool gets null for every nullable
 * field and the rep's id for a field named like a user id, as the rep (or their manager
 * when the tool needs one).
 */
function toolCall(tool: AnyTool, rep: User, manager: User, asManager: boolean): { input: Record<string, unknown>; actor: User } {
  switch (tool.name) {
    case 'simulate_comp_plan':
      return {
        input: { scope: 'user', userId: rep.id, planId: null, fromPeriod: null, toPeriod: null, proposedPlanJson: null, changes: [{ edit: 'quota_factor', componentId: null, index: null, value: '1.1' }], limit: null },
        actor: manager,
      };
    case 'estimate_commission':
      return { input: { userId: rep.id, dealId: null, amount: '25000', closeDate: null, dealType: 'new', termMonths: 12 }, actor: rep };
  }
  const json = z.toJSONSchema(tool.input, { io: 'input' }) as { properties?: Record<string, { type?: string | string[]; anyOf?: { type?: string }[]; enum?: unknown[] }> };
  const input: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(json.properties ?? {})) {
    const nullable = prop.anyOf?.some((s) => s.type === 'null') || (Array.isArray(prop.type) && prop.type.includes('null'));
    if (/userId|repId/i.test(key)) input[key] = rep.id;
    else if (nullable) input[key] = null;
    else if (prop.enum) input[key] = prop.enum[0];
  }
  return { input, actor: asManager ? manager : rep };
}
