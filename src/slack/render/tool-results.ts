// Tool outputs → Block Kit. Every figure shown here comes from a tool's output, formatted
// but never recomputed; the model's prose sits beside these blocks, not instead of them.
//
// Renderers are a lookup table by tool name (data, not dispatch); a tool without one is
// shown through its own `summarize`, so tools added to the registry render from day one.
import type { z } from 'zod';
import type { AnyTool } from '../../tools/define-tool.ts';
import type { estimateCommission } from '../../tools/estimate-commission.ts';
import type { getCommissionStatement } from '../../tools/get-commission-statement.ts';
import type { getQuotaAttainment } from '../../tools/get-quota-attainment.ts';
import type { findStalledDeals } from '../../tools/find-stalled-deals.ts';
import type { getCoachingSummary } from '../../tools/get-coaching-summary.ts';
import type { listReps } from '../../tools/list-reps.ts';
import { type Blocks, context, fields, header, mrkdwn, table } from './blocks.ts';
import { esc, formatDelta, formatMoney, formatPct, humanize, isZeroDecimal } from './format.ts';

type Out<T extends { output: z.ZodType }> = z.output<T['output']>;
export type AttainmentOut = Out<typeof getQuotaAttainment>;
export type StatementOut = Out<typeof getCommissionStatement>;
export type EstimateOut = Out<typeof estimateCommission>;
export type RepsOut = Out<typeof listReps>;
export type StalledOut = Out<typeof findStalledDeals>;
export type CoachingOut = Out<typeof getCoachingSummary>;

export function attainmentBlocks(o: AttainmentOut, options: { title?: boolean } = {}): Blocks {
  const blocks: Blocks = [];
  const f = o.self;
  if (options.title !== false) blocks.push(header(f ? `${o.user.name} · ${f.period.id} attainment` : `${o.user.name} · attainment`));
  if (f) {
    blocks.push(
      ...fields([
        ['Attainment', formatPct(f.attainment)],
        ['Credited', `${formatMoney(f.credited, f.currency)} of ${formatMoney(f.quota, f.currency)}`],
        ['Gap to quota', formatMoney(f.gapToQuota, f.currency)],
        ['Pace', `${humanize(f.pace)}${f.projectedAttainment ? ` (projected ${formatPct(f.projectedAttainment)})` : ''}`],
      ]),
    );
  } else if (o.note) {
    blocks.push(mrkdwn(esc(o.note)));
  }
  if (o.team) {
    const t = o.team.totals;
    if (t) {
      blocks.push(
        ...fields([
          ['Team attainment', formatPct(t.attainment)],
          ['Team credited', `${formatMoney(t.credited, t.currency)} of ${formatMoney(t.quota, t.currency)}`],
          ['At or above quota', `${t.membersAtOrAboveQuota} of ${t.membersWithQuota}`],
          ['Team gap', formatMoney(t.gapToQuota, t.currency)],
        ]),
      );
    }
    blocks.push(
      table(
        [
          ['Rep', 'Attainment', 'Credited', 'Quota', 'Pace'],
          ...o.team.members.map((m) =>
            m.figures
              ? [m.user.name, formatPct(m.figures.attainment), formatMoney(m.figures.credited, m.figures.currency), formatMoney(m.figures.quota, m.figures.currency), humanize(m.figures.pace)]
              : [m.user.name, 'n/a', '', '', m.note ?? ''],
          ),
        ],
        ['left', 'right', 'right', 'right', 'left'],
      ),
    );
  }
  return blocks;
}

export function statementBlocks(o: StatementOut, options: { title?: boolean } = {}): Blocks {
  const c = o.currency;
  const t = o.totals;
  const blocks: Blocks = [];
  if (options.title !== false) blocks.push(header(`${o.user.name} · ${o.period.id} statement`));
  const pairs: [string, string][] = [
    ['Payout', formatMoney(t.payout, c)],
    ['Earnings', formatMoney(t.earnings, c)],
    ['Credited', `${formatMoney(t.credited, c)} of ${formatMoney(t.quota, c)}`],
    ['Attainment', formatPct(t.attainment)],
  ];
  if (!isZeroDecimal(t.drawRecovery)) pairs.push(['Draw recovered', formatMoney(t.drawRecovery, c)]);
  if (!isZeroDecimal(t.drawTopUp)) pairs.push(['Draw top-up', formatMoney(t.drawTopUp, c)]);
  if (!isZeroDecimal(t.drawBalance)) pairs.push(['Draw balance', formatMoney(t.drawBalance, c)]);
  blocks.push(...fields(pairs));
  if (o.lines.length > 0) {
    blocks.push(
      table(
        [['Line', 'Component', 'Deal', 'Amount'], ...o.lines.map((l) => [humanize(l.kind), l.component ?? '', l.dealId ?? '', formatMoney(l.amount, c)])],
        ['left', 'left', 'left', 'right'],
      ),
    );
  } else {
    blocks.push(context('No lines yet this period.'));
  }
  blocks.push(context(`${o.plan.name} (${o.plan.id} v${o.plan.version}) · ${o.period.start} to ${o.period.end}`));
  return blocks;
}

export function estimateBlocks(o: EstimateOut, options: { title?: boolean } = {}): Blocks {
  const c = o.currency;
  const blocks: Blocks = [];
  const what = o.deal.name ?? (o.deal.id === 'hypothetical' ? `a ${formatMoney(o.deal.amount, c)} deal` : o.deal.id);
  if (options.title !== false) blocks.push(header(`If ${what} closes`));
  blocks.push(
    ...fields([
      ['Payout now', formatMoney(o.before.payout, c)],
      ['Payout if it closes', formatMoney(o.after.payout, c)],
      ['Adds', formatDelta(o.difference.payout, c)],
      ['Attainment', `${formatPct(o.before.attainment)} → ${formatPct(o.after.attainment)}`],
      ['Deal', `${o.deal.id === 'hypothetical' ? 'Hypothetical' : o.deal.id} · ${formatMoney(o.deal.amount, c)} · closes ${o.deal.closeDate}`],
      ['Period', `${o.user.name} · ${o.period.id}`],
    ]),
  );
  if (o.tiersCrossed.length > 0) blocks.push(mrkdwn(`*Tiers crossed*\n${o.tiersCrossed.map((t) => `• ${esc(t.component)}: ${esc(t.from)} → ${esc(t.to)}`).join('\n')}`));
  if (o.assumptions.length > 0) blocks.push(context(`Assumes: ${esc(o.assumptions.join('; '))}. Nothing was saved.`));
  return blocks;
}

export function repsBlocks(o: RepsOut): Blocks {
  return [
    table(
      [['Name', 'Id', 'Role', 'Team', 'Plan'], ...o.users.map((u) => [u.name, u.id, u.role, u.team ?? '', u.plan ? `${u.plan.id} v${u.plan.version}` : ''])],
      ['left', 'left', 'left', 'left', 'left'],
    ),
  ];
}

export function stalledBlocks(o: StalledOut, options: { title?: boolean } = {}): Blocks {
  const blocks: Blocks = [];
  if (options.title !== false) blocks.push(header(`Stalled deals · ${o.user.name}${o.includesTeam ? ' and team' : ''}`));
  if (o.deals.length === 0) {
    blocks.push(mrkdwn(`Nothing stalled: ${o.evaluated} open deals checked as of ${o.asOf}.`));
    return blocks;
  }
  blocks.push(
    table(
      [
        ['Deal', 'Owner', 'Severity', 'Amount', 'Payout if it closes'],
        ...o.deals.map((d) => [
          `${d.name} (${d.dealId})`,
          d.owner.name,
          d.severity,
          formatMoney(d.amountAtRisk, d.currency),
          d.payoutLeverage ? formatDelta(d.payoutLeverage.payoutDelta, d.currency) : 'n/a',
        ]),
      ],
      ['left', 'left', 'left', 'right', 'right'],
    ),
  );
  for (const d of o.deals.slice(0, 5)) {
    const tiers = d.payoutLeverage?.tiersCrossed.length ? ` · unlocks ${d.payoutLeverage.tiersCrossed.join('; ')}` : '';
    blocks.push(mrkdwn(`*${esc(d.name)}* (${esc(d.dealId)}, ${esc(d.stage)})${esc(tiers)}\n${d.reasons.map((r) => `• ${esc(r)}`).join('\n')}`));
  }
  blocks.push(context(`${o.flagged} of ${o.evaluated} open deals flagged as of ${o.asOf}, highest payout leverage first.`));
  return blocks;
}

export function coachingBlocks(o: CoachingOut, options: { title?: boolean } = {}): Blocks {
  const c = o.currency;
  const blocks: Blocks = [];
  if (options.title !== false) blocks.push(header(`${o.manager.name}'s team · ${o.period.id}`));
  blocks.push(
    table(
      [
        ['Rep', 'Attainment', 'Expected by now', 'Status', 'Gap to quota', 'Coverage'],
        ...o.reps.map((r) => [
          r.user.name,
          formatPct(r.attainment),
          formatPct(r.pace),
          humanize(r.status),
          r.gapToQuota === null ? 'n/a' : formatMoney(r.gapToQuota, c),
          r.coverage === null ? 'n/a' : `${r.coverage}× (needs ${r.requiredCoverage}×)`,
        ]),
      ],
      ['left', 'right', 'right', 'left', 'right', 'left'],
    ),
  );
  for (const r of o.reps.slice(0, 8)) {
    if (r.talkingPoints.length === 0 && r.topStalled.length === 0) continue;
    const points = r.talkingPoints.map((t) => `• ${esc(t.text)}`);
    const stalled = r.topStalled.map((d) => `• Stalled: ${esc(d.name)} (${formatMoney(d.amountAtRisk, c)}${d.payoutLeverage ? `, pays ${formatDelta(d.payoutLeverage, c)} if it closes` : ''})`);
    blocks.push(mrkdwn(`*${esc(r.user.name)}*\n${[...points, ...stalled].join('\n')}`));
  }
  blocks.push(context(`As of ${o.asOf} · most behind pace first · talking points come from fixed rules over these figures.`));
  return blocks;
}

type Renderer = (output: never, options: { title?: boolean }) => Blocks;

const renderers: Record<string, Renderer> = {
  get_quota_attainment: attainmentBlocks as Renderer,
  get_commission_statement: statementBlocks as Renderer,
  estimate_commission: estimateBlocks as Renderer,
  list_reps: repsBlocks as Renderer,
  find_stalled_deals: stalledBlocks as Renderer,
  get_coaching_summary: coachingBlocks as Renderer,
};

/** Blocks for one successful tool result; unknown tools fall back to their own summary. */
export function toolResultBlocks(tool: AnyTool, output: unknown, options: { title?: boolean } = {}): Blocks {
  const render = renderers[tool.name];
  if (render) {
    try {
      return render(output as never, options);
    } catch {
      // An output shape this renderer does not know (a tool changed): fall back to the summary.
    }
  }
  const summary = tool.summarize(output).trim();
  return summary ? [...(options.title === false ? [] : [header(tool.title)]), mrkdwn(esc(summary))] : [];
}
