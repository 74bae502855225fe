// The slash command listener. Answers are ephemeral (only the caller sees their numbers).
// Slack wants the ack within 3 s: the answer goes inline in the ack when it is ready within
// ACK_BUDGET_MS (the tools are in-process and fast), otherwise the ack says "working on it"
// and the answer follows through response_url.
import type { App } from '@slack/bolt';
import { executeCommand, parseCommand } from '../commands.ts';
import { contextOf, type SlackDeps } from '../deps.ts';
import { failureMessage } from '../failures.ts';
import { UNKNOWN_USER_TEXT } from '../identity.ts';
import { type SlackMessage, capBlocks, mrkdwn, oneTable } from '../render/blocks.ts';

export const ACK_BUDGET_MS = 2000;

export function registerCommand(app: App, deps: SlackDeps): void {
  app.command(deps.command, async ({ command, ack, respond, client }) => {
    const started = Date.now();
    const work = (async (): Promise<SlackMessage> => {
      try {
        const user = await deps.identity.resolve(command.user_id, client);
        if (!user) return { text: UNKNOWN_USER_TEXT, blocks: [mrkdwn(UNKNOWN_USER_TEXT)] };
        const parsed = parseCommand(command.text ?? '');
        const ctx = contextOf(deps, user);
        const msg = await executeCommand(parsed, ctx, {
          tools: deps.tools,
          command: deps.command,
          resolveSlackUser: async (slackUserId) => (await deps.identity.resolve(slackUserId, client))?.id,
        });
        deps.logger.info('slack command', { user: user.id, sub: parsed.kind, ms: Date.now() - started });
        return msg;
      } catch (err) {
        return failureMessage(err, deps.logger, 'command', { slackUserId: command.user_id, text: command.text });
      }
    })();
    const slow = Symbol('slow');
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([work, new Promise<typeof slow>((r) => (timer = setTimeout(() => r(slow), ACK_BUDGET_MS)))]);
    clearTimeout(timer);
    if (first !== slow) {
      await ack({ response_type: 'ephemeral', text: first.text, blocks: oneTable(capBlocks(first.blocks)) });
      return;
    }
    await ack({ response_type: 'ephemeral', text: 'Working on it…' });
    const msg = await work;
    try {
      await respond({ response_type: 'ephemeral', replace_original: true, text: msg.text, blocks: oneTable(capBlocks(msg.blocks)) });
    } catch (err) {
      deps.logger.error('slack respond failed', { error: (err as Error).message });
    }
  });
}
