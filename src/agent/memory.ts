// Conversation memory per thread, in the store. A thread's memory is read per user: in a
// shared Slack thread, one user's tool results (their numbers) never reach the model
// answering another user.
//
// Budget: at most `keepMessages` rows per thread stay in the database (oldest trimmed
// after each save), and at most `maxChars` of JSON are sent back to the model (oldest
// whole exchanges dropped first). History always starts at a user message, so a tool
// result never arrives without the assistant call that asked for it.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Store } from '../store/types.ts';

export interface MemoryBudget {
  keepMessages: number;
  maxChars: number;
}

export const DEFAULT_MEMORY_BUDGET: MemoryBudget = { keepMessages: 200, maxChars: 48_000 };

export function loadHistory(store: Store, threadId: string, userId: string, budget: MemoryBudget = DEFAULT_MEMORY_BUDGET): ChatCompletionMessageParam[] {
  const messages = store
    .loadMessages(threadId)
    .filter((m) => m.userId === userId)
    .sort((a, b) => a.seq - b.seq)
    .map((m) => m.message as ChatCompletionMessageParam);
  return withinBudget(messages, budget.maxChars);
}

/** Drops the oldest exchanges until the JSON size fits, and any leading non-user messages. */
export function withinBudget(messages: readonly ChatCompletionMessageParam[], maxChars: number): ChatCompletionMessageParam[] {
  const sizes = messages.map((m) => JSON.stringify(m).length);
  let total = sizes.reduce((a, b) => a + b, 0);
  let start = 0;
  const startsExchange = (i: number) => messages[i]?.role === 'user';
  while (start < messages.length && (!startsExchange(start) || total > maxChars)) {
    total -= sizes[start] ?? 0;
    start++;
    // Having dropped part of an exchange, drop the rest of it too.
    while (start < messages.length && !startsExchange(start)) {
      total -= sizes[start] ?? 0;
      start++;
    }
  }
  return messages.slice(start);
}

export function saveExchange(
  store: Store,
  threadId: string,
  userId: string,
  messages: readonly ChatCompletionMessageParam[],
  at: string,
  budget: MemoryBudget = DEFAULT_MEMORY_BUDGET,
): void {
  store.appendMessages(threadId, userId, messages, at);
  store.trimMessages(threadId, budget.keepMessages);
}
