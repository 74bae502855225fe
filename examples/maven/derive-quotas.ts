// Derives examples/maven/quotas.csv from the Maven pipeline, which has no quotas.
//
// Rule (documented in docs/import.md): each agent's quarterly quota is their trailing
// run-rate, the mean won value per full quarter observed (2017-Q2, Q3, Q4), rounded half-up
// to the nearest 1,000 USD. It applies to 2017-Q2, 2017-Q3, 2017-Q4 and, as the
// next-period quota set from trailing actuals, 2018-Q1. 2017-Q1 holds only March closes,
// so its quota is one third of that. A manager's quota is the sum of their agents'. Agents
// with no deals in the file get no quota.
//
//   npx tsx examples/maven/derive-quotas.ts [test/fixtures/maven-crm] > examples/maven/quotas.csv
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Dec } from '../../src/engine/money.ts';
import { slug } from '../../src/import/parse-text.ts';

const dir = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'maven-crm');
const pipeline = parse(readFileSync(join(dir, 'sales_pipeline.csv')), { columns: true }) as Record<string, string>[];
const teams = parse(readFileSync(join(dir, 'sales_teams.csv')), { columns: true }) as Record<string, string>[];

const FULL = ['2017-04', '2017-07', '2017-10']; // first months of the full quarters
const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
const won = new Map<string, Dec>();
for (const r of pipeline) {
  if (r.deal_stage !== 'Won') continue;
  if (!['2017-Q2', '2017-Q3', '2017-Q4'].includes(quarterOf(r.close_date!))) continue;
  won.set(r.sales_agent!, (won.get(r.sales_agent!) ?? new Dec(0)).plus(r.close_value!));
}
const round1000 = (d: Dec) => d.div(1000).toDecimalPlaces(0, Dec.ROUND_HALF_UP).times(1000);
const lines = ['user,period,quota'];
const managers = new Map<string, Map<string, Dec>>();
for (const t of teams) {
  const runRate = round1000((won.get(t.sales_agent!) ?? new Dec(0)).div(FULL.length));
  // Five agents in sales_teams.csv have no deals at all: no actuals, no quota.
  if (runRate.isZero()) continue;
  const quotas: [string, Dec][] = [
    ['2017-Q1', round1000(runRate.div(3))],
    ['2017-Q2', runRate],
    ['2017-Q3', runRate],
    ['2017-Q4', runRate],
    ['2018-Q1', runRate],
  ];
  const mgr = managers.get(t.manager!) ?? new Map<string, Dec>();
  managers.set(t.manager!, mgr);
  for (const [period, q] of quotas) {
    lines.push(`${slug(t.sales_agent!)},${period},${q.toFixed(0)}`);
    mgr.set(period, (mgr.get(period) ?? new Dec(0)).plus(q));
  }
}
for (const [name, quotas] of managers) for (const [period, q] of quotas) lines.push(`${slug(name)},${period},${q.toFixed(0)}`);
process.stdout.write(lines.join('\n') + '\n');
