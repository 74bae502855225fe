// A scripted OpenAI-compatible Chat Completions server on 127.0.0.1, for tests of anything
// that talks to a model (the agent loop, the evals harness, the Slack bot). No network.
//
// A script is a function of the request (messages, tools, model, turn index) returning the
// assistant's reply: text content and/or tool calls. Replies may also be an HTTP error.
// Both plain JSON and `stream: true` (SSE chunks) requests are served.
//
//   const server = await startScriptedOpenAI(({ messages, lastUser }) => ({ content: 'hi' }));
//   const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
//   ...; await server.close();
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  name: string;
  /** An object (JSON-encoded for you) or a raw string (to test malformed arguments). */
  arguments: unknown;
  id?: string;
}

export interface ScriptedReply {
  content?: string | null;
  tool_calls?: ScriptedToolCall[];
}

export interface ScriptedError {
  status: number;
  error: { message: string; type?: string; code?: string | null };
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ScriptedToolResult {
  callId: string;
  name: string | undefined;
  content: string;
  /** The content parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface ScriptedRequest {
  /** The full request body. */
  body: Record<string, unknown>;
  model: string;
  messages: ChatMessage[];
  tools: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown; strict?: boolean } }>;
  /** 0 for the first request this server received, and so on. */
  index: number;
  /** Text of the last user message. */
  lastUser: string;
  /** Every tool message of the request, with the name of the tool that produced it. */
  toolResults: ScriptedToolResult[];
  /** The tool messages after the last user message (this exchange's results). */
  turnToolResults: ScriptedToolResult[];
}

export type Script = (request: ScriptedRequest) => ScriptedReply | ScriptedError | Promise<ScriptedReply | ScriptedError>;

export interface ScriptedOpenAI {
  /** e.g. http://127.0.0.1:54321/v1 — pass as the OpenAI client's baseURL. */
  baseURL: string;
  /** Every request received, in order. */
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

/** Replies in order, one per request; the last one repeats when the list runs out. */
export function sequence(...replies: Array<ScriptedReply | ScriptedError>): Script {
  return ({ index }) => {
    const reply = replies[Math.min(index, replies.length - 1)];
    if (!reply) throw new Error('sequence() needs at least one reply');
    return reply;
  };
}

/** Tool call shorthand: `call('get_quota_attainment', { userId: 'rep-ana', period: null })`. */
export function call(name: string, args: unknown, id?: string): ScriptedToolCall {
  return id === undefined ? { name, arguments: args } : { name, arguments: args, id };
}

function isError(reply: ScriptedReply | ScriptedError): reply is ScriptedError {
  return typeof (reply as ScriptedError).status === 'number';
}

function describeRequest(body: Record<string, unknown>, index: number): ScriptedRequest {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[];
  const names = new Map<string, string>();
  for (const m of messages) for (const tc of m.tool_calls ?? []) names.set(tc.id, tc.function.name);
  const lastUserIndex = messages.map((m) => m.role).lastIndexOf('user');
  const toToolResult = (m: ChatMessage): ScriptedToolResult => {
    const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      json = undefined;
    }
    return { callId: String(m.tool_call_id), name: names.get(String(m.tool_call_id)), content, json };
  };
  const toolResults = messages.filter((m) => m.role === 'tool').map(toToolResult);
  const turnToolResults = messages.slice(lastUserIndex + 1).filter((m) => m.role === 'tool').map(toToolResult);
  const lastUserMessage = [...messages].reverse().find((m) => m.role === 'user');
  const lastUser = typeof lastUserMessage?.content === 'string' ? lastUserMessage.content : JSON.stringify(lastUserMessage?.content ?? '');
  return {
    body,
    model: String(body.model ?? ''),
    messages,
    tools: (Array.isArray(body.tools) ? body.tools : []) as ScriptedRequest['tools'],
    index,
    lastUser,
    toolResults,
    turnToolResults,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startScriptedOpenAI(script: Script): Promise<ScriptedOpenAI> {
  const requests: ScriptedRequest[] = [];
  let callCounter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return send(404, { error: { message: `scripted-openai serves POST /v1/chat/completions only, not ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const request = describeRequest(body, requests.length);
    requests.push(request);
    let reply: ScriptedReply | ScriptedError;
    try {
      reply = await script(request);
    } catch (err) {
      return send(500, { error: { message: `script threw: ${(err as Error).message}`, type: 'server_error' } });
    }
    if (isError(reply)) return send(reply.status, { error: { type: 'invalid_request_error', code: null, ...reply.error } });

    const toolCalls = (reply.tool_calls ?? []).map((tc) => ({
      id: tc.id ?? `call_${++callCounter}`,
      type: 'function' as const,
      function: { name: tc.name, arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments) },
    }));
    const message = {
      role: 'assistant' as const,
      content: reply.content ?? null,
      refusal: null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const id = `chatcmpl-scripted-${request.index}`;
    const created = Math.floor(Date.now() / 1000);
    const model = request.model || 'scripted';

    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: unknown, finish: string | null) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      chunk({ role: 'assistant', content: '' }, null);
      if (message.content) {
        // Split text in a few pieces so streaming consumers see more than one delta.
        const parts = message.content.match(/[\s\S]{1,24}/g) ?? [];
        for (const part of parts) chunk({ content: part }, null);
      }
      toolCalls.forEach((tc, index) => chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments } }] }, null));
      chunk({}, finishReason);
      res.end('data: [DONE]\n\n');
      return;
    }
    send(200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
