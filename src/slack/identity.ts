// Who is asking: a Slack user id → an attain user. Every Slack request runs as the user
// found here, never as anyone named in the message text.
//
// Contract:
// - A stored Slack id wins (`findUserBySlackId`).
// - Otherwise, on first contact, `users.info` gives the Slack profile's email (scope
//   users:read.email); an attain user with that email (compared case-insensitively) whose
//   Slack id is still empty is linked with `setSlackUserId`, so later requests need no
//   Web API call.
// - An attain user already linked to a *different* Slack id is never re-linked by email:
//   an email changed in Slack must not take over someone's numbers. Such users, deleted or
//   bot accounts, profiles without an email and unknown emails all resolve to undefined
//   (the caller refuses politely and shows no data).
// - Misses are remembered for `missTtlMs` so a stranger chatting does not cost a
//   `users.info` call per message; an admin adding the user takes effect after that.
import type { webApi } from '@slack/bolt';
import type { Store, User } from '../store/types.ts';
import type { Logger } from '../tools/context.ts';

export const DEFAULT_MISS_TTL_MS = 5 * 60_000;

export interface SlackIdentity {
  resolve(slackUserId: string, client: webApi.WebClient): Promise<User | undefined>;
}

export function slackIdentity(store: Store, logger: Logger, options: { missTtlMs?: number; now?: () => number } = {}): SlackIdentity {
  const missTtlMs = options.missTtlMs ?? DEFAULT_MISS_TTL_MS;
  const now = options.now ?? Date.now;
  const misses = new Map<string, number>();

  async function byEmail(slackUserId: string, client: webApi.WebClient): Promise<User | undefined> {
    let info;
    try {
      info = await client.users.info({ user: slackUserId });
    } catch (err) {
      logger.warn('slack users.info failed', { slackUserId, error: (err as Error).message });
      return undefined;
    }
    const profile = info.user;
    if (!profile || profile.deleted || profile.is_bot) return undefined;
    const email = profile.profile?.email?.trim();
    if (!email) {
      logger.warn('slack user has no visible email (is users:read.email granted?)', { slackUserId });
      return undefined;
    }
    const user = store.findUserByEmail(email) ?? store.findUserByEmail(email.toLowerCase()) ?? store.listUsers().find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) return undefined;
    if (user.slackUserId !== null && user.slackUserId !== slackUserId) {
      logger.warn('slack email matches an attain user linked to another Slack id; not re-linking', { slackUserId, userId: user.id });
      return undefined;
    }
    store.setSlackUserId(user.id, slackUserId);
    logger.info('linked slack user by email', { slackUserId, userId: user.id });
    return { ...user, slackUserId };
  }

  return {
    async resolve(slackUserId, client) {
      const stored = store.findUserBySlackId(slackUserId);
      if (stored) return stored;
      const missedAt = misses.get(slackUserId);
      if (missedAt !== undefined && now() - missedAt < missTtlMs) return undefined;
      const user = await byEmail(slackUserId, client);
      if (user) misses.delete(slackUserId);
      else misses.set(slackUserId, now());
      return user;
    },
  };
}

/** The polite refusal an unknown Slack user gets (no data, nothing about anyone else). */
export const UNKNOWN_USER_TEXT =
  'Hi! I don’t know you yet, so I can’t show any numbers. Ask your attain admin to add you (with the same email as your Slack profile), then try again.';
