// App Home: the user's own numbers, recomputed through the registry tools each time the
// Home tab is opened.
import type { App, webApi } from '@slack/bolt';
import type { User } from '../../store/types.ts';
import { runTool } from '../../tools/define-tool.ts';
import { AttainError } from '../../tools/errors.ts';
import { contextOf, type SlackDeps } from '../deps.ts';
import { failureMessage } from '../failures.ts';
import { UNKNOWN_USER_TEXT } from '../identity.ts';
import { type Blocks, capBlocks, context, divider, fields, header, mrkdwn, tablesAsText } from '../render/blocks.ts';
import { esc, formatDelta, formatMoney, formatPct, isZeroDecimal } from '../render/format.ts';
import { type AttainmentOut, type EstimateOut, type StatementOut, attainmentBlocks } from '../render/tool-results.ts';

export function registerHome(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    let blocks: Blocks;
    try {
      const user = await deps.identity.resolve(event.user, client);
      blocks = user ? await homeBlocks(deps, user) : [header('attain'), mrkdwn(UNKNOWN_USER_TEXT)];
    } catch (err) {
      blocks = [header('attain'), ...failureMessage(err, deps.logger, 'home', { slackUserId: event.user }).blocks];
    }
    await publish(client, deps, event.user, blocks);
  });
}

async function publish(client: webApi.WebClient, deps: SlackDeps, userId: string, blocks: Blocks): Promise<void> {
  try {
    await client.views.publish({ user_id: userId, view: { type: 'home', blocks: capBlocks(tablesAsText(blocks)) } });
  } catch (err) {
    deps.logger.error('slack views.publish failed', { slackUserId: userId, error: (err as Error).message });
  }
}

const tool = (deps: SlackDeps, name: string) => {
  const t = deps.tools.find((x) => x.name === name);
  if (!t) throw new Error(`registry has no ${name}`);
  return t;
};

/** An AttainError the Home tab shows as a note (no plan, no quota) rather than failing. */
async function orNote<T>(run: () => Promise<T>): Promise<{ value: T | null; note: string | null }> {
  try {
    return { value: await run(), note: null };
  } catch (err) {
    if (err instanceof AttainError && err.code !== 'FORBIDDEN') return { value: null, note: err.message };
    throw err;
  }
}

export async function homeBlocks(deps: SlackDeps, user: User): Promise<Blocks> {
  const ctx = contextOf(deps, user);
  const attainment = (await runTool(tool(deps, 'get_quota_attainment'), { userId: null, period: null }, ctx)) as AttainmentOut;
  const statement = await orNote(async () => (await runTool(tool(deps, 'get_commission_statement'), { userId: null, period: null }, ctx)) as StatementOut);
  const f = attainment.self;

  const blocks: Blocks = [header(`Hi ${user.name.split(' ')[0]}${f ? ` · ${f.period.id}` : ''}`)];
  if (statement.value) {
    const s = statement.value;
    blocks.push(...fields([['Payout to date', formatMoney(s.totals.payout, s.currency)], ['Earnings', formatMoney(s.totals.earnings, s.currency)]]));
  } else if (statement.note) {
    blocks.push(context(esc(statement.note)));
  }
  blocks.push(...attainmentBlocks(attainment, { title: false }));

  // Next tier: the tools expose quota as the next milestone (gapToQuota) and what closing
  // that much would pay (estimate_commission); tiers beyond quota are not exposed yet.
  if (f) {
    blocks.push(divider());
    if (!isZeroDecimal(f.gapToQuota)) {
      const next = await orNote(
        async () => (await runTool(tool(deps, 'estimate_commission'), { userId: null, dealId: null, amount: f.gapToQuota, closeDate: null, dealType: null, termMonths: null }, ctx)) as EstimateOut,
      );
      const lines = [`*Next tier: quota (100%).* ${formatMoney(f.gapToQuota, f.currency)} more credited gets you there.`];
      if (next.value) {
        const e = next.value;
        lines.push(`Closing that much today would add ${formatDelta(e.difference.payout, e.currency)} to your ${e.period.id} payout (${formatMoney(e.before.payout, e.currency)} → ${formatMoney(e.after.payout, e.currency)}).`);
        if (e.tiersCrossed.length > 0) lines.push(`It moves you into ${e.tiersCrossed.map((t) => esc(t.to)).join('; ')}.`);
      }
      blocks.push(mrkdwn(lines.join('\n')));
    } else {
      blocks.push(mrkdwn(`*Quota reached* at ${formatPct(f.attainment)}. \`/attain payout <deal>\` shows what each next deal pays.`));
    }
  }
  blocks.push(divider(), context(`As of ${attainment.asOf}. Refreshed each time you open this tab. Ask me anything in Messages, or use \`${deps.command} help\`.`));
  return blocks;
}
