// Who may see whom. A rep sees themself; a manager themself and everyone under them,
// transitively; an admin everyone. Anything outside scope is FORBIDDEN with one fixed
// message, whether or not the other user (or deal) exists.
import type { Deal } from '../engine/deals.ts';
import type { User } from '../store/types.ts';
import type { ToolContext } from './context.ts';
import { AttainError, forbidden } from './errors.ts';

/** Everyone under `managerId`, transitively, through the store's manager index (no org scan). */
export function reportsUnder(ctx: ToolContext, managerId: string): User[] {
  const out: User[] = [];
  const seen = new Set<string>([managerId]);
  const queue = [managerId];
  while (queue.length > 0) {
    for (const u of ctx.store.directReports(queue.shift()!)) {
      if (seen.has(u.id)) continue; // a cycle in bad data must not loop
      seen.add(u.id);
      out.push(u);
      queue.push(u.id);
    }
  }
  return out;
}

/** The people a user leads: everyone under a manager; every other user for an admin; none for a rep. */
export function teamOf(ctx: ToolContext, user: User): User[] {
  if (user.role === 'admin') return ctx.store.listUsers().filter((u) => u.id !== user.id);
  return user.role === 'rep' ? [] : reportsUnder(ctx, user.id);
}

/** The users the actor may see, the actor first. */
export function visibleUsers(ctx: ToolContext): User[] {
  if (ctx.actor.role === 'rep') {
    const self = ctx.store.getUser(ctx.actor.id);
    if (!self) throw forbidden();
    return [self];
  }
  const self = ctx.store.getUser(ctx.actor.id);
  if (!self) throw forbidden();
  return [self, ...teamOf(ctx, self)];
}

/** True when `managerId` is above `userId` in the hierarchy (walks up, O(depth)). */
function isUnder(ctx: ToolContext, userId: string, managerId: string): boolean {
  const seen = new Set<string>();
  let user = ctx.store.getUser(userId);
  while (user && user.managerId !== null && !seen.has(user.id)) {
    if (user.managerId === managerId) return true;
    seen.add(user.id); // a cycle in bad data must not loop
    user = ctx.store.getUser(user.managerId);
  }
  return false;
}

/** Whether the actor may see `userId`'s numbers (without listing the org). */
export function canSee(ctx: ToolContext, userId: string): boolean {
  if (userId === ctx.actor.id || ctx.actor.role === 'admin') return true;
  return ctx.actor.role === 'manager' && isUnder(ctx, userId, ctx.actor.id);
}

/** The user `userId` (default: the actor), if the actor may see them; FORBIDDEN otherwise. */
export function userInScope(ctx: ToolContext, userId: string | null | undefined): User {
  const id = userId ?? ctx.actor.id;
  if (!canSee(ctx, id)) throw forbidden();
  const user = ctx.store.getUser(id);
  if (user) return user;
  if (ctx.actor.role === 'admin') throw new AttainError('USER_NOT_FOUND', `No user with id "${id}".`);
  throw forbidden();
}

/** The deal `dealId` if its owner is in the actor's scope; FORBIDDEN otherwise (admins learn it is missing). */
export function dealInScope(ctx: ToolContext, dealId: string): Deal {
  const deal = ctx.store.getDeal(dealId);
  if (deal && canSee(ctx, deal.ownerId)) return deal;
  if (!deal && ctx.actor.role === 'admin') throw new AttainError('DEAL_NOT_FOUND', `No deal with id "${dealId}".`);
  throw forbidden();
}

/** Managers and admins only: for a rep, FORBIDDEN (their team's numbers are not theirs to see). */
export function requireManager(ctx: ToolContext): void {
  if (ctx.actor.role === 'rep') throw new AttainError('FORBIDDEN', 'Not allowed: this is for managers and admins.');
}
