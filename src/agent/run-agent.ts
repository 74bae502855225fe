// The agent loop: Chat Completions with the registry's tools, bounded, grounded.
//
// Contract:
// - Every tool call runs through `runTool(tool, args, ctx)`: the actor is `ctx.actor`,
//   fixed by the caller; nothing the model sends can change it.
// - Tool calls of one model turn run concurrently; their messages keep the model's order.
// - An AttainError becomes a tool message `{ error: CODE, message }` the model can recover
//   from. FORBIDDEN carries only the generic message. Any other exception is a bug: it is
//   logged and the model gets a generic INTERNAL_ERROR message (no stack, no details).
// - The final answer goes through the grounding check. Untraced figures get one corrective
//   turn naming them; if figures are still untraced, the answer is replaced by a plain
//   rendering of the tool results (each tool's own `summarize`).
// - At most `maxTurns` model requests produce the answer (AgentError MAX_TURNS after
//   that); the correction gets up to CORRECTION_TURNS more, after which the answer is
//   replaced rather than failed.
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type { ToolContext } from '../tools/context.ts';
import { type AnyTool, runTool } from '../tools/define-tool.ts';
import { AttainError, FORBIDDEN_MESSAGE } from '../tools/errors.ts';
import { type GroundingResult, checkGrounding, valuesFromMessages } from './grounding.ts';
import { buildInstructions } from './instructions.ts';
import { toOpenAITools } from './openai-tools.ts';

export const DEFAULT_MAX_TURNS = 8;
const CORRECTION_TURNS = 3;

export type AgentEvent =
  | { type: 'tool-call-start'; callId: string; name: string; args: unknown }
  | { type: 'tool-call-end'; callId: string; name: string; ok: boolean; errorCode?: string; durationMs: number }
  | { type: 'grounding'; status: GroundingStatus; untraced: string[] }
  | { type: 'text'; text: string };

/** grounded: passed at once; corrected: passed after the corrective turn; replaced: failed twice, text is the tool rendering. */
export type GroundingStatus = 'grounded' | 'corrected' | 'replaced';

export interface ToolCallRecord {
  id: string;
  name: string;
  /** Arguments as the model sent them (parsed JSON, or the raw string when unparsable). */
  args: unknown;
  ok: boolean;
  /** The tool's output when ok. */
  output?: unknown;
  /** The error code and the message the model saw, when not ok. */
  error?: { code: string; message: string };
}

export interface AgentResult {
  /** What the user should see. */
  text: string;
  /** True when the model's own answer passed the grounding check (at once or after correction). */
  grounded: boolean;
  grounding: GroundingStatus;
  /** Figures of the model's answer that no tool result traced (empty when grounded at once). */
  untraced: string[];
  toolCalls: ToolCallRecord[];
  /** This exchange as it should be remembered: the user message, tool turns, the final answer. */
  messages: ChatCompletionMessageParam[];
  /** Model requests made. */
  turns: number;
  /** The model's answers in order (one, or two with a correction), each with its check. */
  attempts: AnswerAttempt[];
}

export interface AnswerAttempt {
  text: string;
  /** Figures found in the text. */
  figures: string[];
  untraced: string[];
}

export type AgentErrorCode = 'MAX_TURNS' | 'MODEL_ERROR';

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
  }
}

export interface RunAgentOptions {
  input: string;
  /** Earlier messages of this thread (user, assistant, tool), oldest first; no system message. */
  history?: readonly ChatCompletionMessageParam[];
  tools: readonly AnyTool[];
  ctx: ToolContext;
  client: OpenAI;
  model: string;
  maxTurns?: number;
  onEvent?: (event: AgentEvent) => void;
  /** Overrides the system instructions (evals of prompt variants). */
  instructions?: string;
  signal?: AbortSignal;
}

export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { input, tools, ctx, client, model, onEvent = () => {} } = options;
  const history = options.history ?? [];
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const openaiTools = toOpenAITools(tools);
  const system: ChatCompletionMessageParam = { role: 'system', content: options.instructions ?? buildInstructions(ctx, tools) };

  // `sent` is what the model sees; `kept` excludes the rejected answer and the correction prompt.
  const sent: ChatCompletionMessageParam[] = [{ role: 'user', content: input }];
  const dropped = new Set<ChatCompletionMessageParam>();
  const toolCalls: ToolCallRecord[] = [];
  let turns = 0;

  /** Runs model turns until a text answer; undefined when `limit` is reached first. */
  async function answer(limit: number): Promise<string | undefined> {
    while (turns < limit) {
      turns++;
      const message = await complete();
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) return message.content ?? '';
      const assistant: ChatCompletionAssistantMessageParam = { role: 'assistant', content: message.content ?? null, tool_calls: calls };
      sent.push(assistant);
      const results = await Promise.all(calls.map((call) => execute(call)));
      for (const { message: toolMessage, record } of results) {
        sent.push(toolMessage);
        toolCalls.push(record);
      }
    }
    return undefined;
  }

  async function complete(): Promise<ChatCompletionMessage> {
    try {
      const completion = await client.chat.completions.create(
        { model, messages: [system, ...history, ...sent], tools: openaiTools, tool_choice: 'auto', parallel_tool_calls: true },
        { signal: options.signal },
      );
      const message = completion.choices[0]?.message;
      if (!message) throw new AgentError('MODEL_ERROR', 'The model returned no choices.');
      return message;
    } catch (err) {
      if (err instanceof AgentError) throw err;
      if (err instanceof APIError) {
        throw new AgentError('MODEL_ERROR', `The model endpoint failed${err.status ? ` (HTTP ${err.status})` : ''}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  async function execute(call: ChatCompletionMessageToolCall): Promise<{ message: ChatCompletionToolMessageParam; record: ToolCallRecord }> {
    const name = call.type === 'function' ? call.function.name : call.custom.name;
    const rawArgs = call.type === 'function' ? call.function.arguments : call.custom.input;
    const fail = (code: string, message: string, args: unknown) => {
      onEvent({ type: 'tool-call-end', callId: call.id, name, ok: false, errorCode: code, durationMs: 0 });
      return {
        message: { role: 'tool' as const, tool_call_id: call.id, content: JSON.stringify({ error: code, message }) },
        record: { id: call.id, name, args, ok: false, error: { code, message } },
      };
    };
    let args: unknown;
    try {
      args = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch {
      onEvent({ type: 'tool-call-start', callId: call.id, name, args: rawArgs });
      return fail('INVALID_INPUT', 'The arguments were not valid JSON. Send a JSON object matching the tool schema.', rawArgs);
    }
    onEvent({ type: 'tool-call-start', callId: call.id, name, args });
    const tool = byName.get(name);
    if (!tool) return fail('UNKNOWN_TOOL', `There is no tool named "${name}". Available tools: ${tools.map((t) => t.name).join(', ')}.`, args);

    const started = Date.now();
    let payload: unknown;
    let record: ToolCallRecord;
    try {
      const output = await runTool(tool, args, ctx);
      payload = output;
      record = { id: call.id, name, args, ok: true, output };
    } catch (err) {
      let code: string;
      let message: string;
      if (err instanceof AttainError) {
        code = err.code;
        message = err.code === 'FORBIDDEN' ? FORBIDDEN_MESSAGE : err.message;
      } else {
        ctx.logger.error('agent tool call failed', { tool: name, error: (err as Error).message, stack: (err as Error).stack });
        code = 'INTERNAL_ERROR';
        message = 'The tool failed unexpectedly. Tell the user this could not be computed right now.';
      }
      payload = { error: code, message };
      record = { id: call.id, name, args, ok: false, error: { code, message } };
    }
    onEvent({ type: 'tool-call-end', callId: call.id, name, ok: record.ok, ...(record.error ? { errorCode: record.error.code } : {}), durationMs: Date.now() - started });
    return { message: { role: 'tool', tool_call_id: call.id, content: JSON.stringify(payload) }, record };
  }

  const first = await answer(maxTurns);
  if (first === undefined) throw new AgentError('MAX_TURNS', `No answer after ${maxTurns} model turns.`);

  let status: GroundingStatus = 'grounded';
  let text = first;
  let untraced: string[] = [];
  // The correction prompt names the untraced figures: it must never make them traceable.
  const traceable = () => valuesFromMessages([...history, ...sent.filter((m) => !dropped.has(m))]);
  let check = checkGrounding(first, traceable());
  const attempts: AnswerAttempt[] = [attemptOf(first, check)];
  if (!check.grounded || first.trim() === '') {
    untraced = check.untraced.map((f) => f.text);
    const rejected: ChatCompletionMessageParam = { role: 'assistant', content: first };
    const correction: ChatCompletionMessageParam = { role: 'user', content: correctionPrompt(untraced) };
    sent.push(rejected, correction);
    dropped.add(rejected).add(correction);
    const second = await answer(turns + CORRECTION_TURNS);
    check = second === undefined ? check : checkGrounding(second, traceable());
    if (second !== undefined) attempts.push(attemptOf(second, check));
    if (second !== undefined && second.trim() !== '' && check.grounded) {
      status = 'corrected';
      text = second;
    } else {
      status = 'replaced';
      if (second !== undefined) untraced = [...new Set([...untraced, ...check.untraced.map((f) => f.text)])];
      text = renderToolResults(toolCalls, byName);
    }
  }

  onEvent({ type: 'grounding', status, untraced });
  onEvent({ type: 'text', text });
  const messages = [...sent.filter((m) => !dropped.has(m)), { role: 'assistant', content: text } satisfies ChatCompletionMessageParam];
  return { text, grounded: status !== 'replaced', grounding: status, untraced, toolCalls, messages, turns, attempts };
}

function attemptOf(text: string, check: GroundingResult): AnswerAttempt {
  return { text, figures: check.figures.map((f) => f.text), untraced: check.untraced.map((f) => f.text) };
}

export function correctionPrompt(untraced: readonly string[]): string {
  const list = untraced.length > 0 ? untraced.map((f) => `"${f}"`).join(', ') : '(none: the answer was empty)';
  return [
    `[attain grounding check] Your answer was not shown to the user.`,
    `These figures do not appear in any tool result of this conversation: ${list}.`,
    `Call the tools that return them, or answer again without them. Quote figures exactly as the tools return them; do not estimate or compute figures yourself.`,
  ].join(' ');
}

/** The plain answer used when the model's answer cannot be grounded: each successful tool result, summarised by its tool. */
export function renderToolResults(records: readonly ToolCallRecord[], byName: ReadonlyMap<string, AnyTool>): string {
  const lines: string[] = [];
  for (const record of records) {
    const tool = byName.get(record.name);
    if (!record.ok || !tool) continue;
    const line = tool.summarize(record.output).trim();
    if (line && !lines.includes(line)) lines.push(line);
  }
  const forbidden = records.some((r) => r.error?.code === 'FORBIDDEN');
  if (lines.length === 0) {
    return forbidden
      ? `I can’t share that. ${FORBIDDEN_MESSAGE}`
      : 'I couldn’t verify the figures in my answer against attain’s calculations, so I won’t state them. Please ask again, naming the person and period you mean.';
  }
  return [
    'I couldn’t verify every figure in my answer, so here are the results exactly as attain computed them:',
    ...lines.map((l) => `- ${l.replace(/\n/g, '\n  ')}`),
    ...(forbidden ? [`Some of what you asked I can’t share: ${FORBIDDEN_MESSAGE}`] : []),
  ].join('\n');
}
