// The Slack adapter's pure parts: command parsing, formatting, dedup, config, the manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { executeCommand, parseAmount, parseCommand } from '../../src/slack/commands.ts';
import { slackConfigFromEnv } from '../../src/slack/config.ts';
import { Deduper } from '../../src/slack/dedup.ts';
import { formatDelta, formatMoney, formatPct, groupDigits, isZeroDecimal } from '../../src/slack/render/format.ts';
import { stripMention } from '../../src/slack/listeners/conversation.ts';
import { fixedClock, silentLogger } from '../../src/tools/context.ts';
import { defineTool } from '../../src/tools/define-tool.ts';
import { tools } from '../../src/tools/index.ts';

describe('parseCommand', () => {
  it('reads each subcommand and its arguments', () => {
    expect(parseCommand('')).toEqual({ kind: 'help', unknown: null });
    expect(parseCommand('  me ')).toEqual({ kind: 'me', target: null });
    expect(parseCommand('me <@U123ABC|dana>')).toEqual({ kind: 'me', target: { slackUserId: 'U123ABC' } });
    expect(parseCommand('payout D-1042')).toEqual({ kind: 'payout', dealId: 'D-1042', amount: null, target: null });
    expect(parseCommand('payout $48,000.50')).toEqual({ kind: 'payout', dealId: null, amount: '48000.50', target: null });
    expect(parseCommand('payout deal:1042')).toEqual({ kind: 'payout', dealId: '1042', amount: null, target: null });
    expect(parseCommand('payout 1.2m <@W0ABC>')).toEqual({ kind: 'payout', dealId: null, amount: '1200000', target: { slackUserId: 'W0ABC' } });
    expect(parseCommand('statement 2026-q3')).toEqual({ kind: 'statement', period: '2026-Q3', target: null });
    expect(parseCommand('statement rep-ben 2026-11')).toEqual({ kind: 'statement', period: '2026-11', target: { userId: 'rep-ben' } });
    expect(parseCommand('stalled')).toEqual({ kind: 'stalled', target: null });
    expect(parseCommand('TEAM')).toEqual({ kind: 'team' });
    expect(parseCommand('team everyone')).toEqual({ kind: 'help', unknown: 'team everyone' });
    expect(parseCommand('payout')).toEqual({ kind: 'help', unknown: 'payout' });
  });

  it('parses amounts exactly, without floats', () => {
    expect(parseAmount('48k')).toBe('48000');
    expect(parseAmount('1.25k')).toBe('1250');
    expect(parseAmount('0.0001m')).toBe('100');
    expect(parseAmount('12345678901234567.89')).toBe('12345678901234567.89');
    expect(parseAmount('1,2345')).toBeNull();
    expect(parseAmount('D-1')).toBeNull();
  });
});

describe('formatting', () => {
  it('groups digits and keeps every decimal as given', () => {
    expect(groupDigits('12345678901234567.89')).toBe('12,345,678,901,234,567.89');
    expect(formatMoney('1234.50', 'USD')).toBe('$1,234.50');
    expect(formatMoney('-50.00', 'EUR')).toBe('-€50.00');
    expect(formatMoney('999.00', 'CHF')).toBe('999.00 CHF');
    expect(formatDelta('15570.00', 'USD')).toBe('+$15,570.00');
    expect(formatDelta('-0.00', 'USD')).toBe('$0.00');
    expect(formatDelta('-12.00', 'USD')).toBe('-$12.00');
  });

  it('turns ratios into percentages on the string', () => {
    expect(formatPct('0.9250')).toBe('92.5%');
    expect(formatPct('1.0000')).toBe('100%');
    expect(formatPct('0.0005')).toBe('0.05%');
    expect(formatPct('12.3456')).toBe('1234.56%');
    expect(formatPct(null)).toBe('n/a');
    expect(isZeroDecimal('0.00')).toBe(true);
    expect(isZeroDecimal('0.01')).toBe(false);
  });

  it('strips the bot mention from a message', () => {
    expect(stripMention('<@UBOT> what is  my payout?', 'UBOT')).toBe('what is my payout?');
    expect(stripMention('hey <@UBOT|attain> hi', 'UBOT')).toBe('hey hi');
  });
});

describe('Deduper', () => {
  it('lets a key through once per TTL', () => {
    let t = 0;
    const d = new Deduper(1000, 10, () => t);
    expect(d.first('a')).toBe(true);
    expect(d.first('a')).toBe(false);
    t = 1001;
    expect(d.first('a')).toBe(true);
  });

  it('stays bounded', () => {
    const d = new Deduper(60_000, 3, () => 0);
    for (const k of ['a', 'b', 'c', 'd']) expect(d.first(k)).toBe(true);
    expect(d.first('a')).toBe(true); // evicted as the oldest
    expect(d.first('d')).toBe(false);
  });
});

describe('slackConfigFromEnv', () => {
  it('chooses Socket Mode with an app token, HTTP with a signing secret', () => {
    const socket = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket).toMatchObject({ ok: true, config: { mode: { kind: 'socket', appToken: 'xapp-1' }, command: '/attain', channelReplies: 'ephemeral' } });
    const http = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '8080' });
    expect(http).toMatchObject({ ok: true, config: { mode: { kind: 'http', signingSecret: 's', port: 8080 } } });
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, { port: 0 })).toMatchObject({ ok: true, config: { mode: { port: 0 } } });
  });

  it('explains what is missing or wrong', () => {
    expect(slackConfigFromEnv({})).toMatchObject({ ok: false, message: expect.stringContaining('SLACK_BOT_TOKEN is not set') });
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatchObject({ ok: false, message: expect.stringContaining('SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET') });
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxp-user' })).toMatchObject({ ok: false, message: expect.stringContaining('bot token (xoxb-') });
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, { port: 3000 })).toMatchObject({ ok: false });
  });
});

describe('executeCommand without the optional tools', () => {
  const base = tools.filter((t) => !['find_stalled_deals', 'get_coaching_summary'].includes(t.name));
  const ctx = { actor: { id: 'x', name: 'X', role: 'rep' as const }, store: undefined as never, clock: fixedClock('2026-11-16'), logger: silentLogger };
  const deps = { tools: base, command: '/attain', resolveSlackUser: async () => undefined };

  it('says clearly that stalled and team are unavailable', async () => {
    expect((await executeCommand({ kind: 'stalled', target: null }, ctx, deps)).text).toMatch(/Stalled deals isn’t available.*find_stalled_deals/);
    expect((await executeCommand({ kind: 'team' }, ctx, deps)).text).toMatch(/coaching summary isn’t available.*get_coaching_summary/);
  });

  it('renders a tool it has no renderer for through the tool’s own summary', async () => {
    const stalled = defineTool({
      name: 'find_stalled_deals',
      title: 'Stalled',
      description: 'test',
      input: z.object({ userId: z.string().nullable() }),
      output: z.object({ n: z.number() }),
      annotations: { readOnlyHint: true },
      handler: async (input, c) => ({ n: input.userId === null && c.actor.id === 'x' ? 2 : -1 }),
      summarize: (o) => `${o.n} stalled deals`,
    });
    const msg = await executeCommand({ kind: 'stalled', target: null }, ctx, { ...deps, tools: [...base, stalled] });
    expect(msg.text).toBe('2 stalled deals');
  });
});

describe('slack/manifest.json', () => {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'slack', 'manifest.json'), 'utf8'));

  it('subscribes to every event the app listens to, with the scopes they need', () => {
    const events: string[] = manifest.settings.event_subscriptions.bot_events;
    expect(events).toEqual(expect.arrayContaining(['app_home_opened', 'app_mention', 'message.im']));
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    for (const s of ['commands', 'chat:write', 'app_mentions:read', 'im:history', 'users:read', 'users:read.email', 'assistant:write']) expect(scopes).toContain(s);
  });

  it('declares /attain with escaped mentions, the Home tab and Socket Mode', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/attain', should_escape: true })]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
