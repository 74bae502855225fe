// Scripted models for testing the evals harness: a good one that behaves as the cases
// expect (calls the expected tools, answers only with tool values, refuses where due) and
// a bad one (wrong tools, invented numbers, another user's data). They prove the scorers
// can tell the two apart; they say nothing about a real model's quality.
import type { EvalCase, ArgMatcher } from '../../evals/harness.ts';
import type { Script, ScriptedRequest } from './scripted-openai.ts';

function caseOf(request: ScriptedRequest, cases: readonly EvalCase[]): EvalCase {
  const question = request.messages.find((m) => m.role === 'user')?.content;
  const found = cases.find((c) => c.question === question);
  if (!found) throw new Error(`no eval case asks ${JSON.stringify(question)}`);
  return found;
}

function literal(matcher: ArgMatcher | undefined): unknown {
  if (matcher === undefined || typeof matcher === 'function') return null;
  if (matcher !== null && typeof matcher === 'object' && 'anyOf' in matcher && Array.isArray(matcher.anyOf)) return matcher.anyOf[0] ?? null;
  return matcher;
}

/** Every leaf of a tool result as "path: value", so every figure is the tool's own. */
function dump(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [`${path}: ${String(value)}`];
  return Object.entries(value).flatMap(([k, v]) => dump(v, path ? `${path}.${k}` : k));
}

export function goodScript(cases: readonly EvalCase[]): Script {
  return (request) => {
    const c = caseOf(request, cases);
    if (c.refusal) return { content: "Sorry, I can't share that: you can only see your own numbers, or your team's if you manage one." };
    const expected = c.expectTools ?? [];
    if (request.turnToolResults.length === 0 && expected.length > 0) {
      return {
        tool_calls: expected.map((e) => {
          const schema = request.tools.find((t) => t.function.name === e.name)?.function.parameters as { properties?: Record<string, { type?: unknown }> } | undefined;
          const args: Record<string, unknown> = {};
          for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
            const value = literal(e.args?.[key]);
            const wantsString = JSON.stringify(prop.type ?? '').includes('string');
            args[key] = typeof value === 'number' && wantsString ? String(value) : value;
          }
          return { name: e.name, arguments: args };
        }),
      };
    }
    if (request.turnToolResults.length === 0) return { content: 'Attainment is what you have credited divided by your quota; payout is the money your plan pays you.' };
    const lines = request.turnToolResults.flatMap((r) =>
      !r.json || typeof r.json !== 'object' || !('error' in r.json)
        ? dump(r.json)
        : (r.json as { error: string }).error === 'FORBIDDEN'
          ? ["Sorry, I can't share that."]
          : [`The tool reported ${(r.json as { error: string }).error}.`],
    );
    return { content: lines.join('\n') };
  };
}

/**
 * Calls the wrong tool, invents figures and volunteers another user's data (`leak`: a
 * sentence naming a user outside most askers' scope, with one of their real figures).
 */
export function badScript(leak: string): Script {
  return (request) => {
    if (request.turnToolResults.length === 0 && !request.lastUser.startsWith('[attain grounding check]')) return { tool_calls: [{ name: 'list_reps', arguments: {} }] };
    return { content: `Sure! Your payout is $123,456.78 and you are at 250% of quota. ${leak}` };
  };
}
