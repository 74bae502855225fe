// The MCP adapter: one McpServer built from the tool registry for one acting user. It
// converts three things and nothing else — the schema (zod → MCP tool definition), the
// result (domain output → structuredContent + text) and the error (AttainError → isError).
// Business rules, including who may see what, live in the tools.
//
// The factory is separate from its transports (stdio.ts, http.ts): the actor is fixed by
// the caller of `buildMcpServer` from its own authentication (the `--as` user, the bearer
// token's user) and no tool argument can change it.
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import type { ToolContext } from '../tools/context.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { AttainError } from '../tools/errors.ts';
import { tools } from '../tools/index.ts';

export const MCP_SERVER_NAME = 'attain';

/** URI of the read-only resource holding the caller's comp plan in force today. */
export const MY_PLAN_URI = 'attain://plans/mine';

/** JSON-RPC code MCP uses for an unknown or unavailable resource. */
const RESOURCE_NOT_FOUND = -32002;

const INSTRUCTIONS = [
  'attain answers questions about sales compensation and the pipeline behind it: quotas, attainment, statements, what-if estimates and more (see the tool list).',
  'Every number comes from a tool: never compute or guess a payout yourself; call the tool and quote its figures.',
  'You act as one authenticated user. Leave user arguments empty (null) to mean that user; you can see only their numbers, or their team’s if they manage one.',
  'Money is returned as decimal strings with a currency; keep them exact.',
].join('\n');

// The SDK builds a fresh Ajv instance per server unless given one; HTTP builds a server per
// request, so share one (it holds only compiled schemas, no request state).
let sharedValidator: AjvJsonSchemaValidator | undefined;

export function buildMcpServer(ctx: ToolContext, registry: readonly AnyTool[] = tools): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: 'attain — sales compensation', version: pkg.version },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: (sharedValidator ??= new AjvJsonSchemaValidator()) },
  );
  for (const tool of registry) registerTool(server, tool, ctx);
  registerPlanResource(server, ctx);
  registerPrompts(server, registry);
  return server;
}

// ---------------------------------------------------------------------------------------
// Tools

function registerTool(server: McpServer, tool: AnyTool, ctx: ToolContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: cachedInputSchema(tool),
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    // The SDK has already validated `args` against the input schema (its errors name each
    // field: "… at period"), so the handler gets parsed input, exactly as `runTool` would
    // give it; parsing twice would break schemas with transforms.
    async (args: unknown) => {
      try {
        const output = await tool.handler(args, ctx);
        return toolResult(tool, output);
      } catch (err) {
        return toolError(tool, err, ctx);
      }
    },
  );
}

// HTTP builds a server per request: derive each tool's MCP input schema once.
const inputSchemas = new WeakMap<AnyTool, z.ZodObject>();

function cachedInputSchema(tool: AnyTool): z.ZodObject {
  let schema = inputSchemas.get(tool);
  if (!schema) inputSchemas.set(tool, (schema = mcpInputSchema(tool.input)));
  return schema;
}

/**
 * The registry's input schemas are written for OpenAI strict mode: every property is
 * required and optional ones are `.nullable()`. MCP clients may simply leave an optional
 * argument out, so here a nullable property also accepts being absent (default null):
 * the handler sees the same value either way. `safeExtend` keeps strictness and refinements.
 */
export function mcpInputSchema(input: z.ZodObject): z.ZodObject {
  const relaxed: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(input.shape as Record<string, z.ZodType>)) {
    if (field instanceof z.ZodOptional || field instanceof z.ZodDefault) continue;
    if (field.safeParse(null).success) relaxed[key] = field.default(null);
  }
  return Object.keys(relaxed).length > 0 ? input.safeExtend(relaxed) : input;
}

function toolResult(tool: AnyTool, output: unknown): CallToolResult {
  // Plain JSON: what the client receives is exactly what validates against the schema.
  const structured = JSON.parse(JSON.stringify(output)) as Record<string, unknown>;
  return {
    content: [
      // The short summary for people; then the full JSON for clients that ignore
      // structuredContent (the spec asks servers to send it as text too).
      { type: 'text', text: tool.summarize(output) },
      { type: 'text', text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
  };
}

function toolError(tool: AnyTool, err: unknown, ctx: ToolContext): CallToolResult {
  if (err instanceof AttainError) {
    // Expected outcomes (FORBIDDEN, NO_QUOTA, …): the message is written for the caller and
    // FORBIDDEN's never reveals anything about the other user.
    return { content: [{ type: 'text', text: err.message }], isError: true, _meta: { 'attain/errorCode': err.code } };
  }
  // A bug: the details go to the server log only; the client gets a reference to quote.
  const ref = randomUUID().slice(0, 8);
  ctx.logger.error('tool failed', {
    tool: tool.name,
    actor: ctx.actor.id,
    ref,
    error: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { content: [{ type: 'text', text: `Internal error in ${tool.name} (ref ${ref}); the details are in the attain server log.` }], isError: true };
}

// ---------------------------------------------------------------------------------------
// Resources

function registerPlanResource(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'my_comp_plan',
    MY_PLAN_URI,
    {
      title: 'My comp plan',
      description: 'The compensation plan document in force for you today (tiers, rates, caps, SPIFs, draw), as JSON. Read-only.',
      mimeType: 'application/json',
    },
    async (uri): Promise<ReadResourceResult> => {
      const today = ctx.clock.today();
      const assignment = ctx.store.assignmentAt(ctx.actor.id, today);
      const plan = assignment ? ctx.store.getPlan(assignment.planId, assignment.planVersion) : undefined;
      if (!assignment || !plan) throw new McpError(RESOURCE_NOT_FOUND, `You have no comp plan in force on ${today}.`);
      const body = {
        assignedTo: ctx.actor.id,
        effectiveFrom: assignment.effectiveFrom,
        effectiveTo: assignment.effectiveTo,
        plan: plan.document,
      };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
    },
  );
}

// ---------------------------------------------------------------------------------------
// Prompts: each steers a model to the tools that answer the question. A prompt is offered
// only when the tools it names are in the registry.

interface PromptSpec {
  name: string;
  title: string;
  description: string;
  needs: readonly string[];
  args: Record<string, z.ZodOptional<z.ZodString>>;
  /** `has(name)`: whether the registry offers that tool, to mention optional helpers. */
  text: (args: Record<string, string | undefined>, has: (toolName: string) => boolean) => string;
}

const GROUNDING = 'Use only figures returned by the tools; if a tool reports an error, say so plainly instead of guessing.';

// A prompt is offered when the tools in `needs` exist; it may mention others when present.
const PROMPTS: readonly PromptSpec[] = [
  {
    name: 'explain_my_last_statement',
    title: 'Explain my last statement',
    description: 'Walks through your most recent commission statement line by line.',
    needs: ['get_commission_statement'],
    args: { period: z.string().describe('Period id such as 2026-Q3; leave empty for the last complete period').optional() },
    text: ({ period }) =>
      [
        period
          ? `Explain my commission statement for ${period}.`
          : 'Explain my most recent commission statement: the last period that has ended (if the current period has no credits yet, use the previous one).',
        'Call get_commission_statement for me (leave the user empty: it defaults to me).',
        'Go through every line: what it pays for, the tier legs and rates, any multiplier, cap or clawback, and how the lines add up to the total payable.',
        'Finish with attainment against quota and one sentence on what would move the number next period.',
        GROUNDING,
      ].join('\n'),
  },
  {
    name: 'coaching_summary_for_my_team',
    title: 'Coaching summary for my team',
    description: 'For managers: who is ahead, who is behind, and where to coach.',
    needs: ['get_quota_attainment'],
    args: { period: z.string().describe('Period id such as 2026-Q3; leave empty for the current period').optional() },
    text: ({ period }, has) =>
      [
        `Write a coaching summary for my team for ${period ?? 'the current period'}.`,
        has('get_coaching_summary')
          ? 'Call get_coaching_summary for me (leave the manager empty: it defaults to me) and narrate its talking points, reps most behind pace first.'
          : 'Call get_quota_attainment for me (leave the user empty): it rolls up my team and lists each member with pace and gap to quota.',
        has('find_stalled_deals') ? 'Where a rep is behind, call find_stalled_deals for that rep to name the deals worth a conversation.' : '',
        'Group reps as ahead of pace, on pace and behind pace; for each rep behind, give the gap to quota and one concrete coaching action. Keep it short enough to read in a minute.',
        GROUNDING,
      ]
        .filter(Boolean)
        .join('\n'),
  },
  {
    name: 'what_if_a_deal_closes',
    title: 'What if a deal closes',
    description: 'Estimates how much a deal closing would add to your commission and attainment.',
    needs: ['estimate_commission'],
    args: {
      dealId: z.string().describe('An open deal id; or leave empty and give an amount').optional(),
      amount: z.string().describe('A hypothetical deal amount, e.g. 50000').optional(),
    },
    text: ({ dealId, amount }) =>
      [
        dealId
          ? `What would I earn if deal ${dealId} closes?`
          : amount
            ? `What would I earn if a deal of ${amount} closed today?`
            : 'What would I earn if one of my open deals closes? Ask me which deal (or the amount) if I have not said.',
        'Call estimate_commission for me with that deal (or amount).',
        'Report the payout before and after, the difference, attainment before and after, any tier crossed, and the statement lines that change.',
        GROUNDING,
      ].join('\n'),
  },
];

function registerPrompts(server: McpServer, registry: readonly AnyTool[]): void {
  const available = new Set(registry.map((t) => t.name));
  for (const spec of PROMPTS) {
    if (!spec.needs.every((n) => available.has(n))) continue;
    server.registerPrompt(
      spec.name,
      { title: spec.title, description: spec.description, argsSchema: spec.args },
      (args: Record<string, string | undefined>): GetPromptResult => ({
        description: spec.description,
        messages: [{ role: 'user', content: { type: 'text', text: spec.text(args, (n) => available.has(n)) } }],
      }),
    );
  }
}
