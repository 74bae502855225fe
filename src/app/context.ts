// Building a tool context at an entry point (CLI, MCP, Slack, agent): the store, the
// acting user, the clock and the logger, each chosen once, here.
import type { LocalDate } from '../engine/periods.ts';
import { isValidDate } from '../engine/periods.ts';
import type { Store, User } from '../store/types.ts';
import { type Actor, type Clock, type Logger, type ToolContext, fixedClock, stderrLogger, systemClock } from '../tools/context.ts';
import { AttainError } from '../tools/errors.ts';

export function actorOf(user: User): Actor {
  return { id: user.id, name: user.name, role: user.role };
}

/**
 * The clock tools see: `ATTAIN_TODAY` when set (YYYY-MM-DD), else the database's own
 * fixed date (the demo org stores `demo.today`), else the system clock.
 */
export function clockFor(store: Store, env: NodeJS.ProcessEnv = process.env): Clock {
  const override = env.ATTAIN_TODAY;
  if (override) {
    if (!isValidDate(override)) throw new AttainError('INVALID_INPUT', `ATTAIN_TODAY must be a date YYYY-MM-DD, got "${override}"`);
    return fixedClock(override as LocalDate);
  }
  const pinned = store.getMeta('demo.today');
  return pinned && isValidDate(pinned) ? fixedClock(pinned) : systemClock;
}

/** A context acting as `userId`; an unknown user is an error naming the id. */
export function contextFor(store: Store, userId: string, options: { clock?: Clock; logger?: Logger; env?: NodeJS.ProcessEnv } = {}): ToolContext {
  const user = store.getUser(userId);
  if (!user) throw new AttainError('USER_NOT_FOUND', `No user with id "${userId}" in this database.`);
  return {
    actor: actorOf(user),
    store,
    clock: options.clock ?? clockFor(store, options.env),
    logger: options.logger ?? stderrLogger(),
  };
}
