// Output and input pieces shared by several tools. Money leaves as decimal strings in the
// currency's minor units; ratios as decimal strings (attainment 4 places: "0.9250" = 92.5 %).
import { z } from 'zod';
import { Dec, formatRatio } from '../engine/money.ts';
import type { Statement } from '../engine/statement.ts';
import type { User } from '../store/types.ts';

export const money = (what: string) => z.string().describe(`${what} (decimal string in the currency's minor units, e.g. "1234.50")`);
export const ratio = (what: string) => z.string().describe(`${what} (decimal ratio, 4 places: "1.0000" = 100%)`);

export const userIdInput = z
  .string()
  .nullable()
  .describe('Id of the user to look at (see list_reps). null = yourself. You may only look at yourself, or your team if you manage one.');

export const periodInput = z
  .string()
  .nullable()
  .describe('Period id in the plan\'s calendar: "2026-Q4" (quarter), "2026-11" (month), "2026" (year). null = the current period.');

export const userRef = z.object({
  id: z.string().describe('User id'),
  name: z.string().describe('Display name'),
});

export const periodOut = z.object({
  id: z.string().describe('Period id, e.g. 2026-Q4'),
  start: z.string().describe('First day (YYYY-MM-DD)'),
  end: z.string().describe('Last day (YYYY-MM-DD)'),
});

export const lineOut = z.object({
  kind: z.enum(['commission', 'spiff', 'bonus', 'clawback']).describe('What kind of line'),
  component: z.string().nullable().describe('Plan component that produced it (null for clawbacks)'),
  dealId: z.string().nullable().describe('Deal the line is for (null for bonuses)'),
  amount: money('Amount of the line, rounded once'),
  explain: z.string().describe('How the amount was computed: tier legs, rates, multipliers, cap cuts'),
});

export const statementTotalsOut = z.object({
  quota: money('Quota of the period'),
  credited: money('Credited amount that counts toward quota'),
  attainment: ratio('credited / quota').nullable(),
  earnings: money('Sum of all lines (commission, SPIFs, bonuses, clawbacks)'),
  drawRecovery: money('Part of earnings withheld to recover earlier draw payments'),
  drawTopUp: money('Amount the draw added to reach its minimum'),
  payout: money('What is paid for the period'),
  drawBalance: money('Draw balance still to recover after this period'),
});

export function totalsOf(s: Statement): z.infer<typeof statementTotalsOut> {
  return {
    quota: s.quota.toString(),
    credited: s.credited.toString(),
    attainment: s.attainment === null ? null : formatRatio(s.attainment),
    earnings: s.earnings.toString(),
    drawRecovery: s.drawRecovery.toString(),
    drawTopUp: s.drawTopUp.toString(),
    payout: s.payout.toString(),
    drawBalance: s.drawBalance.toString(),
  };
}

export function linesOf(s: Statement): z.infer<typeof lineOut>[] {
  return s.lines.map((l) => ({ kind: l.kind, component: l.component ?? null, dealId: l.dealId ?? null, amount: l.amount.toString(), explain: l.explain }));
}

export function userRefOf(u: User): z.infer<typeof userRef> {
  return { id: u.id, name: u.name };
}

/** "92.5%" from a 4-place ratio string; for summaries only. */
export function pctText(ratioText: string | null): string {
  if (ratioText === null) return 'n/a';
  return `${new Dec(ratioText).times(100).toDecimalPlaces(1).toString()}%`;
}
