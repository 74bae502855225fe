// Answer each Slack event once. Slack redelivers an event (same `event_id`, with
// `x-slack-retry-num`) when it did not see our ack in time, and one user message can reach
// us under two event types; both are dropped here.
//
// Decision: memory only, per process, for `ttlMs` (default 1 hour; Slack retries within
// minutes). A process that died mid-answer loses its memory, so Slack's retry is then
// answered: that is the behaviour we want.
export class Deduper {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is offered within the TTL; false for repeats. */
  first(key: string): boolean {
    const t = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && t - at < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, t);
    this.evict(t);
    return true;
  }

  private evict(t: number): void {
    // Map iterates in insertion order: the oldest entries come first.
    for (const [key, at] of this.seen) {
      if (this.seen.size <= this.maxEntries && t - at < this.ttlMs) break;
      this.seen.delete(key);
    }
  }
}
