// The agent loop against a scripted model on loopback, with tiny tools of its own (the
// demo-org tests live in agent-demo.test.ts).
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { askInThread } from '../../src/agent/thread.ts';
import { withinBudget } from '../../src/agent/memory.ts';
import { AgentError, type AgentEvent, runAgent } from '../../src/agent/run-agent.ts';
import type { StoredMessage, Store } from '../../src/store/types.ts';
import { type Actor, type ToolContext, fixedClock } from '../../src/tools/context.ts';
import { type AnyTool, defineTool } from '../../src/tools/define-tool.ts';
import { AttainError, FORBIDDEN_MESSAGE, forbidden } from '../../src/tools/errors.ts';
import { type Script, type ScriptedOpenAI, call, sequence, startScriptedOpenAI } from '../helpers/scripted-openai.ts';

const PAYOUTS: Record<string, { payout: string; attainment: string }> = {
  'rep-ana': { payout: '12345.60', attainment: '0.92' },
  'rep-bob': { payout: '5000.00', attainment: '1.31' },
};

const seenActors: string[] = [];
const getPayout = defineTool({
  name: 'get_payout',
  title: 'Payout',
  description: 'The payout and attainment of a user this quarter.',
  input: z.object({ userId: z.string().nullable().describe('User id; null for yourself.') }),
  output: z.object({ userId: z.string(), payout: z.string(), attainment: z.string() }),
  annotations: { readOnlyHint: true },
  handler: async ({ userId }, ctx) => {
    seenActors.push(ctx.actor.id);
    const id = userId ?? ctx.actor.id;
    if (id !== ctx.actor.id && ctx.actor.role === 'rep') throw forbidden();
    const row = PAYOUTS[id];
    if (!row) throw new AttainError('USER_NOT_FOUND', `No user "${id}".`);
    return { userId: id, ...row };
  },
  summarize: (o) => `${o.userId}: payout ${o.payout} USD, attainment ${o.attainment}`,
});

let barrier: { waiting: number; release: () => void; done: Promise<void> } | undefined;
const countDeals = defineTool({
  name: 'count_deals',
  title: 'Deals',
  description: 'Open deals of a stage.',
  input: z.object({ stage: z.enum(['open', 'won']).describe('Stage') }),
  output: z.object({ deals: z.array(z.object({ id: z.string(), name: z.string() })) }),
  annotations: { readOnlyHint: true },
  handler: async ({ stage }) => {
    if (barrier) {
      barrier.waiting++;
      if (barrier.waiting === 2) barrier.release();
      await barrier.done; // both calls must be in flight at once to get past this
    }
    return stage === 'open' ? { deals: [{ id: 'D-1', name: 'Acme' }, { id: 'D-2', name: 'Globex' }] } : { deals: [{ id: 'D-3', name: 'Initech' }] };
  },
  summarize: (o) => `${o.deals.length} deals: ${o.deals.map((d) => d.name).join(', ')}`,
});

const broken = defineTool({
  name: 'broken',
  title: 'Broken',
  description: 'Always fails with a bug.',
  input: z.object({}),
  output: z.object({}),
  annotations: { readOnlyHint: true },
  handler: async () => {
    throw new Error('secret internal detail at /srv/db');
  },
  summarize: () => '',
});

const tools: AnyTool[] = [getPayout, countDeals, broken];

function memoryStore(): Store & { rows: StoredMessage[] } {
  const rows: StoredMessage[] = [];
  const store = {
    rows,
    appendMessages(threadId: string, userId: string, messages: readonly unknown[], at: string) {
      let seq = Math.max(0, ...rows.filter((r) => r.threadId === threadId).map((r) => r.seq));
      for (const message of messages) rows.push({ threadId, userId, seq: ++seq, message, createdAt: at });
    },
    loadMessages: (threadId: string) => rows.filter((r) => r.threadId === threadId),
    trimMessages(threadId: string, keep: number) {
      const mine = rows.filter((r) => r.threadId === threadId).sort((a, b) => a.seq - b.seq);
      for (const r of mine.slice(0, Math.max(0, mine.length - keep))) rows.splice(rows.indexOf(r), 1);
    },
  };
  return store as unknown as Store & { rows: StoredMessage[] };
}

const logged: string[] = [];
function ctxFor(actor: Actor, store: Store = memoryStore()): ToolContext {
  return {
    actor,
    store,
    clock: fixedClock('2026-11-20'),
    logger: { info: () => {}, warn: () => {}, error: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`) },
  };
}
const ana: Actor = { id: 'rep-ana', name: 'Ana Rep', role: 'rep' };

let server: ScriptedOpenAI | undefined;
async function setup(script: Script) {
  server = await startScriptedOpenAI(script);
  return { server, client: new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 }) };
}
afterEach(async () => {
  await server?.close();
  server = undefined;
  barrier = undefined;
  seenActors.length = 0;
  logged.length = 0;
});

describe('runAgent', () => {
  it('sends strict tools and the instructions, runs the call as the actor, and answers grounded', async () => {
    const { server, client } = await setup(
      sequence({ tool_calls: [call('get_payout', { userId: null })] }, { content: 'Your payout this quarter is $12,345.60, at 92% attainment.' }),
    );
    const events: AgentEvent[] = [];
    const result = await runAgent({ input: 'What is my payout?', tools, ctx: ctxFor(ana), client, model: 'scripted', onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ grounded: true, grounding: 'grounded', untraced: [], turns: 2, text: 'Your payout this quarter is $12,345.60, at 92% attainment.' });
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_payout', args: { userId: null }, ok: true, output: { userId: 'rep-ana', payout: '12345.60', attainment: '0.92' } }]);
    expect(seenActors).toEqual(['rep-ana']);

    const first = server.requests[0]!;
    expect(first.model).toBe('scripted');
    expect(first.messages[0]).toMatchObject({ role: 'system' });
    expect(String(first.messages[0]!.content)).toContain('Ana Rep (user id "rep-ana")');
    expect(String(first.messages[0]!.content)).toContain('2026-11-20');
    expect(first.tools.map((t) => t.function.name)).toEqual(['get_payout', 'count_deals', 'broken']);
    expect(first.tools[0]!.function).toMatchObject({
      strict: true,
      parameters: { type: 'object', required: ['userId'], additionalProperties: false },
    });
    expect(events.map((e) => e.type)).toEqual(['tool-call-start', 'tool-call-end', 'grounding', 'text']);
    // What is remembered: the question, the tool turn and the answer.
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('runs parallel tool calls concurrently and answers them in the model’s order', async () => {
    let release!: () => void;
    barrier = { waiting: 0, release: () => release(), done: new Promise<void>((r) => (release = r)) };
    const { server, client } = await setup(
      sequence({ tool_calls: [call('count_deals', { stage: 'open' }, 'a'), call('count_deals', { stage: 'won' }, 'b')] }, { content: 'You have 2 open deals and 1 won.' }),
    );
    const result = await runAgent({ input: 'deals?', tools, ctx: ctxFor(ana), client, model: 'm' });
    expect(result.grounded).toBe(true);
    expect(server.requests[1]!.turnToolResults.map((t) => t.callId)).toEqual(['a', 'b']);
  });

  it('stops with a typed error after maxTurns', async () => {
    const { server, client } = await setup(() => ({ tool_calls: [call('count_deals', { stage: 'open' })] }));
    const error = await runAgent({ input: 'loop forever', tools, ctx: ctxFor(ana), client, model: 'm', maxTurns: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('MAX_TURNS');
    expect(server.requests).toHaveLength(3);
  });

  it('catches an invented number and corrects it with one turn naming it', async () => {
    const { server, client } = await setup(
      sequence(
        { tool_calls: [call('get_payout', { userId: null })] },
        { content: 'Your payout is $12,345.60; with the Q4 bonus it will reach $15,000.' },
        { content: 'Your payout is $12,345.60.' },
      ),
    );
    const result = await runAgent({ input: 'payout?', tools, ctx: ctxFor(ana), client, model: 'm' });
    expect(result).toMatchObject({ grounded: true, grounding: 'corrected', untraced: ['$15,000'], text: 'Your payout is $12,345.60.' });
    expect(server.requests[2]!.lastUser).toContain('[attain grounding check]');
    expect(server.requests[2]!.lastUser).toContain('"$15,000"');
    // The rejected answer and the correction are not remembered.
    expect(JSON.stringify(result.messages)).not.toContain('15,000');
  });

  it('replaces an answer that stays ungrounded with the tools’ own rendering', async () => {
    const { client } = await setup(
      sequence({ tool_calls: [call('get_payout', { userId: null })] }, { content: 'You will earn $15,000.' }, { content: 'Fine: $14,000 then.' }),
    );
    const events: AgentEvent[] = [];
    const result = await runAgent({ input: 'payout?', tools, ctx: ctxFor(ana), client, model: 'm', onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ grounded: false, grounding: 'replaced', untraced: ['$15,000', '$14,000'] });
    expect(result.text).toContain('rep-ana: payout 12345.60 USD, attainment 0.92');
    expect(result.text).not.toMatch(/15,000|14,000/);
    expect(events.find((e) => e.type === 'grounding')).toEqual({ type: 'grounding', status: 'replaced', untraced: ['$15,000', '$14,000'] });
  });

  it('a rep asking for another rep gets FORBIDDEN with the generic message, and the answer leaks nothing', async () => {
    const { server, client } = await setup(
      sequence(
        { tool_calls: [call('get_payout', { userId: 'rep-bob' })] },
        // A model that makes something up anyway...
        { content: 'Bob earned about $5,000 at 131% attainment.' },
        { content: 'Bob earned roughly $5,000.' },
      ),
    );
    const result = await runAgent({ input: 'How much did Bob make?', tools, ctx: ctxFor(ana), client, model: 'm' });
    const toolMessage = server.requests[1]!.turnToolResults[0]!;
    expect(toolMessage.json).toEqual({ error: 'FORBIDDEN', message: FORBIDDEN_MESSAGE });
    expect(result.toolCalls[0]).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(result.grounding).toBe('replaced');
    expect(result.text).toContain('I can’t share that');
    expect(result.text).not.toMatch(/5,000|5000|131|rep-bob/);
  });

  it('a model that refuses politely after FORBIDDEN is grounded', async () => {
    const { client } = await setup(sequence({ tool_calls: [call('get_payout', { userId: 'rep-bob' })] }, { content: 'Sorry, I can’t share another rep’s payout.' }));
    const result = await runAgent({ input: 'Bob?', tools, ctx: ctxFor(ana), client, model: 'm' });
    expect(result).toMatchObject({ grounded: true, grounding: 'grounded' });
  });

  it('lets the model recover from invalid input, unknown tools and malformed arguments', async () => {
    const { server, client } = await setup(
      sequence(
        { tool_calls: [call('count_deals', { stage: 'lost' }), call('get_forecast', {}), call('get_payout', '{not json')] },
        { tool_calls: [call('count_deals', { stage: 'open' })] },
        { content: 'You have 2 open deals.' },
      ),
    );
    const result = await runAgent({ input: 'deals?', tools, ctx: ctxFor(ana), client, model: 'm' });
    const errors = server.requests[1]!.turnToolResults.map((t) => t.json as { error: string; message: string });
    expect(errors.map((e) => e.error)).toEqual(['INVALID_INPUT', 'UNKNOWN_TOOL', 'INVALID_INPUT']);
    expect(errors[0]!.message).toContain('stage');
    expect(errors[1]!.message).toContain('get_payout, count_deals, broken');
    expect(result).toMatchObject({ grounded: true, text: 'You have 2 open deals.' });
  });

  it('a bug in a tool is logged and reaches the model only as INTERNAL_ERROR', async () => {
    const { server, client } = await setup(sequence({ tool_calls: [call('broken', {})] }, { content: 'That could not be computed right now.' }));
    await runAgent({ input: 'x', tools, ctx: ctxFor(ana), client, model: 'm' });
    expect(server.requests[1]!.turnToolResults[0]!.json).toMatchObject({ error: 'INTERNAL_ERROR' });
    expect(server.requests[1]!.turnToolResults[0]!.content).not.toContain('secret');
    expect(logged.join('\n')).toContain('secret internal detail');
  });

  it('turns an endpoint failure into AgentError MODEL_ERROR', async () => {
    const { client } = await setup(() => ({ status: 401, error: { message: 'bad key' } }));
    const error = await runAgent({ input: 'x', tools, ctx: ctxFor(ana), client, model: 'm' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AgentError', code: 'MODEL_ERROR' });
    expect((error as Error).message).toContain('401');
  });
});

describe('thread memory', () => {
  it('remembers a thread per user and grounds later answers in earlier tool results', async () => {
    const { server, client } = await setup(({ lastUser }) =>
      lastUser === 'payout?' && server.requests.length === 1
        ? { tool_calls: [call('get_payout', { userId: null })] }
        : lastUser === 'payout?'
          ? { content: 'Your payout is $12,345.60.' }
          : { content: 'As I said, $12,345.60.' },
    );
    const store = memoryStore();
    const ctx = ctxFor(ana, store);
    await askInThread({ threadId: 't1', input: 'payout?', tools, ctx, client, model: 'm' });
    const second = await askInThread({ threadId: 't1', input: 'remind me', tools, ctx, client, model: 'm' });
    expect(second).toMatchObject({ grounded: true, turns: 1 });
    expect(server.requests[2]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(store.rows.map((r) => r.userId)).toEqual(Array(6).fill('rep-ana'));

    // Another user in the same thread does not see Ana's messages, so cannot be grounded in her numbers.
    const bob = ctxFor({ id: 'rep-bob', name: 'Bob', role: 'rep' }, store);
    const third = await askInThread({ threadId: 't1', input: 'remind me', tools, ctx: bob, client, model: 'm' });
    expect(server.requests[3]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(third.grounding).toBe('replaced');
  });

  it('trims stored messages to the budget and never starts history mid-exchange', async () => {
    const { client } = await setup(({ turnToolResults }) => (turnToolResults.length === 0 ? { tool_calls: [call('count_deals', { stage: 'open' })] } : { content: 'You have 2 open deals.' }));
    const store = memoryStore();
    const ctx = ctxFor(ana, store);
    const budget = { keepMessages: 10, maxChars: 100_000 };
    for (let i = 0; i < 3; i++) await askInThread({ threadId: 't', input: `q${i}`, tools, ctx, client, model: 'm', budget });
    // 12 messages stored, trimmed to 10: the first exchange lost its start, so history begins at q1.
    expect(store.rows).toHaveLength(10);
    const stored = store.rows.map((r) => r.message as never);
    const history = withinBudget(stored, budget.maxChars);
    expect(history[0]).toMatchObject({ role: 'user', content: 'q1' });
    expect(history).toHaveLength(8);
    // The char budget drops whole exchanges from the oldest.
    const lastExchange = stored.slice(-4).reduce((n, m) => n + JSON.stringify(m).length, 0);
    const small = withinBudget(stored, lastExchange + 10);
    expect(small[0]).toMatchObject({ role: 'user', content: 'q2' });
    expect(small).toHaveLength(4);
  });
});
