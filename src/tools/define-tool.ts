// A tool is data, defined once: name, description, zod input and output, handler. Every
// adapter (CLI, MCP, agent, Slack) serves the same definitions from the registry.
//
// Input schemas serve OpenAI strict function calling too: every property is required, and
// optional inputs are `.nullable()` with the default applied in the handler.
import { z } from 'zod';
import { issuesFromZod } from '../engine/plan.ts';
import type { ToolContext } from './context.ts';
import { AttainError } from './errors.ts';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface Tool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** snake_case verb: `get_quota_attainment`. */
  name: string;
  title: string;
  /** Written for a model: what it returns, when to use it, what it needs. */
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  handler: (input: z.output<I>, ctx: ToolContext) => Promise<z.output<O>>;
  /** One or two plain lines for people (MCP text content, Slack fallback). */
  summarize: (output: z.output<O>) => string;
}

/** Identity function: keeps the input and output types tied to the handler. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any, any>;

/** Validates raw input (INVALID_INPUT naming each field) and runs the handler. */
export async function runTool(tool: AnyTool, rawInput: unknown, ctx: ToolContext): Promise<unknown> {
  const parsed = tool.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new AttainError('INVALID_INPUT', `Invalid input for ${tool.name}: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`, issues);
  }
  return tool.handler(parsed.data, ctx);
}
