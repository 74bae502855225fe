// The demo org in memory, for tests: seeded once per call, with a context builder that
// acts as any demo user on the demo's fixed date.
import { seedDemo } from '../../db/seed/demo.ts';
import { contextFor } from '../../src/app/context.ts';
import { openStore } from '../../src/store/sqlite-store.ts';
import type { Store } from '../../src/store/types.ts';
import { type ToolContext, fixedClock, silentLogger } from '../../src/tools/context.ts';

export const DEMO_TODAY = '2026-11-16';

export function demoStore(): Store {
  const store = openStore(':memory:');
  seedDemo(store);
  return store;
}

export function ctxAs(store: Store, userId: string, today = DEMO_TODAY): ToolContext {
  return contextFor(store, userId, { clock: fixedClock(today), logger: silentLogger });
}
