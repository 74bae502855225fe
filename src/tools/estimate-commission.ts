import { z } from 'zod';
import { Dec, formatRatio, isDecimalString } from '../engine/money.ts';
import { isValidDate } from '../engine/periods.ts';
import type { Statement } from '../engine/statement.ts';
import { estimate } from '../services/comp.ts';
import { dealInScope, userInScope } from './access.ts';
import { defineTool } from './define-tool.ts';
import { AttainError } from './errors.ts';
import { money, pctText, periodOut, ratio, userIdInput, userRef, userRefOf } from './schemas.ts';

const snapshot = z.object({
  credited: money('Credited toward quota in the period'),
  attainment: ratio('credited / quota').nullable(),
  earnings: money('Sum of the statement lines'),
  payout: money('What would be paid for the period (after any draw)'),
});

const snap = (s: Statement) => ({
  credited: s.credited.toString(),
  attainment: s.attainment === null ? null : formatRatio(s.attainment),
  earnings: s.earnings.toString(),
  payout: s.payout.toString(),
});

function invalid(path: string, message: string): AttainError {
  return new AttainError('INVALID_INPUT', `${path}: ${message}`, [{ path, message }]);
}

export const estimateCommission = defineTool({
  name: 'estimate_commission',
  title: 'What if this deal closes',
  description:
    'Estimates what closing a deal would pay: give an open deal id (its owner is credited at its amount, on its close date, or today if that date has passed) or a hypothetical amount with an optional close date, deal type and term. Returns payout and attainment before and after, the difference, the tiers crossed (accelerators, bonuses) and every statement line that changes. Nothing is written.',
  input: z.object({
    userId: userIdInput,
    dealId: z.string().nullable().describe('An open deal id. null for a hypothetical deal (then amount is required).'),
    amount: z.string().nullable().describe('Deal amount as a decimal string, e.g. "48000". Overrides the open deal\'s amount when both are given.'),
    closeDate: z.string().nullable().describe('Close date YYYY-MM-DD. null = the deal\'s close date, or today.'),
    dealType: z.string().nullable().describe('new, expansion or renewal (null = the deal\'s type, or none)'),
    termMonths: z.number().int().min(0).nullable().describe('Contract term in months (null = the deal\'s term, or none)'),
  }),
  output: z.object({
    user: userRef,
    deal: z.object({
      id: z.string().describe('The deal id, or "hypothetical"'),
      name: z.string().nullable(),
      amount: money('Amount credited for the estimate'),
      closeDate: z.string().describe('Close date assumed (YYYY-MM-DD)'),
    }),
    currency: z.string(),
    period: periodOut,
    before: snapshot,
    after: snapshot,
    difference: z.object({
      payout: money('Payout after minus before: what closing this deal adds to the period\'s payout'),
      earnings: money('Earnings after minus before'),
    }),
    tiersCrossed: z.array(z.object({ component: z.string(), from: z.string(), to: z.string() })).describe('Tier bands (and bonuses) the deal moves the user into'),
    changes: z.array(
      z.object({
        kind: z.enum(['commission', 'spiff', 'bonus', 'clawback']),
        component: z.string().nullable(),
        dealId: z.string().nullable(),
        before: money('Line before').nullable(),
        after: money('Line after').nullable(),
        delta: money('Change of the line'),
        explain: z.string(),
      }),
    ),
    assumptions: z.array(z.string()).describe('What the estimate assumed'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    const today = ctx.clock.today();
    const assumptions: string[] = [];
    if (input.amount !== null && (!isDecimalString(input.amount) || !new Dec(input.amount).gt(0))) throw invalid('amount', `must be a decimal string greater than 0, got "${input.amount}"`);
    if (input.closeDate !== null && !isValidDate(input.closeDate)) throw invalid('closeDate', `must be a date YYYY-MM-DD, got "${input.closeDate}"`);

    let user = userInScope(ctx, input.userId);
    let dealId = 'hypothetical';
    let name: string | null = null;
    let amount: Dec;
    let closeDate = input.closeDate ?? today;
    let dealType = input.dealType ?? undefined;
    let termMonths = input.termMonths ?? undefined;

    if (input.dealId !== null) {
      const deal = dealInScope(ctx, input.dealId);
      if (deal.status !== 'open') throw invalid('dealId', `deal ${deal.id} is already ${deal.status}; its effect is in the statement`);
      if (input.userId !== null && input.userId !== deal.ownerId) throw invalid('userId', `deal ${deal.id} belongs to ${deal.ownerId}; estimates credit the deal's owner`);
      user = userInScope(ctx, deal.ownerId);
      dealId = deal.id;
      name = deal.name;
      amount = input.amount !== null ? new Dec(input.amount) : deal.amount;
      if (input.closeDate === null) {
        closeDate = deal.closeDate && deal.closeDate >= today ? deal.closeDate : today;
        if (deal.closeDate && deal.closeDate < today) assumptions.push(`close date ${deal.closeDate} has passed; assumed it closes today (${today})`);
      }
      dealType = input.dealType ?? deal.dealType ?? undefined;
      termMonths = input.termMonths ?? deal.termMonths ?? undefined;
      assumptions.push(`${user.name} is credited 100% of the deal`);
    } else {
      if (input.amount === null) throw invalid('amount', 'is required when no dealId is given');
      amount = new Dec(input.amount);
      if (input.closeDate === null) assumptions.push(`closes today (${today})`);
    }
    if (closeDate < today) assumptions.push(`a close date in the past (${closeDate}) is computed into that period as if it had closed then`);

    const e = estimate(ctx.store, user, { dealId, amount, closeDate, ...(dealType !== undefined ? { dealType } : {}), ...(termMonths !== undefined ? { termMonths } : {}) });
    return {
      user: userRefOf(user),
      deal: { id: dealId, name, amount: amount.toFixed(2), closeDate },
      currency: e.plan.currency,
      period: e.period,
      before: snap(e.before),
      after: snap(e.after),
      difference: { payout: e.after.payout.minus(e.before.payout).toString(), earnings: e.after.earnings.minus(e.before.earnings).toString() },
      tiersCrossed: e.tiersCrossed,
      changes: e.changes,
      assumptions,
    };
  },
  summarize: (o) =>
    `If ${o.deal.name ?? o.deal.id} (${o.deal.amount} ${o.currency}) closes ${o.deal.closeDate}: ${o.user.name}'s ${o.period.id} payout goes from ${o.before.payout} to ${o.after.payout} (+${o.difference.payout}), attainment ${pctText(o.before.attainment)} → ${pctText(o.after.attainment)}${o.tiersCrossed.length ? `, crossing ${o.tiersCrossed.map((t) => t.to).join('; ')}` : ''}.`,
});
