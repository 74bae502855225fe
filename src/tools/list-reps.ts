import { z } from 'zod';
import { visibleUsers } from './access.ts';
import { defineTool } from './define-tool.ts';

export const listReps = defineTool({
  name: 'list_reps',
  title: 'List the people you can see',
  description:
    'Lists the users the caller may see, with role, manager, team and the comp plan in force today. A rep sees only themself; a manager themself and everyone under them; an admin everyone. Use it to find user ids for the other tools.',
  input: z.object({
    team: z.string().nullable().describe('Only users of this team (null = all teams you can see)'),
  }),
  output: z.object({
    users: z.array(
      z.object({
        id: z.string().describe('User id, for other tools'),
        name: z.string(),
        email: z.string(),
        role: z.enum(['rep', 'manager', 'admin']),
        managerId: z.string().nullable(),
        managerName: z.string().nullable(),
        team: z.string().nullable(),
        startDate: z.string().nullable().describe('First day at the company (YYYY-MM-DD)'),
        plan: z.object({ id: z.string(), version: z.number().int(), name: z.string() }).nullable().describe('Comp plan in force today, if any'),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(input, ctx) {
    const today = ctx.clock.today();
    const users = visibleUsers(ctx).filter((u) => input.team === null || u.team === input.team);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const managerName = (id: string): string | null => {
      if (!names.has(id)) names.set(id, ctx.store.getUser(id)?.name ?? '');
      return names.get(id) || null;
    };
    return {
      users: users.map((u) => {
        const a = ctx.store.assignmentAt(u.id, today);
        const plan = a ? ctx.store.getPlan(a.planId, a.planVersion) : undefined;
        return {
          id: u.id,
          name: u.name,
          email: u.email,
          role: u.role,
          managerId: u.managerId,
          managerName: u.managerId ? managerName(u.managerId) : null,
          team: u.team,
          startDate: u.startDate,
          plan: plan ? { id: plan.id, version: plan.version, name: plan.name } : null,
        };
      }),
    };
  },
  summarize: (out) => `${out.users.length} people: ${out.users.slice(0, 8).map((u) => `${u.name} (${u.role})`).join(', ')}${out.users.length > 8 ? ', …' : ''}`,
});
