import { z } from 'zod';
import { Dec, Money, formatRatio } from '../engine/money.ts';
import { elapsedDays } from '../engine/periods.ts';
import { statementFor } from '../services/comp.ts';
import type { User } from '../store/types.ts';
import { reportsUnder, userInScope } from './access.ts';
import type { ToolContext } from './context.ts';
import { defineTool } from './define-tool.ts';
import { AttainError } from './errors.ts';
import { money, pctText, periodInput, periodOut, ratio, userIdInput, userRef, userRefOf } from './schemas.ts';

const figures = z.object({
  period: periodOut,
  plan: z.string().describe('Plan id and version, e.g. ae-marginal v1'),
  currency: z.string(),
  quota: money('Quota of the period'),
  credited: money('Credited so far that counts toward quota'),
  attainment: ratio('credited / quota'),
  gapToQuota: money('Quota minus credited, 0 once quota is reached'),
  elapsed: ratio('Share of the period elapsed as of today (days elapsed / days in period)'),
  projectedAttainment: ratio('Attainment at period end if the pace so far continues (attainment / elapsed); null before the period starts').nullable(),
  pace: z
    .enum(['ahead', 'on_track', 'behind', 'not_started', 'period_closed'])
    .describe('on_track: attainment ≥ elapsed share; ahead: projected ≥ 110%; behind: attainment below the elapsed share'),
});
type Figures = z.infer<typeof figures>;

function figuresOf(ctx: ToolContext, user: User, period: string | null): Figures {
  const today = ctx.clock.today();
  const s = statementFor(ctx.store, user, period, today);
  const st = s.statement;
  const attainment = st.attainment ?? new Dec(0);
  const { elapsed, total } = elapsedDays(s.period, today);
  const elapsedRatio = new Dec(elapsed).div(total);
  const projected = elapsed === 0 ? null : attainment.div(elapsedRatio);
  const pace: Figures['pace'] =
    today > s.period.end ? 'period_closed' : elapsed === 0 ? 'not_started' : projected!.gte('1.1') ? 'ahead' : attainment.gte(elapsedRatio) ? 'on_track' : 'behind';
  return {
    period: s.period,
    plan: `${s.plan.id} v${s.plan.version}`,
    currency: s.plan.currency,
    quota: st.quota.toString(),
    credited: st.credited.toString(),
    attainment: formatRatio(attainment),
    gapToQuota: st.quota.minus(st.credited).max(Money.zero(s.plan.currency)).toString(),
    elapsed: formatRatio(elapsedRatio),
    projectedAttainment: projected === null ? null : formatRatio(projected),
    pace,
  };
}

function tryFigures(ctx: ToolContext, user: User, period: string | null): { figures: Figures | null; note: string | null } {
  try {
    return { figures: figuresOf(ctx, user, period), note: null };
  } catch (err) {
    if (err instanceof AttainError && (err.code === 'NO_ACTIVE_PLAN' || err.code === 'NO_QUOTA' || err.code === 'PERIOD_INVALID')) return { figures: null, note: err.message };
    throw err;
  }
}

export const getQuotaAttainment = defineTool({
  name: 'get_quota_attainment',
  title: 'Quota attainment and pace',
  description:
    'Quota attainment of a user for a period (default: the current one): quota, credited amount, attainment ratio, gap to quota, and pace against the share of the period elapsed. For a manager it adds the team roll-up: every person under them with their own figures and the team totals. Attainment is credited / quota (not payout).',
  input: z.object({ userId: userIdInput, period: periodInput }),
  output: z.object({
    asOf: z.string().describe('Date the figures are computed for (YYYY-MM-DD)'),
    user: userRef,
    self: figures.nullable().describe('The user\'s own figures; null when they carry no quota in the period'),
    note: z.string().nullable().describe('Why self is null, if it is'),
    team: z
      .object({
        members: z.array(z.object({ user: userRef, managerId: z.string().nullable(), figures: figures.nullable(), note: z.string().nullable() })),
        totals: z
          .object({
            period: z.string(),
            currency: z.string(),
            quota: money('Sum of members\' quotas in this period'),
            credited: money('Sum of members\' credited amounts'),
            attainment: ratio('credited / quota over the team'),
            gapToQuota: money('Team quota minus team credited, 0 when reached'),
            membersAtOrAboveQuota: z.number().int(),
            membersWithQuota: z.number().int(),
          })
          .nullable(),
      })
      .nullable()
      .describe('Present when the user manages people'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    const user = userInScope(ctx, input.userId);
    const own = tryFigures(ctx, user, input.period);
    const reports = user.role === 'rep' ? [] : reportsUnder(ctx, user.id);
    let team = null;
    if (reports.length > 0) {
      const members = reports.map((m) => ({ user: userRefOf(m), managerId: m.managerId, ...tryFigures(ctx, m, input.period) }));
      const first = members.find((m) => m.figures)?.figures;
      let totals = null;
      if (first) {
        const same = members.filter((m) => m.figures && m.figures.period.id === first.period.id && m.figures.currency === first.currency).map((m) => m.figures!);
        const quota = same.reduce((s, f) => s.plus(f.quota), new Dec(0));
        const credited = same.reduce((s, f) => s.plus(f.credited), new Dec(0));
        totals = {
          period: first.period.id,
          currency: first.currency,
          quota: Money.of(quota, first.currency).toString(),
          credited: Money.of(credited, first.currency).toString(),
          attainment: formatRatio(credited.div(quota)),
          gapToQuota: Money.of(Dec.max(quota.minus(credited), 0), first.currency).toString(),
          membersAtOrAboveQuota: same.filter((f) => new Dec(f.attainment).gte(1)).length,
          membersWithQuota: same.length,
        };
      }
      team = { members, totals };
    }
    return { asOf: ctx.clock.today(), user: userRefOf(user), self: own.figures, note: own.note, team };
  },
  summarize: (o) => {
    const parts: string[] = [];
    if (o.self) parts.push(`${o.user.name}, ${o.self.period.id}: ${pctText(o.self.attainment)} of quota (${o.self.credited} of ${o.self.quota} ${o.self.currency}), pace ${o.self.pace.replace('_', ' ')}.`);
    if (o.team?.totals) parts.push(`Team: ${pctText(o.team.totals.attainment)} (${o.team.totals.membersAtOrAboveQuota}/${o.team.totals.membersWithQuota} at or above quota).`);
    return parts.join(' ') || `${o.user.name}: ${o.note ?? 'no figures'}`;
  },
});
