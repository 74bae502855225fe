import { z } from 'zod';
import { type PipelineDeal, type WinRates, dealProbability, forecast, learnWinRates } from '../engine/forecast.ts';
import { formatRatio } from '../engine/money.ts';
import { seededRng } from '../engine/random.ts';
import { buildCase, resolvePlanPeriod } from '../services/comp.ts';
import type { Store } from '../store/types.ts';
import { userInScope } from './access.ts';
import { defineTool } from './define-tool.ts';
import { AttainError } from './errors.ts';
import { money, pctText, periodOut, ratio, userIdInput, userRef, userRefOf } from './schemas.ts';

export const DEFAULT_TRIALS = 10_000;

/**
 * Stage win rates learned from the whole org's deal history, once per store and day: the
 * history scan is the expensive part of a forecast on a large org, and it only changes with
 * an import. Keyed weakly by the store, so nothing outlives the store it came from.
 */
const winRateCache = new WeakMap<Store, { day: string; rates: WinRates }>();

export function orgWinRates(store: Store, today: string): WinRates {
  const hit = winRateCache.get(store);
  if (hit && hit.day === today) return hit.rates;
  const rates = learnWinRates(store.dealHistory(), store.listStages());
  winRateCache.set(store, { day: today, rates });
  return rates;
}

export const forecastPayout = defineTool({
  name: 'forecast_payout',
  title: 'Forecast this period\'s payout',
  description:
    'Risk-weighted forecast of a user\'s payout for the current period: a Monte Carlo over their open pipeline (each deal wins with its own probability when the CRM has one, else the win rate the org\'s history shows for its stage; it closes on its close date, or today if that has passed) computed through the real plan, tiers and caps included. Returns expected payout, P10/P50/P90, the probability of reaching quota and each accelerator, and the deals that matter most. Reproducible: the same seed gives the same answer.',
  input: z.object({
    userId: userIdInput,
    trials: z.number().int().min(100).max(100_000).nullable().describe('Monte Carlo trials (null = 10000)'),
    seed: z.string().nullable().describe('Seed of the random generator (null = derived from user, period and today, so the same question gets the same answer)'),
  }),
  output: z.object({
    user: userRef,
    asOf: z.string().describe('Today, YYYY-MM-DD'),
    period: periodOut,
    plan: z.string().describe('Plan id and version'),
    currency: z.string(),
    trials: z.number().int(),
    seed: z.string(),
    current: z.object({ payout: money('Payout if no open deal closes'), attainment: ratio('Attainment so far').nullable() }),
    expected: z.object({ payout: money('Mean payout over the trials'), attainment: ratio('Mean final attainment').nullable() }),
    p10: money('10% of outcomes pay less than this'),
    p50: money('Median payout'),
    p90: money('90% of outcomes pay at most this'),
    probabilityQuota: ratio('Probability of reaching 100% attainment'),
    milestones: z
      .array(
        z.object({
          kind: z.enum(['quota', 'accelerator']).describe('quota, or an accelerator tier'),
          attainment: ratio('Attainment where it starts'),
          componentId: z.string().nullable().describe('Commission component of an accelerator'),
          tierIndex: z.number().int().nullable().describe('Tier index of an accelerator'),
          probability: ratio('Probability of reaching it'),
        }),
      )
      .describe('Quota and each accelerator, with the probability of reaching it'),
    deals: z
      .array(
        z.object({
          dealId: z.string(),
          name: z.string(),
          amount: money('Deal amount'),
          closeDate: z.string().describe('Close date assumed (YYYY-MM-DD)'),
          probability: ratio('Win probability used'),
          probabilitySource: z.enum(['deal', 'stage-history']).describe('deal: the CRM\'s probability; stage-history: learned from closed deals by stage'),
          swing: money('Mean payout when it is won minus when it is lost').nullable(),
        }),
      )
      .describe('Open deals that can close this period, the ones that matter most first (at most 10)'),
    dealsConsidered: z.number().int().describe('Open deals that can close this period'),
    excludedDeals: z.number().int().describe('Open deals left out (closing later, no close date, other currency)'),
    assumptions: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    const today = ctx.clock.today();
    const user = userInScope(ctx, input.userId);
    const resolved = resolvePlanPeriod(ctx.store, user, null, today);
    const quota = ctx.store.quotasOf(user.id).get(resolved.period.id);
    if (quota === undefined || quota.isZero()) throw new AttainError('NO_QUOTA', `${user.name} has no quota for ${resolved.period.id}.`);
    const compCase = buildCase(ctx.store, user, resolved, resolved.period);

    const rates = orgWinRates(ctx.store, today);
    const deals: PipelineDeal[] = [];
    let unknown = 0;
    for (const d of ctx.store.listDeals({ ownerIds: [user.id], status: 'open' })) {
      const p = dealProbability(d, rates);
      if (!p) {
        unknown++;
        continue;
      }
      deals.push({
        id: d.id,
        name: d.name,
        amount: d.amount,
        currency: d.currency,
        closeDate: d.closeDate,
        probability: p.probability,
        probabilitySource: p.source,
        stage: d.stage,
        ...(d.dealType !== null ? { dealType: d.dealType } : {}),
        ...(d.termMonths !== null ? { termMonths: d.termMonths } : {}),
      });
    }
    const trials = input.trials ?? DEFAULT_TRIALS;
    const seed = input.seed ?? `${user.id}:${resolved.period.id}:${today}`;
    const f = forecast({ compCase, periodId: resolved.period.id, asOf: today, deals, trials, rng: seededRng(seed) });

    const assumptions = [
      `${user.name} is credited 100% of each deal won`,
      'a deal whose close date has passed closes today at the earliest',
      `stage win rates from ${rates.closedDeals} closed deals in the org's history, shrunk toward the overall rate${rates.overall === null ? '' : ` (${pctText(formatRatio(rates.overall))})`}`,
    ];
    if (unknown > 0) assumptions.push(`${unknown} open deal(s) left out: no probability and no history to learn one from`);
    return {
      user: userRefOf(user),
      asOf: today,
      period: f.period,
      plan: `${resolved.plan.id} v${resolved.plan.version}`,
      currency: f.currency,
      trials: f.trials,
      seed,
      current: { payout: f.currentPayout.toString(), attainment: f.currentAttainment === null ? null : formatRatio(f.currentAttainment) },
      expected: { payout: f.expectedPayout.toString(), attainment: f.expectedAttainment === null ? null : formatRatio(f.expectedAttainment) },
      p10: f.p10.toString(),
      p50: f.p50.toString(),
      p90: f.p90.toString(),
      probabilityQuota: formatRatio(f.probabilityQuota),
      milestones: f.milestones.map((m) => ({ kind: m.kind, attainment: formatRatio(m.attainment), componentId: m.componentId ?? null, tierIndex: m.tierIndex ?? null, probability: formatRatio(m.probability) })),
      deals: f.deals.slice(0, 10).map((d) => ({
        dealId: d.dealId,
        name: d.name,
        amount: d.amount.toString(),
        closeDate: d.closeDate,
        probability: formatRatio(d.probability),
        probabilitySource: d.probabilitySource,
        swing: d.swing === null ? null : d.swing.toString(),
      })),
      dealsConsidered: f.deals.length,
      excludedDeals: f.excluded.length + unknown,
      assumptions,
    };
  },
  summarize: (o) =>
    `${o.user.name}, ${o.period.id}: expected payout ${o.expected.payout} ${o.currency} (P10 ${o.p10}, P50 ${o.p50}, P90 ${o.p90}; ${o.current.payout} if nothing more closes); ${pctText(o.probabilityQuota)} chance of reaching quota, over ${o.dealsConsidered} open deals and ${o.trials} trials.`,
});
