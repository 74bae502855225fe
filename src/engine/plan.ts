// The comp-plan document and the calculation case: their zod schemas (the contract of
// ../shared/spec/plan-format.md, copied as docs/plan-format.md) and their compiled forms.
//
// A document is parsed exactly once, at the edge, by `parsePlan` / `parseCase`. Errors name
// the path of the bad field (`components[0].tiers[2].upTo: must be greater than 1.0`).
// After that the engine trusts its types.
import { z } from 'zod';
import { Dec, Rate, isDecimalString, isKnownCurrency } from './money.ts';
import { type FiscalCalendar, type LocalDate, type Period, isValidDate, parsePeriodId, periodIdShape, periodOf } from './periods.ts';

// ---------------------------------------------------------------------------------------
// Field schemas

function describeInput(input: unknown): string {
  if (input === undefined) return 'is required';
  if (input === null) return 'must not be null';
  if (typeof input === 'number') return `must be a decimal string, not the number ${input} (write "${input}")`;
  return `must be a decimal string, got ${typeof input}`;
}

interface DecimalBounds {
  /** value must be > this */
  gt?: string;
  /** value must be ≥ this */
  gte?: string;
}

/** A decimal written as a JSON string ("0.08"), with optional bounds. */
export function decimalString(bounds: DecimalBounds = {}) {
  return z
    .string({ error: (iss) => describeInput(iss.input) })
    .superRefine((s, ctx) => {
      if (!isDecimalString(s)) {
        ctx.addIssue({ code: 'custom', message: `must be a decimal string such as "1234.50", got "${s}"` });
        return;
      }
      const v = new Dec(s);
      if (bounds.gt !== undefined && !v.gt(bounds.gt)) ctx.addIssue({ code: 'custom', message: `must be greater than ${bounds.gt}, got "${s}"` });
      if (bounds.gte !== undefined && !v.gte(bounds.gte)) ctx.addIssue({ code: 'custom', message: `must be at least ${bounds.gte}, got "${s}"` });
    });
}

export const dateString = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date string YYYY-MM-DD') })
  .refine(isValidDate, { error: (iss) => `must be a real date YYYY-MM-DD, got "${String(iss.input)}"` });

const idString = z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).min(1, 'must not be empty');

const condition = z
  .strictObject({
    termMonthsAtLeast: z.int().min(0).optional().describe('Matches credits whose termMonths is at least this.'),
    dealTypes: z.array(idString).min(1).optional().describe('Matches credits whose dealType is one of these.'),
  })
  .describe('A condition on a credit; every key given must match.');

const tier = z.strictObject({
  upTo: decimalString({ gt: '0' }).nullable().describe('Upper bound of the band in attainment (1.0 = 100 %); null for the last, unbounded tier.'),
  rate: decimalString({ gte: '0' }).describe('Rate paid on amounts in this band ("0.08" = 8 %).'),
});

const commonComponent = {
  id: idString.describe('Unique within the plan.'),
  name: z.string().optional(),
  description: z.string().optional(),
};

const commissionComponent = z
  .strictObject({
    kind: z.literal('commission'),
    ...commonComponent,
    tiering: z.enum(['marginal', 'retroactive']).describe('marginal: each slice at its band rate; retroactive: all at the rate of the final band.'),
    tiers: z.array(tier).min(1, 'must hold at least one tier'),
    filter: z.strictObject({ dealTypes: z.array(idString).min(1) }).optional(),
    multipliers: z.array(z.strictObject({ when: condition, factor: decimalString({ gte: '0' }) })).optional(),
    cap: decimalString({ gte: '0' }).optional().describe('Most this component pays in one period.'),
  })
  .superRefine((c, ctx) => {
    c.tiers.forEach((t, i) => {
      const last = i === c.tiers.length - 1;
      if (last && t.upTo !== null) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: 'the last tier must have upTo: null (no upper bound)' });
      if (!last && t.upTo === null) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: 'only the last tier may have upTo: null' });
      const prev = c.tiers[i - 1];
      if (i > 0 && prev?.upTo != null && t.upTo != null && isDecimalString(t.upTo) && isDecimalString(prev.upTo) && !new Dec(t.upTo).gt(prev.upTo)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: `must be greater than ${prev.upTo} (tiers increase)` });
      }
    });
  });

const bonusComponent = z.strictObject({
  kind: z.literal('bonus'),
  ...commonComponent,
  attainmentAtLeast: decimalString({ gte: '0' }).describe('Paid once per period when final attainment reaches this (1.0 = 100 %).'),
  amount: decimalString({ gte: '0' }),
});

const spiffComponent = z
  .strictObject({
    kind: z.literal('spiff'),
    ...commonComponent,
    when: condition.optional(),
    amount: decimalString({ gte: '0' }),
    from: dateString.optional(),
    to: dateString.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.from && s.to && isValidDate(s.from) && isValidDate(s.to) && s.from > s.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${s.from})` });
    }
  });

const component = z.discriminatedUnion('kind', [commissionComponent, bonusComponent, spiffComponent], {
  error: (iss) => (iss.code === 'invalid_union' ? 'kind must be one of commission, bonus, spiff' : undefined),
});

export const planDocumentSchema = z
  .strictObject({
    id: idString,
    version: z.int().min(1),
    name: z.string().min(1),
    description: z.string().optional(),
    currency: z.string().refine(isKnownCurrency, { error: (iss) => `unknown currency "${String(iss.input)}" (ISO 4217 code such as USD)` }),
    period: z.enum(['month', 'quarter', 'year']),
    fiscalYearStartMonth: z.int().min(1).max(12).default(1),
    components: z.array(component).min(1, 'must hold at least one component'),
    draw: z.strictObject({ amount: decimalString({ gte: '0' }), recoverable: z.boolean() }).optional(),
    clawback: z.strictObject({ withinDays: z.int().min(0) }).optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.components.forEach((c, i) => {
      const first = seen.get(c.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['components', i, 'id'], message: `duplicate component id "${c.id}" (also components[${first}])` });
      else seen.set(c.id, i);
    });
  });

export type PlanDocument = z.output<typeof planDocumentSchema>;

const creditSchema = z.strictObject({
  dealId: idString,
  amount: decimalString({ gt: '0' }),
  closedAt: dateString,
  dealType: z.string().optional(),
  termMonths: z.int().min(0).optional(),
  countsTowardQuota: z.boolean().optional(),
  note: z.string().optional(),
});

const churnEventSchema = z.strictObject({
  kind: z.literal('churn'),
  dealId: idString,
  on: dateString,
});

export const caseDocumentSchema = z.strictObject({
  description: z.string().optional(),
  plan: planDocumentSchema,
  quotas: z.record(z.string(), decimalString({ gte: '0' })),
  openingDrawBalance: decimalString({ gte: '0' }).optional(),
  credits: z.array(creditSchema),
  events: z.array(churnEventSchema).optional(),
});

export type CaseDocument = z.output<typeof caseDocumentSchema>;

// ---------------------------------------------------------------------------------------
// Compiled, typed forms the engine works on

export interface Condition {
  termMonthsAtLeast?: number;
  dealTypes?: readonly string[];
}

export interface Tier {
  /** Upper bound in attainment; null = unbounded. */
  upTo: Dec | null;
  rate: Rate;
}

export interface CommissionComponent {
  kind: 'commission';
  id: string;
  name?: string;
  tiering: 'marginal' | 'retroactive';
  tiers: readonly Tier[];
  filter?: { dealTypes: readonly string[] };
  multipliers: readonly { when: Condition; factor: Rate }[];
  cap?: Dec;
}

export interface BonusComponent {
  kind: 'bonus';
  id: string;
  name?: string;
  attainmentAtLeast: Dec;
  amount: Dec;
}

export interface SpiffComponent {
  kind: 'spiff';
  id: string;
  name?: string;
  when?: Condition;
  amount: Dec;
  from?: LocalDate;
  to?: LocalDate;
}

export type Component = CommissionComponent | BonusComponent | SpiffComponent;

export interface CompPlan extends FiscalCalendar {
  id: string;
  version: number;
  name: string;
  currency: string;
  components: readonly Component[];
  draw?: { amount: Dec; recoverable: boolean };
  clawback?: { withinDays: number };
  /** The validated document this plan was compiled from. */
  document: PlanDocument;
}

/** What one rep is credited for one deal (a split deal is several credits). */
export interface Credit {
  dealId: string;
  amount: Dec;
  closedAt: LocalDate;
  dealType?: string;
  termMonths?: number;
  countsTowardQuota: boolean;
}

export interface ChurnEvent {
  kind: 'churn';
  dealId: string;
  on: LocalDate;
}

export interface CompCase {
  plan: CompPlan;
  /** Statement periods, in time order, each with its quota. */
  periods: readonly { period: Period; quota: Dec }[];
  openingDrawBalance: Dec;
  credits: readonly Credit[];
  events: readonly ChurnEvent[];
}

// ---------------------------------------------------------------------------------------
// Errors

export interface FieldIssue {
  path: string;
  message: string;
}

/** A document that breaks the contract. `message` lists every issue by field path. */
export class ValidationError extends Error {
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.name = 'ValidationError';
  }
}

/** `['credits', 3, 'amount']` → `credits[3].amount`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function issuesFromZod(error: z.ZodError, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key], prefix), message: 'is not a known field' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest instead of a bare "invalid input".
      const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
      for (const sub of best) out.push({ path: formatPath([...issue.path, ...sub.path], prefix), message: sub.message });
    } else {
      out.push({ path: formatPath(issue.path, prefix), message: issue.message });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Parsing

function conditionOf(c: { termMonthsAtLeast?: number | undefined; dealTypes?: string[] | undefined } | undefined): Condition | undefined {
  if (!c) return undefined;
  const out: Condition = {};
  if (c.termMonthsAtLeast !== undefined) out.termMonthsAtLeast = c.termMonthsAtLeast;
  if (c.dealTypes !== undefined) out.dealTypes = c.dealTypes;
  return out;
}

/** Turns a validated document into the typed plan the engine computes with. */
export function compilePlan(doc: PlanDocument): CompPlan {
  const components: Component[] = doc.components.map((c): Component => {
    switch (c.kind) {
      case 'commission':
        return {
          kind: 'commission',
          id: c.id,
          ...(c.name !== undefined ? { name: c.name } : {}),
          tiering: c.tiering,
          tiers: c.tiers.map((t) => ({ upTo: t.upTo === null ? null : new Dec(t.upTo), rate: Rate.of(t.rate) })),
          ...(c.filter ? { filter: { dealTypes: c.filter.dealTypes } } : {}),
          multipliers: (c.multipliers ?? []).map((m) => ({ when: conditionOf(m.when) ?? {}, factor: Rate.of(m.factor) })),
          ...(c.cap !== undefined ? { cap: new Dec(c.cap) } : {}),
        };
      case 'bonus':
        return { kind: 'bonus', id: c.id, ...(c.name !== undefined ? { name: c.name } : {}), attainmentAtLeast: new Dec(c.attainmentAtLeast), amount: new Dec(c.amount) };
      case 'spiff': {
        const when = conditionOf(c.when);
        return {
          kind: 'spiff',
          id: c.id,
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(when ? { when } : {}),
          amount: new Dec(c.amount),
          ...(c.from ? { from: c.from } : {}),
          ...(c.to ? { to: c.to } : {}),
        };
      }
    }
  });
  return {
    id: doc.id,
    version: doc.version,
    name: doc.name,
    currency: doc.currency,
    period: doc.period,
    fiscalYearStartMonth: doc.fiscalYearStartMonth,
    components,
    ...(doc.draw ? { draw: { amount: new Dec(doc.draw.amount), recoverable: doc.draw.recoverable } } : {}),
    ...(doc.clawback ? { clawback: { withinDays: doc.clawback.withinDays } } : {}),
    document: doc,
  };
}

/** Validates and compiles a plan document (already parsed from JSON or YAML). */
export function parsePlan(input: unknown, pathPrefix = ''): CompPlan {
  const parsed = planDocumentSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error, pathPrefix));
  return compilePlan(parsed.data);
}

export function planNeedsQuota(plan: CompPlan): boolean {
  return plan.components.some((c) => c.kind !== 'spiff');
}

/** Resolves a quota period id of `plan`, or explains what the id should look like. */
export function resolvePeriod(id: string, cal: FiscalCalendar): Period | undefined {
  return parsePeriodId(id, cal);
}

/** Validates a case document against the schema and the spec's cross-field rules. */
export function parseCase(input: unknown): CompCase {
  const parsed = caseDocumentSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error));
  const doc = parsed.data;
  const plan = compilePlan(doc.plan);
  const issues: FieldIssue[] = [];

  const periods: { period: Period; quota: Dec }[] = [];
  for (const [id, amount] of Object.entries(doc.quotas)) {
    const period = parsePeriodId(id, plan);
    if (!period) {
      issues.push({ path: `quotas.${id}`, message: `is not a ${plan.period} period id for this plan (expected ${periodIdShape(plan)})` });
      continue;
    }
    const quota = new Dec(amount);
    if (quota.isZero() && planNeedsQuota(plan)) {
      issues.push({ path: `quotas.${id}`, message: 'must be greater than 0: attainment is undefined for a zero quota' });
    }
    periods.push({ period, quota });
  }
  if (periods.length === 0 && issues.length === 0) issues.push({ path: 'quotas', message: 'must list at least one period' });
  periods.sort((a, b) => (a.period.start < b.period.start ? -1 : 1));
  const known = new Set(periods.map((p) => p.period.id));

  const checkInPeriod = (date: string, path: string) => {
    const p = periodOf(date, plan);
    if (!known.has(p.id)) issues.push({ path, message: `${date} falls in ${p.id}, which is not listed in quotas` });
  };

  const credits: Credit[] = doc.credits.map((c, i) => {
    checkInPeriod(c.closedAt, `credits[${i}].closedAt`);
    return {
      dealId: c.dealId,
      amount: new Dec(c.amount),
      closedAt: c.closedAt,
      ...(c.dealType !== undefined ? { dealType: c.dealType } : {}),
      ...(c.termMonths !== undefined ? { termMonths: c.termMonths } : {}),
      countsTowardQuota: c.countsTowardQuota ?? true,
    };
  });

  const events: ChurnEvent[] = (doc.events ?? []).map((e, i) => {
    const dealCredits = credits.filter((c) => c.dealId === e.dealId);
    if (dealCredits.length === 0) {
      issues.push({ path: `events[${i}].dealId`, message: `no credit in this case has dealId "${e.dealId}"` });
    } else if (dealCredits.every((c) => e.on < c.closedAt)) {
      issues.push({ path: `events[${i}].on`, message: `${e.on} is before deal ${e.dealId} closed` });
    }
    checkInPeriod(e.on, `events[${i}].on`);
    return { kind: 'churn', dealId: e.dealId, on: e.on };
  });

  if (issues.length > 0) throw new ValidationError(issues);
  return { plan, periods, openingDrawBalance: new Dec(doc.openingDrawBalance ?? '0'), credits, events };
}
