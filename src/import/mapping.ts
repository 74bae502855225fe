// Mapping files: which CSV column holds which field, how numbers and dates are written, and
// the stage vocabulary. One file may describe several kinds of export (deals, users,
// quotas, credits, activities); a command picks the section for its kind. Validated once
// with zod; errors name the path of the bad field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesFromZod, ValidationError } from '../engine/plan.ts';
import { isDecimalString, isKnownCurrency } from '../engine/money.ts';
import { hubspotMapping, salesforceMapping } from './presets.ts';
import { parse as parseYaml } from 'yaml';

const column = z.string().min(1, 'must name a CSV column').describe('Header text of a CSV column, as written in the file');
const decimalText = z.string().refine(isDecimalString, { error: 'must be a decimal string such as "1234.50"' });

const common = {
  delimiter: z.string().length(1).default(',').describe('Field delimiter'),
  numberFormat: z.enum(['en', 'de', 'fr', 'ch']).default('en').describe('How amounts are written: en 1,234.50; de 1.234,50; fr 1 234,50; ch 1\'234.50'),
  dateFormat: z.enum(['iso', 'mdy', 'dmy']).default('iso').describe('iso 2024-03-15 (a time after it is ignored); mdy 3/15/2024; dmy 15/03/2024'),
  stopAtBlankLine: z.boolean().default(false).describe('Stop at the first blank line (report exports with a footer)'),
  userMatch: z.enum(['auto', 'id', 'email', 'name']).default('auto').describe('How a user cell is matched: auto tries id, then email, then name'),
};

export const stageSchema = z.strictObject({
  name: z.string().min(1).describe('The stage as attain stores it'),
  status: z.enum(['open', 'won', 'lost']),
  aliases: z.array(z.string()).default([]).describe('Other spellings found in exports (matched case-insensitively)'),
});

export const dealMappingSchema = z
  .strictObject({
    ...common,
    idPrefix: z.string().default('').describe('Prepended to the CRM id to form the attain deal id (keeps two CRMs apart)'),
    currency: z.string().refine(isKnownCurrency, { error: 'must be a known ISO 4217 code' }).default('USD').describe('Currency when the file has no currency column'),
    probabilityScale: z.enum(['percent', 'fraction']).default('percent').describe('percent: 10 means 10%; fraction: 0.1 means 10%'),
    columns: z.strictObject({
      id: column,
      owner: column,
      stage: column,
      amount: column.optional(),
      name: column.optional(),
      account: column.optional(),
      currency: column.optional(),
      probability: column.optional(),
      created: column.optional(),
      closeDate: column.optional(),
      won: column.optional().describe('A true/false column; with `closed`, decides the status instead of the stage'),
      closed: column.optional(),
      type: column.optional(),
      term: column.optional().describe('Contract term in whole months'),
      nextStep: column.optional(),
      lastActivity: column.optional(),
    }),
    typeAliases: z.record(z.string(), z.string()).default({}).describe('Deal type cell text → the type stored (fixes spellings, e.g. "GTXPro" → "GTX Pro")'),
    nameTemplate: z.string().optional().describe('Deal name built from columns, e.g. "{product} for {account}", when there is no name column'),
    accountWhenMissing: z.string().default('').describe('Account stored when the account cell is empty'),
    createdWhenMissing: z.enum(['error', 'snapshot', 'closeDate']).default('error').describe('What an empty created date becomes'),
    amountWhenMissing: z
      .strictObject({
        column: column.optional().describe('Look the amount up by this column (e.g. the product)'),
        values: z.record(z.string(), decimalText).default({}),
        default: decimalText.optional().describe('Amount when nothing else applies'),
      })
      .optional()
      .describe('What an empty amount becomes; without this, an empty amount is an error'),
    stages: z.array(stageSchema).min(1).describe('The stage vocabulary in pipeline order'),
    stageEnteredColumns: z
      .record(z.string(), column)
      .default({})
      .describe('Stage name → column holding the date the deal entered it; becomes CRM history on first import'),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.stages.forEach((s, i) => {
      for (const n of [s.name, ...s.aliases]) {
        const key = n.trim().toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['stages', i], message: `"${n}" appears twice in the stage vocabulary` });
        seen.add(key);
      }
    });
    for (const stage of Object.keys(m.stageEnteredColumns)) {
      if (!m.stages.some((s) => s.name === stage)) ctx.addIssue({ code: 'custom', path: ['stageEnteredColumns', stage], message: 'is not a stage of the vocabulary' });
    }
    if ((m.columns.won === undefined) !== (m.columns.closed === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['columns', m.columns.won === undefined ? 'won' : 'closed'], message: 'won and closed go together' });
    }
  });

export const userMappingSchema = z.strictObject({
  ...common,
  columns: z.strictObject({
    id: column.optional().describe('Without it, the id is the slug of the name ("Moses Frase" → moses-frase)'),
    name: column,
    email: column.optional(),
    manager: column.optional().describe('The manager, matched by id, email or name'),
    role: column.optional(),
    team: column.optional(),
    startDate: column.optional(),
    slackUserId: column.optional(),
  }),
  emailTemplate: z.string().optional().describe('Email when the file has none, e.g. "{id}@example.com"'),
  defaultRole: z.enum(['rep', 'manager', 'admin']).default('rep'),
  roles: z.record(z.string(), z.enum(['rep', 'manager', 'admin'])).default({}).describe('Role cell text → role'),
  createManagers: z.boolean().default(false).describe('Create a manager user for a manager named only in the manager column'),
});

export const quotaMappingSchema = z.strictObject({
  ...common,
  columns: z.strictObject({ user: column, period: column, amount: column }),
});

export const creditMappingSchema = z.strictObject({
  ...common,
  idPrefix: z.string().default(''),
  columns: z.strictObject({ deal: column, user: column, share: column.optional(), amount: column.optional() }),
});

export const activityMappingSchema = z.strictObject({
  ...common,
  idPrefix: z.string().default(''),
  dealIdPrefix: z.string().default(''),
  columns: z.strictObject({ id: column.optional(), deal: column.optional(), user: column, kind: column, at: column, subject: column.optional() }),
  kinds: z.record(z.string(), z.enum(['call', 'email', 'meeting', 'note', 'task'])).default({}).describe('Kind cell text → activity kind'),
});

export const mappingFileSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  deals: dealMappingSchema.optional(),
  users: userMappingSchema.optional(),
  quotas: quotaMappingSchema.optional(),
  credits: creditMappingSchema.optional(),
  activities: activityMappingSchema.optional(),
});

export type DealMapping = z.output<typeof dealMappingSchema>;
export type UserMapping = z.output<typeof userMappingSchema>;
export type QuotaMapping = z.output<typeof quotaMappingSchema>;
export type CreditMapping = z.output<typeof creditMappingSchema>;
export type ActivityMapping = z.output<typeof activityMappingSchema>;
export type MappingFile = z.output<typeof mappingFileSchema>;
export type MappingFileInput = z.input<typeof mappingFileSchema>;
export type ImportKind = 'deals' | 'users' | 'quotas' | 'credits' | 'activities';

/** Sections used when a mapping has none for a kind: attain's own column names. */
export const DEFAULT_MAPPING: MappingFileInput = {
  name: 'attain',
  users: { columns: { id: 'id', name: 'name', email: 'email', manager: 'manager', role: 'role', team: 'team' } },
  quotas: { columns: { user: 'user', period: 'period', amount: 'amount' } },
  credits: { columns: { deal: 'deal', user: 'user', share: 'share' } },
  activities: { columns: { id: 'id', deal: 'deal', user: 'user', kind: 'kind', at: 'at', subject: 'subject' } },
};

export const PRESETS: Readonly<Record<string, MappingFileInput>> = {
  salesforce: salesforceMapping,
  hubspot: hubspotMapping,
};

export function parseMapping(input: unknown, label = 'mapping'): MappingFile {
  const result = mappingFileSchema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesFromZod(result.error).map((i) => ({ ...i, path: `${label}: ${i.path}` })));
  return result.data;
}

/** A preset name (salesforce, hubspot) or the path of a JSON/YAML mapping file. */
export function loadMapping(nameOrPath: string | undefined): MappingFile {
  if (nameOrPath === undefined) return parseMapping(DEFAULT_MAPPING, 'default mapping');
  const preset = PRESETS[nameOrPath];
  if (preset) return parseMapping(preset, nameOrPath);
  const text = readFileSync(nameOrPath, 'utf8');
  const doc: unknown = /\.ya?ml$/i.test(nameOrPath) ? parseYaml(text) : JSON.parse(text);
  return parseMapping(doc, nameOrPath);
}

/** The section of `mapping` for `kind`, falling back to attain's own column names. */
export function sectionOf<K extends ImportKind>(mapping: MappingFile, kind: K): NonNullable<MappingFile[K]> {
  const own = mapping[kind];
  if (own) return own as NonNullable<MappingFile[K]>;
  const fallback = parseMapping(DEFAULT_MAPPING)[kind];
  if (!fallback) throw new ValidationError([{ path: kind, message: `the mapping "${mapping.name ?? '?'}" has no ${kind} section` }]);
  return fallback as NonNullable<MappingFile[K]>;
}
