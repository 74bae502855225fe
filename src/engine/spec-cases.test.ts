// Golden tests: every public spec case through the engine, compared field by field with
// its expected result (explanations are free text and not compared).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCase, ValidationError } from './plan.ts';
import { calculate, toSpecResult, type SpecResult } from './statement.ts';

const dir = join(import.meta.dirname, '../../test/fixtures/spec-cases');
const cases = readdirSync(dir).filter((f) => f.endsWith('.case.json'));

function comparable(r: SpecResult) {
  return {
    currency: r.currency,
    statements: r.statements.map((s) => ({ ...s, lines: s.lines.map(({ explain: _explain, ...rest }) => rest) })),
    ignoredEvents: r.ignoredEvents,
  };
}

describe('public spec cases', () => {
  it('has cases to run', () => expect(cases.length).toBeGreaterThanOrEqual(11));
  for (const file of cases) {
    const expectedPath = join(dir, file.replace('.case.json', '.expected.json'));
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (existsSync(expectedPath)) {
      it(file, () => {
        const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as SpecResult;
        const got = toSpecResult(calculate(parseCase(doc)));
        expect(comparable(got)).toEqual(comparable(expected));
        for (const s of got.statements) for (const l of s.lines) expect(l.explain.length).toBeGreaterThan(0);
      });
    } else {
      it(`${file} is rejected with a field-named error`, () => {
        expect(() => parseCase(doc)).toThrow(ValidationError);
        try {
          parseCase(doc);
        } catch (err) {
          expect((err as ValidationError).issues[0]?.path).toMatch(/\w/);
        }
      });
    }
  }
});
