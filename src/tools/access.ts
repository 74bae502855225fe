// Who may see whom. A rep sees themself; a manager themself and everyone under them,
// transitively; an admin everyone. Anything outside scope is FORBIDDEN with one fixed
// message, whether or not the other user (or deal) exists.
import type { Deal } from '../engine/deals.ts';
import type { User } from '../store/types.ts';
import type { ToolContext } from './context.ts';
import { AttainError, forbidden } from './errors.ts';

/** Everyone under `managerId`, transitively (not including the manager). */
export function reportsOf(users: readonly User[], managerId: string): User[] {
  const byManager = new Map<string, User[]>();
  for (const u of users) {
    if (u.managerId === null) continue;
    const list = byManager.get(u.managerId);
    if (list) list.push(u);
    else byManager.set(u.managerId, [u]);
  }
  const out: User[] = [];
  const seen = new Set<string>([managerId]);
  const queue = [managerId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const u of byManager.get(id) ?? []) {
      if (seen.has(u.id)) continue; // a cycle in bad data must not loop
      seen.add(u.id);
      out.push(u);
      queue.push(u.id);
    }
  }
  return out;
}

/** The users the actor may see, the actor first. */
export function visibleUsers(ctx: ToolContext): User[] {
  const users = ctx.store.listUsers();
  const self = users.find((u) => u.id === ctx.actor.id);
  if (!self) throw forbidden();
  switch (ctx.actor.role) {
    case 'admin':
      return [self, ...users.filter((u) => u.id !== self.id)];
    case 'manager':
      return [self, ...reportsOf(users, self.id)];
    case 'rep':
      return [self];
  }
}

/** The user `userId` (default: the actor), if the actor may see them; FORBIDDEN otherwise. */
export function userInScope(ctx: ToolContext, userId: string | null | undefined): User {
  const id = userId ?? ctx.actor.id;
  const user = visibleUsers(ctx).find((u) => u.id === id);
  if (user) return user;
  if (ctx.actor.role === 'admin') throw new AttainError('USER_NOT_FOUND', `No user with id "${id}".`);
  throw forbidden();
}

/** The deal `dealId` if its owner is in the actor's scope; FORBIDDEN otherwise (admins learn it is missing). */
export function dealInScope(ctx: ToolContext, dealId: string): Deal {
  const deal = ctx.store.getDeal(dealId);
  const visible = new Set(visibleUsers(ctx).map((u) => u.id));
  if (deal && visible.has(deal.ownerId)) return deal;
  if (ctx.actor.role === 'admin') throw new AttainError('DEAL_NOT_FOUND', `No deal with id "${dealId}".`);
  throw forbidden();
}

/** Managers and admins only: for a rep, FORBIDDEN (their team's numbers are not theirs to see). */
export function requireManager(ctx: ToolContext): void {
  if (ctx.actor.role === 'rep') throw new AttainError('FORBIDDEN', 'Not allowed: this is for managers and admins.');
}
