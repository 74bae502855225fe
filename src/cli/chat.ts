// `attain chat --as USER_ID [--db PATH] [--thread ID] [QUESTION]`: a terminal chat with the
// agent on the configured model. With a QUESTION it answers once and exits; otherwise it
// reads lines until /exit or end of input. The thread is remembered in the database
// (`--thread` resumes one).
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createModelClient, modelConfigFromEnv } from '../agent/config.ts';
import { AgentError, type AgentEvent, type AgentResult } from '../agent/run-agent.ts';
import { askInThread } from '../agent/thread.ts';
import { contextFor } from '../app/context.ts';
import { type Logger, silentLogger } from '../tools/context.ts';
import { AttainError } from '../tools/errors.ts';
import { tools } from '../tools/index.ts';
import { CliError } from './io.ts';
import { openExistingStore } from './open-store.ts';

const USAGE = 'usage: attain chat --as USER_ID [--db PATH] [--thread ID] [QUESTION]';

export interface ChatIo {
  env: NodeJS.ProcessEnv;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show prompts and colours (a terminal). */
  interactive: boolean;
}

const defaultIo = (): ChatIo => ({ env: process.env, input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) });

export async function runChat(argv: string[], io: ChatIo = defaultIo()): Promise<string | void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { as: { type: 'string' }, db: { type: 'string' }, thread: { type: 'string' } } });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const actorId = values.as ?? io.env.ATTAIN_USER;
  if (!actorId) throw new CliError(`who is asking? pass --as USER_ID (or set ATTAIN_USER)\n${USAGE}`, 2);

  const model = modelConfigFromEnv(io.env);
  if (!model.ok) throw new CliError(model.message, 2);

  const store = openExistingStore(values.db, io.env);
  try {
    const logger: Logger = io.env.ATTAIN_DEBUG ? { ...silentLogger, error: (m, f) => io.output.write(`[error] ${m} ${JSON.stringify(f)}\n`) } : silentLogger;
    let ctx;
    try {
      ctx = contextFor(store, actorId, { logger, env: io.env });
    } catch (err) {
      if (err instanceof AttainError) throw new CliError(`${err.message} (\`attain tool list_reps --as admin\` lists the users)`, 2);
      throw err;
    }
    const client = createModelClient(model.config);
    const dim = (s: string) => (io.interactive ? `\x1b[2m${s}\x1b[22m` : s);
    const write = (s: string) => io.output.write(s);
    let threadId = values.thread ?? `cli:${actorId}:${randomUUID()}`;

    const ask = async (question: string): Promise<void> => {
      const onEvent = (e: AgentEvent) => {
        if (e.type === 'tool-call-start') write(dim(`  · ${e.name} ${JSON.stringify(e.args)}\n`));
        if (e.type === 'tool-call-end' && !e.ok) write(dim(`    ${e.name}: ${e.errorCode}\n`));
      };
      let result: AgentResult;
      try {
        result = await askInThread({ threadId, input: question, tools, ctx, client, model: model.config.model, onEvent });
      } catch (err) {
        if (err instanceof AgentError) {
          write(`attain: ${err.code === 'MAX_TURNS' ? 'the model kept calling tools without answering; try a narrower question.' : err.message}\n`);
          return;
        }
        throw err;
      }
      write(`${result.text}\n`);
      write(dim(`  [${groundingNote(result)}]\n`));
    };

    const question = positionals.join(' ').trim();
    if (question) {
      await ask(question);
      return;
    }

    const user = ctx.actor;
    if (io.interactive) {
      write(`attain chat as ${user.name} (${user.id}, ${user.role}), today ${ctx.clock.today()}, model ${model.config.model}.\n`);
      write(dim('Ask about your attainment, commission statement or what closing a deal would pay. /new starts a new thread, /exit quits.\n'));
    }
    const rl = createInterface({ input: io.input, terminal: false });
    const prompt = () => io.interactive && write('\nyou> ');
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      if (line === '/new') {
        threadId = `cli:${actorId}:${randomUUID()}`;
        write(dim('(new thread)\n'));
      } else if (line) {
        await ask(line);
      }
      prompt();
    }
    rl.close();
  } finally {
    store.close();
  }
}

function groundingNote(result: AgentResult): string {
  const figures = result.attempts.at(-1)?.figures.length ?? 0;
  switch (result.grounding) {
    case 'grounded':
      return figures === 0 ? 'no figures' : `grounded: ${figures} figure${figures === 1 ? '' : 's'} traced to tool results`;
    // The untraced figures themselves are never shown: they may be invented, or another user's.
    case 'corrected':
      return `grounded after one correction (${result.untraced.length} untraced figure${result.untraced.length === 1 ? '' : 's'} removed)`;
    case 'replaced':
      return `not grounded: the model's answer had figures no tool returned, so attain's own results are shown instead`;
  }
}
