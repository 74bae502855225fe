import { describe, expect, it } from 'vitest';
import { ValidationError, parseCase, parsePlan } from './plan.ts';

const plan = {
  id: 'p', version: 1, name: 'P', currency: 'USD', period: 'quarter',
  components: [{ kind: 'commission', id: 'base', tiering: 'marginal', tiers: [{ upTo: '1.0', rate: '0.10' }, { upTo: null, rate: '0.15' }] }],
};
const base = { plan, quotas: { '2027-Q1': '100000' }, credits: [{ dealId: 'D1', amount: '100', closedAt: '2027-01-05' }] };

function issues(doc: unknown): string[] {
  try {
    parseCase(doc);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('case validation names the field', () => {
  it('accepts a good case', () => expect(issues(base)).toEqual([]));
  it.each([
    ['a JSON number for money', { ...base, credits: [{ dealId: 'D1', amount: 100, closedAt: '2027-01-05' }] }, /^credits\[0\]\.amount: must be a decimal string, not the number 100/],
    ['a date that does not exist', { ...base, credits: [{ dealId: 'D1', amount: '100', closedAt: '2027-02-30' }] }, /^credits\[0\]\.closedAt: must be a real date/],
    ['a zero amount', { ...base, credits: [{ dealId: 'D1', amount: '0', closedAt: '2027-01-05' }] }, /^credits\[0\]\.amount: must be greater than 0/],
    ['a credit outside the quota periods', { ...base, credits: [{ dealId: 'D1', amount: '1', closedAt: '2027-04-01' }] }, /^credits\[0\]\.closedAt: 2027-04-01 falls in 2027-Q2/],
    ['a period id of the wrong shape', { ...base, quotas: { '2027-01': '5' } }, /^quotas\.2027-01: is not a quarter period id/],
    ['a zero quota', { ...base, quotas: { '2027-Q1': '0' } }, /^quotas\.2027-Q1: must be greater than 0/],
    ['a churn of an unknown deal', { ...base, events: [{ kind: 'churn', dealId: 'X', on: '2027-02-01' }] }, /^events\[0\]\.dealId: no credit/],
    ['a churn before the deal closed', { ...base, events: [{ kind: 'churn', dealId: 'D1', on: '2027-01-01' }] }, /^events\[0\]\.on: 2027-01-01 is before/],
    ['tiers that do not increase', { ...base, plan: { ...plan, components: [{ ...plan.components[0], tiers: [{ upTo: '1.0', rate: '0.1' }, { upTo: '0.5', rate: '0.1' }, { upTo: null, rate: '0.1' }] }] } }, /^plan\.components\[0\]\.tiers\[1\]\.upTo: must be greater than 1\.0/],
    ['a bounded last tier', { ...base, plan: { ...plan, components: [{ ...plan.components[0], tiers: [{ upTo: '1.0', rate: '0.1' }] }] } }, /^plan\.components\[0\]\.tiers\[0\]\.upTo: the last tier/],
    ['a misspelt field', { ...base, credits: [{ dealId: 'D1', amount: '1', closedAt: '2027-01-05', countTowardQuota: false }] }, /^credits\[0\]\.countTowardQuota: is not a known field/],
    ['an unknown component kind', { ...base, plan: { ...plan, components: [{ kind: 'bogus', id: 'x' }] } }, /^plan\.components\[0\]/],
    ['an unknown currency', { ...base, plan: { ...plan, currency: 'XXX' } }, /^plan\.currency: unknown currency/],
    ['duplicate component ids', { ...base, plan: { ...plan, components: [plan.components[0], plan.components[0]] } }, /^plan\.components\[1\]\.id: duplicate/],
  ])('rejects %s', (_what, doc, expected) => {
    const got = issues(doc);
    expect(got.length).toBeGreaterThan(0);
    expect(got.join('\n')).toMatch(expected);
  });

  it('parses a plan alone with paths under a prefix', () => {
    expect(() => parsePlan({ ...plan, version: 0 }, 'plan')).toThrow(/plan\.version/);
  });
});
