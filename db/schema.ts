// The attain database: drizzle schema for SQLite (better-sqlite3). Migrations in
// db/migrations are generated from this file (`npx drizzle-kit generate`) and committed.
//
// Conventions:
// - Money, shares and probabilities are TEXT decimal strings behind the `decimal` column type
//   (Dec in code). Never `numeric()`/`real()`: SQLite's NUMERIC affinity turns '0.10' into
//   0.1 and '12345678901234567.89' into 12345678901234568.
// - Dates are `YYYY-MM-DD` TEXT (LocalDate); instants are ISO 8601 TEXT (UTC).
// - Columns are snake_case in SQL and camelCase in TypeScript.
import { type AnySQLiteColumn, customType, foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { Dec, isDecimalString } from '../src/engine/money.ts';

/** An exact decimal stored as canonical TEXT (no exponent), read back as Dec. */
export const decimal = customType<{ data: Dec; driverData: string }>({
  dataType() {
    return 'text';
  },
  toDriver(value: Dec): string {
    if (!(value instanceof Dec) || !value.isFinite()) throw new TypeError(`decimal column: not a finite Dec: ${String(value)}`);
    return value.toFixed();
  },
  fromDriver(value: string): Dec {
    // Written by toDriver (or an importer's decimal string); anything else is corruption.
    if (typeof value !== 'string' || !isDecimalString(value)) throw new TypeError(`decimal column: not a decimal string: ${String(value)}`);
    return new Dec(value);
  },
});

export const roles = ['rep', 'manager', 'admin'] as const;
export const dealStatuses = ['open', 'won', 'lost'] as const;
export const dealFields = ['stage', 'amount', 'closeDate', 'status', 'probability', 'owner', 'nextStep'] as const;
export const activityKinds = ['call', 'email', 'meeting', 'note', 'task'] as const;
export const importRunStatuses = ['running', 'succeeded', 'failed'] as const;

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    slackUserId: text('slack_user_id').unique(),
    role: text('role', { enum: roles }).notNull(),
    managerId: text('manager_id').references((): AnySQLiteColumn => users.id),
    team: text('team'),
    startDate: text('start_date'),
  },
  (t) => [index('users_manager_idx').on(t.managerId)],
);

export const stages = sqliteTable('stages', {
  name: text('name').primaryKey(),
  order: integer('order').notNull(),
  status: text('status', { enum: dealStatuses }).notNull(),
});

export const compPlans = sqliteTable(
  'comp_plans',
  {
    id: text('id').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    /** The validated plan document (docs/plan-format.md) as JSON. */
    document: text('document').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);

export const planAssignments = sqliteTable(
  'plan_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    planId: text('plan_id').notNull(),
    planVersion: integer('plan_version').notNull(),
    effectiveFrom: text('effective_from').notNull(),
    /** Last day the assignment applies (inclusive); null = open-ended. */
    effectiveTo: text('effective_to'),
  },
  (t) => [
    foreignKey({ columns: [t.planId, t.planVersion], foreignColumns: [compPlans.id, compPlans.version] }),
    index('plan_assignments_user_idx').on(t.userId, t.effectiveFrom),
  ],
);

export const quotas = sqliteTable(
  'quotas',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    periodId: text('period_id').notNull(),
    amount: decimal('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.periodId] })],
);

export const deals = sqliteTable(
  'deals',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    account: text('account').notNull(),
    amount: decimal('amount').notNull(),
    currency: text('currency').notNull(),
    // No foreign key to stages: a CRM import may bring a stage before it is configured.
    stage: text('stage').notNull(),
    status: text('status', { enum: dealStatuses }).notNull(),
    /** Win probability 0..1; null when the CRM has none. */
    probability: decimal('probability'),
    createdAt: text('created_at').notNull(),
    closeDate: text('close_date'),
    closedAt: text('closed_at'),
    dealType: text('deal_type'),
    termMonths: integer('term_months'),
    nextStep: text('next_step'),
    lastActivityAt: text('last_activity_at'),
    /** When attain first stored the deal / last changed it (ISO 8601). */
    importedAt: text('imported_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('deals_owner_idx').on(t.ownerId, t.status), index('deals_status_close_idx').on(t.status, t.closeDate)],
);

export const dealHistory = sqliteTable(
  'deal_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dealId: text('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    field: text('field', { enum: dealFields }).notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    /** Where the change came from: 'crm' (CRM history), 'import' (diff of two imports), 'seed'... */
    source: text('source').notNull(),
  },
  (t) => [index('deal_history_deal_idx').on(t.dealId, t.at)],
);

export const activities = sqliteTable(
  'activities',
  {
    id: text('id').primaryKey(),
    dealId: text('deal_id').references(() => deals.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: activityKinds }).notNull(),
    at: text('at').notNull(),
    subject: text('subject').notNull(),
  },
  (t) => [index('activities_deal_idx').on(t.dealId, t.at), index('activities_user_idx').on(t.userId, t.at)],
);

export const credits = sqliteTable(
  'credits',
  {
    id: text('id').primaryKey(),
    dealId: text('deal_id')
      .notNull()
      .references(() => deals.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Share of the deal credited to this user, 0 < share ≤ 1. */
    share: decimal('share').notNull(),
    /** Credited amount, already at the share. */
    amount: decimal('amount').notNull(),
    closedAt: text('closed_at').notNull(),
    dealType: text('deal_type'),
    termMonths: integer('term_months'),
    countsTowardQuota: integer('counts_toward_quota', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    uniqueIndex('credits_deal_user_uq').on(t.dealId, t.userId),
    index('credits_user_idx').on(t.userId, t.closedAt),
  ],
);

export const churnEvents = sqliteTable(
  'churn_events',
  {
    id: text('id').primaryKey(),
    dealId: text('deal_id')
      .notNull()
      .references(() => deals.id),
    on: text('on').notNull(),
  },
  (t) => [index('churn_events_deal_idx').on(t.dealId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    label: text('label').notNull(),
    /** sha256 hex of the secret; the secret itself is never stored. */
    hash: text('hash').notNull().unique(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const messages = sqliteTable(
  'messages',
  {
    threadId: text('thread_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    seq: integer('seq').notNull(),
    /** One OpenAI chat message, as JSON. */
    message: text('message').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.seq] })],
);

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const importRuns = sqliteTable('import_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** What was imported: 'deals', 'users', 'history', 'activities'... */
  kind: text('kind').notNull(),
  /** File name or connector the rows came from. */
  source: text('source').notNull(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
  rows: integer('rows').notNull().default(0),
  inserted: integer('inserted').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  status: text('status', { enum: importRunStatuses }).notNull(),
  /** Why a failed run failed. */
  error: text('error'),
});
