// The Slack adapter's one error mapping. Expected outcomes (AttainError) are answers and are
// shown as their message; anything else is a bug or an outage: the user gets one friendly
// line with a reference id, and the log gets the details under the same id. Never a stack
// in Slack.
import { randomBytes } from 'node:crypto';
import { AgentError } from '../agent/run-agent.ts';
import type { Logger } from '../tools/context.ts';
import { AttainError, FORBIDDEN_MESSAGE } from '../tools/errors.ts';
import { context, mrkdwn, type SlackMessage } from './render/blocks.ts';
import { esc } from './render/format.ts';

export function newRef(): string {
  return randomBytes(4).toString('hex');
}

export function failureMessage(err: unknown, logger: Logger, where: string, fields: Record<string, unknown> = {}): SlackMessage {
  const ref = newRef();
  if (err instanceof AttainError) {
    const text = err.code === 'FORBIDDEN' ? FORBIDDEN_MESSAGE : err.message;
    logger.info('slack request refused', { where, ref, code: err.code, ...fields });
    return { text, blocks: [mrkdwn(`:no_entry_sign: ${esc(text)}`), context(`ref ${ref}`)] };
  }
  let text: string;
  if (err instanceof AgentError && err.code === 'MODEL_ERROR') text = `The language model didn’t answer just now. Try again in a moment, or use \`/attain\` for your numbers (ref ${ref}).`;
  else if (err instanceof AgentError) text = `I couldn’t work that out in a reasonable number of steps. Try asking more narrowly, or use \`/attain\` (ref ${ref}).`;
  else text = `Sorry, something went wrong on my side. Your admin can look it up with ref ${ref}.`;
  logger.error('slack request failed', { where, ref, error: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack, ...fields });
  return { text, blocks: [mrkdwn(`:warning: ${text}`)] };
}
