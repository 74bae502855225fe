// A proposed plan for simulation: a full plan document, or a list of the common edits a comp
// designer makes (a tier's rate or bound, a cap, a multiplier, a bonus or SPIF amount, the
// draw, quotas scaled by a factor). Edits are applied to the baseline plan's document and
// the result goes through `parsePlan` again, so a proposal is validated exactly like a
// stored plan and errors name the edited field.
import { Dec, isDecimalString } from './money.ts';
import { type CompPlan, type FieldIssue, type PlanDocument, ValidationError, parsePlan } from './plan.ts';

export const planEditKinds = [
  'tier_rate',
  'tier_up_to',
  'cap',
  'multiplier_factor',
  'bonus_amount',
  'bonus_threshold',
  'spiff_amount',
  'draw_amount',
  'quota_factor',
] as const;
export type PlanEditKind = (typeof planEditKinds)[number];

/**
 * One edit. Flat on purpose (every field present, null when unused) so that the same shape
 * serves OpenAI strict function calling.
 * - `tier_rate`, `tier_up_to`: `componentId` (commission), `index` = tier (0-based), `value`.
 *   `tier_up_to` with value null is only valid for the last tier.
 * - `cap`: `componentId`, `value` = new cap, or null to remove the cap.
 * - `multiplier_factor`: `componentId`, `index` = multiplier (0-based), `value` = factor.
 * - `bonus_amount`, `bonus_threshold`: `componentId` (bonus), `value`.
 * - `spiff_amount`: `componentId` (spiff), `value`.
 * - `draw_amount`: `value` (the plan must have a draw).
 * - `quota_factor`: `value` multiplies every quota (e.g. "1.1" = quotas up 10 %).
 */
export interface PlanEdit {
  edit: PlanEditKind;
  componentId: string | null;
  index: number | null;
  value: string | null;
}

export interface Proposal {
  plan: CompPlan;
  /** Every quota of the simulated cases is multiplied by this (1 when quotas are unchanged). */
  quotaFactor: Dec;
}

type MutableDoc = Record<string, unknown> & { components: Record<string, unknown>[] };

/**
 * Applies `edits` to a copy of `base` and validates the result. The proposal keeps the
 * plan id and gets version + 1 (it is not stored). Throws ValidationError naming
 * `changes[i].field` for a bad edit, or `proposal.components[...]` when the edited plan
 * breaks a plan rule (e.g. tiers no longer increasing).
 */
export function applyPlanEdits(base: PlanDocument, edits: readonly PlanEdit[], pathPrefix = 'changes'): Proposal {
  const doc = structuredClone(base) as unknown as MutableDoc;
  const issues: FieldIssue[] = [];
  let quotaFactor = new Dec(1);

  edits.forEach((e, i) => {
    const at = (field: string) => `${pathPrefix}[${i}].${field}`;
    const fail = (field: string, message: string) => issues.push({ path: at(field), message });
    const decimal = (allowNull: boolean): string | null | undefined => {
      if (e.value === null) {
        if (!allowNull) fail('value', 'is required for this edit');
        return allowNull ? null : undefined;
      }
      if (!isDecimalString(e.value)) {
        fail('value', `must be a decimal string such as "0.12", got "${e.value}"`);
        return undefined;
      }
      return e.value;
    };
    const component = (kind: string): Record<string, unknown> | undefined => {
      if (e.componentId === null) {
        fail('componentId', `is required for ${e.edit}`);
        return undefined;
      }
      const found = doc.components.find((c) => c.id === e.componentId);
      if (!found) {
        fail('componentId', `no component "${e.componentId}" in plan ${base.id} (has ${doc.components.map((c) => c.id).join(', ')})`);
        return undefined;
      }
      if (found.kind !== kind) {
        fail('componentId', `component "${e.componentId}" is a ${String(found.kind)}, ${e.edit} needs a ${kind}`);
        return undefined;
      }
      return found;
    };
    const indexInto = (list: unknown[], what: string): Record<string, unknown> | undefined => {
      if (e.index === null || !Number.isInteger(e.index) || e.index < 0 || e.index >= list.length) {
        fail('index', `must be a ${what} index from 0 to ${list.length - 1}`);
        return undefined;
      }
      return list[e.index] as Record<string, unknown>;
    };

    switch (e.edit) {
      case 'tier_rate':
      case 'tier_up_to': {
        const c = component('commission');
        const t = c && indexInto(c.tiers as unknown[], 'tier');
        const v = decimal(e.edit === 'tier_up_to');
        if (t && v !== undefined) t[e.edit === 'tier_rate' ? 'rate' : 'upTo'] = v;
        break;
      }
      case 'cap': {
        const c = component('commission');
        const v = decimal(true);
        if (c && v !== undefined) {
          if (v === null) delete c.cap;
          else c.cap = v;
        }
        break;
      }
      case 'multiplier_factor': {
        const c = component('commission');
        const m = c && indexInto((c.multipliers as unknown[] | undefined) ?? [], 'multiplier');
        const v = decimal(false);
        if (m && v) m.factor = v;
        break;
      }
      case 'bonus_amount':
      case 'bonus_threshold': {
        const c = component('bonus');
        const v = decimal(false);
        if (c && v) c[e.edit === 'bonus_amount' ? 'amount' : 'attainmentAtLeast'] = v;
        break;
      }
      case 'spiff_amount': {
        const c = component('spiff');
        const v = decimal(false);
        if (c && v) c.amount = v;
        break;
      }
      case 'draw_amount': {
        const v = decimal(false);
        const draw = doc.draw as Record<string, unknown> | undefined;
        if (!draw) fail('edit', `plan ${base.id} has no draw to change`);
        else if (v) draw.amount = v;
        break;
      }
      case 'quota_factor': {
        const v = decimal(false);
        if (v) {
          if (!new Dec(v).gt(0)) fail('value', `must be greater than 0, got "${v}"`);
          else quotaFactor = quotaFactor.times(v);
        }
        break;
      }
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  doc.version = base.version + 1;
  return { plan: parsePlan(doc, 'proposal'), quotaFactor };
}

/** A full proposed plan document: validated like any plan, quotas unchanged. */
export function proposalFromDocument(document: unknown): Proposal {
  return { plan: parsePlan(document, 'proposal'), quotaFactor: new Dec(1) };
}
