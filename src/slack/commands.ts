// `/attain`: deterministic answers straight from the registry tools, no model involved, so
// the bot is useful even when no LLM is configured. Parsing lives here; every figure comes
// from `runTool(tool, input, ctx)` with the caller's own context, and every access
// decision is the tool's (a rep naming a teammate gets the tool's FORBIDDEN).
import type { z } from 'zod';
import type { ToolContext } from '../tools/context.ts';
import { type AnyTool, runTool } from '../tools/define-tool.ts';
import { AttainError } from '../tools/errors.ts';
import { type Blocks, context, fields, header, mrkdwn, type SlackMessage } from './render/blocks.ts';
import { esc, formatMoney, formatPct } from './render/format.ts';
import { type AttainmentOut, type StatementOut, attainmentBlocks, statementBlocks, toolResultBlocks } from './render/tool-results.ts';

/** Someone named in the command: a Slack mention, or an attain user id typed as is. */
export type TargetRef = { slackUserId: string } | { userId: string };

export type ParsedCommand =
  | { kind: 'help'; unknown: string | null }
  | { kind: 'me'; target: TargetRef | null }
  | { kind: 'payout'; dealId: string | null; amount: string | null; target: TargetRef | null }
  | { kind: 'statement'; period: string | null; target: TargetRef | null }
  | { kind: 'stalled'; target: TargetRef | null }
  | { kind: 'team' };

/** Tools the optional subcommands use, by registry name (added by their own issue). */
export const STALLED_TOOL = 'find_stalled_deals';
export const COACHING_TOOL = 'get_coaching_summary';

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const PERIOD = /^\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}))?$/i;

function targetOf(token: string): TargetRef {
  const m = MENTION.exec(token);
  if (m) return { slackUserId: m[1]! };
  return { userId: token.replace(/^@/, '') };
}

/**
 * An amount as a decimal string: "48000", "48,000", "$48,000.50", "48k", "1.2m". Anything
 * else is not an amount (then it is a deal id).
 */
export function parseAmount(token: string): string | null {
  const m = /^[$€£]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([km])?$/i.exec(token.trim());
  if (!m) return null;
  const int = m[1]!.replace(/,/g, '');
  const frac = m[2] ?? '';
  const suffix = m[3]?.toLowerCase();
  if (!suffix) return `${int}${frac}`;
  // Shift the decimal point on the string: exact, no float.
  const shift = suffix === 'k' ? 3 : 6;
  const digits = `${int}${frac.slice(1)}`;
  const point = int.length + shift;
  const whole = digits.padEnd(point, '0');
  const out = `${whole.slice(0, point)}${whole.length > point ? `.${whole.slice(point)}` : ''}`.replace(/^0+(?=\d)/, '');
  return out;
}

export function parseCommand(text: string): ParsedCommand {
  const [sub = '', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const args = rest;
  switch (sub.toLowerCase()) {
    case '':
    case 'help':
      return { kind: 'help', unknown: null };
    case 'me':
      return args.length === 0 ? { kind: 'me', target: null } : args.length === 1 ? { kind: 'me', target: targetOf(args[0]!) } : { kind: 'help', unknown: text.trim() };
    case 'payout': {
      const [what, who, ...extra] = args;
      if (!what || extra.length > 0) return { kind: 'help', unknown: text.trim() };
      const dealPrefixed = /^deal:/i.test(what);
      const amount = dealPrefixed ? null : parseAmount(what);
      return { kind: 'payout', dealId: amount === null ? what.replace(/^deal:/i, '') : null, amount, target: who ? targetOf(who) : null };
    }
    case 'statement': {
      let period: string | null = null;
      let target: TargetRef | null = null;
      for (const a of args) {
        if (period === null && PERIOD.test(a)) period = a.toUpperCase();
        else if (target === null) target = targetOf(a);
        else return { kind: 'help', unknown: text.trim() };
      }
      return { kind: 'statement', period, target };
    }
    case 'stalled':
      return args.length <= 1 ? { kind: 'stalled', target: args[0] ? targetOf(args[0]) : null } : { kind: 'help', unknown: text.trim() };
    case 'team':
      return args.length === 0 ? { kind: 'team' } : { kind: 'help', unknown: text.trim() };
    default:
      return { kind: 'help', unknown: text.trim() };
  }
}

export function helpMessage(command: string, unknown: string | null = null): SlackMessage {
  const lines = [
    `\`${command} me\` your attainment and payout so far this period`,
    `\`${command} payout <deal id | amount>\` what closing a deal would pay you (e.g. \`payout D-1042\`, \`payout 48k\`)`,
    `\`${command} statement [period]\` your commission statement (e.g. \`statement 2026-Q3\`)`,
    `\`${command} stalled\` your stalled deals, ranked by what they would pay`,
    `\`${command} team\` managers: the coaching summary of your team`,
    `Managers can add a teammate to \`me\`, \`payout\`, \`statement\` and \`stalled\`: \`${command} me @dana\`.`,
    'Or just message me (DM or @mention) a question like “what’s my payout if Acme closes?”.',
  ];
  const intro = unknown ? `I didn’t understand \`${esc(unknown)}\`. Here’s what I can do:` : 'Here’s what I can do:';
  return { text: `${intro}\n${lines.join('\n')}`, blocks: [mrkdwn(`${intro}\n${lines.map((l) => `• ${l}`).join('\n')}`)] };
}

export interface CommandDeps {
  tools: readonly AnyTool[];
  command: string;
  /** Turns a Slack mention into an attain user id (undefined when unknown). */
  resolveSlackUser: (slackUserId: string) => Promise<string | undefined>;
}

/** Input for a tool from the given fields, every other property null (the registry's "default" convention). */
export function inputFor(tool: AnyTool, given: Record<string, unknown>): Record<string, unknown> {
  const shape = (tool.input as z.ZodObject).shape as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) out[key] = key in given ? given[key] : null;
  return out;
}

/**
 * The attain user id a target names. An unknown mention becomes an id no user has, so the
 * tool answers exactly as for anyone else outside the caller's scope (no hint whether the
 * person exists).
 */
async function userIdOf(target: TargetRef | null, deps: CommandDeps): Promise<string | null> {
  if (target === null) return null;
  if ('userId' in target) return target.userId;
  return (await deps.resolveSlackUser(target.slackUserId)) ?? `slack:${target.slackUserId}`;
}

function toolNamed(deps: CommandDeps, name: string): AnyTool | undefined {
  return deps.tools.find((t) => t.name === name);
}

function unavailable(what: string, name: string): SlackMessage {
  const text = `${what} isn’t available in this attain yet (it needs the \`${name}\` tool).`;
  return { text, blocks: [mrkdwn(`:construction: ${text}`)] };
}

function message(text: string, blocks: Blocks): SlackMessage {
  return { text, blocks };
}

/** Runs a parsed command as `ctx.actor`. AttainErrors propagate (the caller maps them once). */
export async function executeCommand(parsed: ParsedCommand, ctx: ToolContext, deps: CommandDeps): Promise<SlackMessage> {
  const need = (name: string) => {
    const tool = toolNamed(deps, name);
    if (!tool) throw new Error(`registry has no ${name}`);
    return tool;
  };
  switch (parsed.kind) {
    case 'help':
      return helpMessage(deps.command, parsed.unknown);

    case 'me': {
      const userId = await userIdOf(parsed.target, deps);
      const attainmentTool = need('get_quota_attainment');
      const statementTool = need('get_commission_statement');
      const attainment = (await runTool(attainmentTool, { userId, period: null }, ctx)) as AttainmentOut;
      let statement: StatementOut | null = null;
      let note: string | null = null;
      try {
        statement = (await runTool(statementTool, { userId, period: null }, ctx)) as StatementOut;
      } catch (err) {
        if (!(err instanceof AttainError) || err.code === 'FORBIDDEN') throw err;
        note = err.message;
      }
      const f = attainment.self;
      const blocks: Blocks = [header(`${attainment.user.name}${f ? ` · ${f.period.id}` : ''}`)];
      const pairs: [string, string][] = [];
      if (statement) pairs.push(['Payout so far', formatMoney(statement.totals.payout, statement.currency)], ['Earnings', formatMoney(statement.totals.earnings, statement.currency)]);
      blocks.push(...fields(pairs), ...attainmentBlocks(attainment, { title: false }));
      if (note) blocks.push(context(esc(note)));
      if (statement) blocks.push(context(`As of ${attainment.asOf} · \`${deps.command} statement\` for every line`));
      const text = [
        f ? `${attainment.user.name}, ${f.period.id}: ${formatPct(f.attainment)} of quota (${formatMoney(f.credited, f.currency)} of ${formatMoney(f.quota, f.currency)}).` : `${attainment.user.name}: ${attainment.note ?? 'no quota this period'}.`,
        statement ? `Payout so far: ${formatMoney(statement.totals.payout, statement.currency)}.` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return message(text, blocks);
    }

    case 'payout': {
      const userId = await userIdOf(parsed.target, deps);
      const tool = need('estimate_commission');
      const output = await runTool(tool, inputFor(tool, { userId, dealId: parsed.dealId, amount: parsed.amount }), ctx);
      return message(tool.summarize(output), toolResultBlocks(tool, output));
    }

    case 'statement': {
      const userId = await userIdOf(parsed.target, deps);
      const tool = need('get_commission_statement');
      const output = (await runTool(tool, { userId, period: parsed.period }, ctx)) as StatementOut;
      return message(tool.summarize(output), statementBlocks(output));
    }

    case 'stalled': {
      const tool = toolNamed(deps, STALLED_TOOL);
      if (!tool) return unavailable('Stalled deals', STALLED_TOOL);
      const userId = await userIdOf(parsed.target, deps);
      const shape = (tool.input as z.ZodObject).shape as Record<string, unknown>;
      if (userId !== null && !('userId' in shape)) return helpMessage(deps.command, `stalled ${userId}`);
      const output = await runTool(tool, inputFor(tool, userId === null ? {} : { userId }), ctx);
      return message(tool.summarize(output), toolResultBlocks(tool, output));
    }

    case 'team': {
      const tool = toolNamed(deps, COACHING_TOOL);
      if (!tool) return unavailable('The team coaching summary', COACHING_TOOL);
      const output = await runTool(tool, inputFor(tool, {}), ctx);
      return message(tool.summarize(output), toolResultBlocks(tool, output));
    }
  }
}
