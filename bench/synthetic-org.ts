// A synthetic org for the benchmark: N reps under first-line managers and VPs, two comp
// plans, quarterly quotas, a year of closed deals and credits (some split, some churned),
// an open pipeline with CRM probabilities on some deals, and stage history to learn win
// rates from. Deterministic for a seed: the same options always write the same rows.
//
// Bulk rows (deals, credits, history) go through prepared statements on the raw
// better-sqlite3 handle in large transactions; the few structural rows (users, plans,
// assignments, quotas) through the store's writer, so plans are validated as usual.
import type { Stage } from '../src/engine/deals.ts';
import { Dec } from '../src/engine/money.ts';
import { addDays, dayNumber, fromDayNumber, type LocalDate } from '../src/engine/periods.ts';
import type { PlanDocument } from '../src/engine/plan.ts';
import { type Rng, seededRng } from '../src/engine/random.ts';
import type { SqliteStore } from '../src/store/sqlite-store.ts';
import type { User } from '../src/store/types.ts';

export interface OrgOptions {
  reps: number;
  /** Credits over the year (default reps × 100). */
  credits: number;
  /** Open deals per rep (default 15). */
  openDealsPerRep: number;
  seed: number;
}

export const BENCH_YEAR = 2026;
export const BENCH_TODAY: LocalDate = '2026-11-16';
export const BENCH_QUARTERS = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'] as const;
const AT = `${BENCH_TODAY}T06:00:00.000Z`;

export const BENCH_STAGES: readonly Stage[] = [
  { name: 'Discovery', order: 1, status: 'open' },
  { name: 'Qualification', order: 2, status: 'open' },
  { name: 'Proposal', order: 3, status: 'open' },
  { name: 'Negotiation', order: 4, status: 'open' },
  { name: 'Closed Won', order: 5, status: 'won' },
  { name: 'Closed Lost', order: 6, status: 'lost' },
];
const OPEN_STAGES = BENCH_STAGES.filter((s) => s.status === 'open').map((s) => s.name);

export const BENCH_PLANS: readonly PlanDocument[] = [
  {
    id: 'bench-marginal',
    version: 1,
    name: 'Bench AE, marginal accelerators',
    currency: 'USD',
    period: 'quarter',
    fiscalYearStartMonth: 1,
    components: [
      {
        kind: 'commission',
        id: 'base',
        tiering: 'marginal',
        tiers: [
          { upTo: '0.5', rate: '0.05' },
          { upTo: '1.0', rate: '0.08' },
          { upTo: '1.5', rate: '0.12' },
          { upTo: null, rate: '0.15' },
        ],
        multipliers: [{ when: { termMonthsAtLeast: 24 }, factor: '1.1' }],
        cap: '90000',
      },
      { kind: 'spiff', id: 'three-year', when: { termMonthsAtLeast: 36, dealTypes: ['new'] }, amount: '750' },
      { kind: 'bonus', id: 'club', attainmentAtLeast: '1.0', amount: '5000' },
    ],
    clawback: { withinDays: 90 },
  },
  {
    id: 'bench-retro',
    version: 1,
    name: 'Bench AE, retroactive with a draw',
    currency: 'USD',
    period: 'quarter',
    fiscalYearStartMonth: 1,
    components: [
      {
        kind: 'commission',
        id: 'base',
        tiering: 'retroactive',
        tiers: [
          { upTo: '0.7', rate: '0.05' },
          { upTo: '1.0', rate: '0.08' },
          { upTo: null, rate: '0.11' },
        ],
        filter: { dealTypes: ['new', 'expansion'] },
      },
      { kind: 'bonus', id: 'club', attainmentAtLeast: '1.0', amount: '4000' },
    ],
    draw: { amount: '6000', recoverable: true },
    clawback: { withinDays: 90 },
  },
];

export interface OrgSummary {
  users: number;
  reps: number;
  managers: number;
  deals: number;
  credits: number;
  churnEvents: number;
  openDeals: number;
  historyRows: number;
  /** A rep with a full pipeline, for the single-rep measures. */
  sampleRep: string;
  repIds: string[];
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng.nextFloat() * list.length)]!;
const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng.nextFloat() * (hi - lo + 1));

/** Writes the org into an empty store. */
export function generateOrg(store: SqliteStore, opts: OrgOptions): OrgSummary {
  const rng = seededRng(opts.seed);
  const db = store.sqlite;
  db.pragma('synchronous = OFF');

  // People: a CRO, VPs of ~10 managers, managers of ~10 reps, and an admin.
  const users: User[] = [
    { id: 'admin', name: 'Bench Admin', email: 'admin@bench.test', slackUserId: null, role: 'admin', managerId: null, team: null, startDate: '2020-01-01' },
    { id: 'cro', name: 'Bench CRO', email: 'cro@bench.test', slackUserId: null, role: 'manager', managerId: null, team: null, startDate: '2020-01-01' },
  ];
  const managers = Math.max(1, Math.ceil(opts.reps / 10));
  const vps = Math.max(1, Math.ceil(managers / 10));
  for (let v = 0; v < vps; v++) users.push({ id: `vp${v}`, name: `VP ${v}`, email: `vp${v}@bench.test`, slackUserId: null, role: 'manager', managerId: 'cro', team: `region-${v}`, startDate: '2021-01-01' });
  for (let m = 0; m < managers; m++) users.push({ id: `m${m}`, name: `Manager ${m}`, email: `m${m}@bench.test`, slackUserId: null, role: 'manager', managerId: `vp${m % vps}`, team: `team-${m}`, startDate: '2022-01-01' });
  const repIds: string[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const id = `r${r}`;
    repIds.push(id);
    users.push({ id, name: `Rep ${r}`, email: `r${r}@bench.test`, slackUserId: null, role: 'rep', managerId: `m${r % managers}`, team: `team-${r % managers}`, startDate: '2023-01-01' });
  }
  store.upsertUsers(users);
  store.upsertStages(BENCH_STAGES);
  for (const doc of BENCH_PLANS) store.savePlan(doc, '2025-12-01T00:00:00.000Z');
  const planOf = (r: number) => (r % 5 === 4 ? 'bench-retro' : 'bench-marginal');
  store.transaction(() => {
    for (let r = 0; r < opts.reps; r++) store.assignPlan({ userId: repIds[r]!, planId: planOf(r), planVersion: 1, effectiveFrom: `${BENCH_YEAR}-01-01`, effectiveTo: null });
  });

  // Quotas: a base per rep, ±10 % per quarter. Credits are sized so attainment spreads
  // around 100 % (some reps deep in accelerators, some far below).
  const perRep = opts.credits / opts.reps;
  const quotaBase: number[] = [];
  const quotaRows = [];
  for (let r = 0; r < opts.reps; r++) {
    const base = between(rng, 20, 40) * 10_000;
    quotaBase.push(base);
    for (const q of BENCH_QUARTERS) quotaRows.push({ userId: repIds[r]!, periodId: q, amount: new Dec(Math.round((base * between(rng, 90, 110)) / 100 / 1000) * 1000) });
  }
  store.setQuotas(quotaRows);

  const insDeal = db.prepare(
    `INSERT INTO deals (id, name, owner_id, account, amount, currency, stage, status, probability, created_at, close_date, closed_at, deal_type, term_months, next_step, last_activity_at, imported_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '${AT}', '${AT}')`,
  );
  const insCredit = db.prepare('INSERT INTO credits (id, deal_id, user_id, share, amount, closed_at, deal_type, term_months, counts_toward_quota) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insHistory = db.prepare("INSERT INTO deal_history (deal_id, at, field, from_value, to_value, source) VALUES (?, ?, ?, ?, ?, 'bench')");
  const insChurn = db.prepare('INSERT INTO churn_events (id, deal_id, "on") VALUES (?, ?, ?)');

  const yearStart = dayNumber(`${BENCH_YEAR}-01-01`);
  const lastClosed = dayNumber(BENCH_TODAY) - 1;
  const types = ['new', 'new', 'new', 'expansion', 'expansion', 'renewal'] as const;
  const terms = [12, 12, 24, 36] as const;
  let deals = 0;
  let credits = 0;
  let churn = 0;
  let history = 0;
  let openDeals = 0;

  const stagePath = (dealId: string, created: LocalDate, final: string) => {
    // A closed deal walks the open stages up to a random point, then to its final stage.
    const depth = final === 'Closed Won' ? OPEN_STAGES.length : between(rng, 1, OPEN_STAGES.length);
    let at = created;
    for (let s = 1; s < depth; s++) {
      at = addDays(at, between(rng, 3, 20));
      insHistory.run(dealId, at, 'stage', OPEN_STAGES[s - 1], OPEN_STAGES[s]);
      history++;
    }
    insHistory.run(dealId, addDays(at, between(rng, 3, 20)), 'stage', OPEN_STAGES[depth - 1], final);
    history++;
  };

  const chunk = 2_000;
  for (let r0 = 0; r0 < opts.reps; r0 += chunk) {
    store.transaction(() => {
      for (let r = r0; r < Math.min(opts.reps, r0 + chunk); r++) {
        const rep = repIds[r]!;
        // Whole credits per rep: spread the remainder over the first reps.
        const target = Math.floor(perRep) + (r < opts.credits - Math.floor(perRep) * opts.reps ? 1 : 0);
        const mean = (quotaBase[r]! * 4 * (0.55 + rng.nextFloat() * 0.9) * (lastClosed - yearStart + 1)) / 365 / Math.max(1, target);
        let made = 0;
        let sampledHistory = 0;
        while (made < target) {
          const id = `d${deals++}`;
          const closed = fromDayNumber(between(rng, yearStart, lastClosed));
          const created = addDays(closed, -between(rng, 20, 120));
          const amount = Math.max(500, Math.round(mean * (0.3 + rng.nextFloat() * 1.4)));
          const dealType = pick(rng, types);
          const term = pick(rng, terms);
          const counts = dealType !== 'renewal' || rng.nextFloat() < 0.7 ? 1 : 0;
          insDeal.run(id, `Deal ${id}`, rep, `Account ${between(rng, 1, 50_000)}`, String(amount), 'Closed Won', 'won', null, created, closed, closed, dealType, term, null, closed);
          // 5 % of deals are split 60/40 with the next rep of the same team.
          const partner = r + (opts.reps > 1 ? (r + 1 < opts.reps ? 1 : -1) : 0);
          if (made + 2 <= target && rng.nextFloat() < 0.05 && partner !== r) {
            const share = new Dec(amount).times('0.6').toDecimalPlaces(2);
            insCredit.run(`c${credits++}`, id, rep, '0.6', share.toFixed(2), closed, dealType, term, counts);
            insCredit.run(`c${credits++}`, id, repIds[partner]!, '0.4', new Dec(amount).minus(share).toFixed(2), closed, dealType, term, counts);
            made += 1; // the partner's credit counts toward the total, not this rep's target
          } else {
            insCredit.run(`c${credits++}`, id, rep, '1', `${amount}.00`, closed, dealType, term, counts);
          }
          made++;
          // 0.5 % churn within 90 days (never after today).
          if (rng.nextFloat() < 0.005) {
            const on = addDays(closed, between(rng, 10, 120));
            if (on < BENCH_TODAY) {
              insChurn.run(`x${churn++}`, id, on);
            }
          }
          if (sampledHistory < 4 && rng.nextFloat() < 0.1) {
            stagePath(id, created, 'Closed Won');
            sampledHistory++;
          }
        }
        // Lost deals: the other half of the stage history.
        for (let l = 0; l < 6; l++) {
          const id = `d${deals++}`;
          const closed = fromDayNumber(between(rng, yearStart, lastClosed));
          const created = addDays(closed, -between(rng, 20, 120));
          insDeal.run(id, `Deal ${id}`, rep, `Account ${between(rng, 1, 50_000)}`, String(Math.round(mean)), 'Closed Lost', 'lost', null, created, closed, closed, pick(rng, types), pick(rng, terms), null, closed);
          stagePath(id, created, 'Closed Lost');
        }
        // Open pipeline: close dates from a month ago to next quarter; 40 % carry a CRM probability.
        for (let o = 0; o < opts.openDealsPerRep; o++) {
          const id = `d${deals++}`;
          const stageIndex = between(rng, 0, OPEN_STAGES.length - 1);
          const closeDate = fromDayNumber(between(rng, dayNumber('2026-10-15'), dayNumber('2027-02-28')));
          const created = addDays(BENCH_TODAY, -between(rng, 10, 150));
          const probability = rng.nextFloat() < 0.4 ? new Dec(between(rng, 1, 9)).div(10).toFixed(1) : null;
          const amount = Math.max(1000, Math.round(mean * (0.5 + rng.nextFloat() * 2)));
          insDeal.run(id, `Deal ${id}`, rep, `Account ${between(rng, 1, 50_000)}`, String(amount), OPEN_STAGES[stageIndex], 'open', probability, created, closeDate, null, pick(rng, types), pick(rng, terms), 'follow up', BENCH_TODAY);
          openDeals++;
          if (stageIndex > 0) {
            insHistory.run(id, addDays(created, 5), 'stage', OPEN_STAGES[stageIndex - 1], OPEN_STAGES[stageIndex]);
            history++;
          }
        }
      }
    });
  }
  store.setMeta('demo.today', BENCH_TODAY);
  db.pragma('synchronous = NORMAL');
  db.exec('ANALYZE');
  return { users: users.length, reps: opts.reps, managers: managers + vps + 1, deals, credits, churnEvents: churn, openDeals, historyRows: history, sampleRep: repIds[Math.min(3, repIds.length - 1)]!, repIds };
}
