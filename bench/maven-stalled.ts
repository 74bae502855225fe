// The stalled-deal detector and the KPIs on the real Maven CRM dataset, as of 2017-12-31.
// Run: npx tsx bench/maven-stalled.ts [path/to/maven-crm]   (default ../shared/data/maven-crm)
//
// Until the CRM importer lands this reads the CSVs itself, with the mapping the importer
// is expected to use (to be replaced by `openStore` + the imported rows):
// - createdAt = engage_date; a deal without one (500 Prospecting deals) cannot be aged and
//   is left out, and counted.
// - Won/Lost deals get one stage change Engaging → Won/Lost on close_date, so days in
//   Engaging of won deals (close − engage) teach the Engaging norm. Prospecting has no
//   dates in the data, so its norm stays the default.
// - amount = close_value for won deals; the product's list price otherwise (open deals have
//   no value, lost ones 0). `GTXPro` is `GTX Pro`.
// - The data has no activities, next steps, close dates of open deals or field history:
//   no_activity and next_step_missing are disabled (they would flag every deal), and
//   close_date_* / amount_reduced / stage_regressed cannot fire.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import type { Deal, DealChange, Stage } from '../src/engine/deals.ts';
import { salesCycle, winRate } from '../src/engine/kpis.ts';
import { Dec } from '../src/engine/money.ts';
import { detectStalledDeals, stalledConfig } from '../src/engine/stalled-deals.ts';

const AS_OF = '2017-12-31';
const YEAR = { id: '2017', start: '2017-01-01', end: '2017-12-31' };
const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/data/maven-crm'));

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(readFileSync(join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

const t0 = performance.now();
const prices = new Map(csv('products.csv').map((r) => [r.product!.replace(/\s+/g, ''), r.sales_price!]));
const stages: Stage[] = [
  { name: 'Prospecting', order: 1, status: 'open' },
  { name: 'Engaging', order: 2, status: 'open' },
  { name: 'Won', order: 3, status: 'won' },
  { name: 'Lost', order: 4, status: 'lost' },
];
const deals: Deal[] = [];
const history: DealChange[] = [];
let undated = 0;
for (const r of csv('sales_pipeline.csv')) {
  const stage = r.deal_stage!;
  const status = stage === 'Won' ? 'won' : stage === 'Lost' ? 'lost' : 'open';
  if (!r.engage_date) {
    undated++;
    continue;
  }
  const list = prices.get(r.product!.replace(/\s+/g, '')) ?? '0';
  const amount = status === 'won' && r.close_value ? r.close_value : list;
  deals.push({
    id: r.opportunity_id!,
    name: `${r.account || '(no account)'} — ${r.product}`,
    ownerId: r.sales_agent!,
    account: r.account ?? '',
    amount: new Dec(amount),
    currency: 'USD',
    stage,
    status,
    probability: null,
    createdAt: r.engage_date,
    closeDate: r.close_date || null,
    closedAt: status === 'open' ? null : r.close_date || null,
    dealType: null,
    termMonths: null,
    nextStep: null,
    lastActivityAt: null,
  });
  if (status !== 'open' && r.close_date) history.push({ dealId: r.opportunity_id!, at: r.close_date, field: 'stage', from: 'Engaging', to: stage });
}
const tLoad = performance.now();

const config = stalledConfig({ disabledSignals: ['no_activity', 'next_step_missing'] });
const result = detectStalledDeals({ deals, history, activities: [], stages, asOf: AS_OF, config });
const tDetect = performance.now();
const wr = winRate(deals, YEAR, 'USD');
const cycle = salesCycle(deals, YEAR);
const tKpi = performance.now();

const bySeverity = new Map<string, number>();
const byKind = new Map<string, number>();
for (const s of result.stalled) {
  bySeverity.set(s.severity, (bySeverity.get(s.severity) ?? 0) + 1);
  for (const g of s.signals) byKind.set(`${g.kind}:${g.severity}`, (byKind.get(g.kind + ':' + g.severity) ?? 0) + 1);
}
const pct = (d: Dec | null) => (d === null ? 'n/a' : `${d.times(100).toDecimalPlaces(1).toFixed(1)}%`);
const out = {
  asOf: AS_OF,
  dataset: dir,
  deals: deals.length,
  leftOutWithoutEngageDate: undated,
  openEvaluated: result.evaluated,
  flagged: result.stalled.length,
  bySeverity: Object.fromEntries([...bySeverity].sort()),
  bySignal: Object.fromEntries([...byKind].sort()),
  stageNorms: result.norms,
  examples: result.stalled.slice(0, 3).map((s) => ({ id: s.deal.id, owner: s.deal.ownerId, severity: s.severity, reasons: s.signals.map((g) => g.reason) })),
  kpis2017: {
    winRateByCount: pct(wr.byCount),
    winRateByValue: `${pct(wr.byValue)} (lost deals valued at list price)`,
    won: wr.won,
    lost: wr.lost,
    salesCycleMedianDays: cycle.medianDays?.toString() ?? null,
    salesCycleMeanDays: cycle.meanDays?.toDecimalPlaces(1).toString() ?? null,
  },
  runtimeMs: { load: Math.round(tLoad - t0), detect: Math.round(tDetect - tLoad), kpis: Math.round(tKpi - tDetect) },
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
