import { z } from 'zod';
import { statementFor } from '../services/comp.ts';
import { userInScope } from './access.ts';
import { defineTool } from './define-tool.ts';
import { lineOut, linesOf, periodInput, periodOut, statementTotalsOut, totalsOf, userIdInput, userRef, userRefOf } from './schemas.ts';

export const getCommissionStatement = defineTool({
  name: 'get_commission_statement',
  title: 'Commission statement',
  description:
    'The commission statement of a user for one period, computed exactly from their comp plan: every line (commission per deal, SPIFs, bonuses, clawbacks) with how it was computed (tier legs, rates, multipliers, cap cuts), then earnings, draw recovery or top-up, payout and draw balance. Lines always add up to earnings.',
  input: z.object({ userId: userIdInput, period: periodInput }),
  output: z.object({
    user: userRef,
    plan: z.object({ id: z.string(), version: z.number().int(), name: z.string() }),
    currency: z.string().describe('ISO 4217 code of every amount'),
    period: periodOut,
    lines: z.array(lineOut),
    totals: statementTotalsOut,
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    const user = userInScope(ctx, input.userId);
    const s = statementFor(ctx.store, user, input.period, ctx.clock.today());
    return {
      user: userRefOf(user),
      plan: { id: s.plan.id, version: s.plan.version, name: s.plan.name },
      currency: s.plan.currency,
      period: s.period,
      lines: linesOf(s.statement),
      totals: totalsOf(s.statement),
    };
  },
  summarize: (o) =>
    `${o.user.name}, ${o.period.id}: payout ${o.totals.payout} ${o.currency} (earnings ${o.totals.earnings}, ${o.lines.length} lines), credited ${o.totals.credited} of quota ${o.totals.quota}.`,
});
