// What every tool handler receives. Built by the entry point (CLI, MCP, Slack, agent);
// the actor comes from the adapter's authentication, never from tool input.
import type { LocalDate } from '../engine/periods.ts';
import type { Role, Store } from '../store/types.ts';

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export interface Clock {
  /** Today's date (UTC) as the tools should see it. */
  today(): LocalDate;
  /** Current instant, ISO 8601. */
  now(): string;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ToolContext {
  actor: Actor;
  store: Store;
  clock: Clock;
  logger: Logger;
}

export const systemClock: Clock = {
  today: () => new Date().toISOString().slice(0, 10),
  now: () => new Date().toISOString(),
};

/** A clock fixed at one date (tests, demo tours, `ATTAIN_TODAY`). */
export function fixedClock(date: LocalDate): Clock {
  return { today: () => date, now: () => `${date}T12:00:00.000Z` };
}

/** Logs as JSON lines to stderr (never stdout: stdio MCP owns it). */
export function stderrLogger(): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(JSON.stringify({ level, message, ...fields, at: new Date().toISOString() }) + '\n');
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
