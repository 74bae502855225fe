// Contract of the registry: every tool is well-formed for all three readers (MCP client,
// OpenAI strict function calling, people).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tools } from '../../src/tools/index.ts';

type Json = Record<string, unknown>;

/** Problems that would stop OpenAI strict mode: optional properties, open objects. */
function strictProblems(schema: Json, path = '$'): string[] {
  const out: string[] = [];
  if (schema.type === 'object' || schema.properties) {
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const key of Object.keys(props)) if (!required.has(key)) out.push(`${path}.${key} is optional (use .nullable())`);
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) out.push(`${path} allows additional properties`);
    for (const [key, sub] of Object.entries(props)) out.push(...strictProblems(sub, `${path}.${key}`));
  }
  if (schema.items) out.push(...strictProblems(schema.items as Json, `${path}[]`));
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) for (const sub of (schema[k] ?? []) as Json[]) out.push(...strictProblems(sub, path));
  return out;
}

/** Properties without a description (people and models read them). */
function undescribed(schema: Json, path = '$'): string[] {
  const out: string[] = [];
  const props = (schema.properties ?? {}) as Record<string, Json>;
  for (const [key, sub] of Object.entries(props)) {
    const described = typeof sub.description === 'string' || ((sub.anyOf ?? []) as Json[]).some((s) => typeof s.description === 'string');
    if (!described) out.push(`${path}.${key}`);
  }
  return out;
}

describe('the tool registry', () => {
  it('has unique snake_case names and the foundation tools', () => {
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+(_[a-z]+)+$/);
    expect(names).toEqual(expect.arrayContaining(['list_reps', 'get_quota_attainment', 'get_commission_statement', 'estimate_commission']));
  });

  for (const tool of tools) {
    describe(tool.name, () => {
      it('has a title, a description written for a model, and annotations', () => {
        expect(tool.title.length).toBeGreaterThan(3);
        expect(tool.description.length).toBeGreaterThan(60);
        expect(typeof tool.annotations.readOnlyHint).toBe('boolean');
      });

      it('has an input schema fit for strict function calling, every field described', () => {
        const json = z.toJSONSchema(tool.input, { io: 'input' }) as Json;
        expect(json.type).toBe('object');
        expect(strictProblems(json)).toEqual([]);
        expect(undescribed(json)).toEqual([]);
      });

      it('has an output schema that converts to JSON Schema', () => {
        const json = z.toJSONSchema(tool.output) as Json;
        expect(json.type).toBe('object');
      });

      it('has no input that could name the acting user', () => {
        const keys = Object.keys(tool.input.shape);
        for (const k of ['actor', 'actorId', 'asUser', 'as', 'role', 'callerId']) expect(keys).not.toContain(k);
      });
    });
  }
});
