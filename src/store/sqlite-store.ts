// The Store on SQLite: drizzle over better-sqlite3, rows in, engine types out.
//
// Contracts:
// - Synchronous, like better-sqlite3. `transaction(fn)` takes a synchronous function;
//   nested calls become savepoints. Never await anything (LLM, network) inside one.
// - Money and ratios cross this boundary as Dec (TEXT in the database, see db/schema.ts).
// - Lists come back in a stable order (documented per method) so that callers and tests
//   never depend on SQLite's row order.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { and, asc, desc, eq, getTableColumns, gte, isNull, lte, or, sql, type SQL, type Table } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../../db/schema.ts';
import type { Activity, Deal, DealChange, Stage } from '../engine/deals.ts';
import { Dec, isDecimalString } from '../engine/money.ts';
import type { LocalDate, PeriodId } from '../engine/periods.ts';
import { type CompPlan, parsePlan } from '../engine/plan.ts';
import type { WonStageChange } from '../engine/stalled-deals.ts';
import type {
  ApiToken,
  DealFilter,
  PlanAssignment,
  PlanSummary,
  QuotaRow,
  Store,
  StoreWriter,
  StoredChurn,
  StoredCredit,
  StoredMessage,
  User,
} from './types.ts';

/**
 * db/migrations, found from this module's own location (never the cwd): src/store when run
 * from source, dist/src/store after `npm run build` (tsc does not copy the SQL files).
 */
export const migrationsFolder =
  [join(import.meta.dirname, '..', '..', 'db', 'migrations'), join(import.meta.dirname, '..', '..', '..', 'db', 'migrations')].find((dir) =>
    existsSync(join(dir, 'meta', '_journal.json')),
  ) ?? join(import.meta.dirname, '..', '..', 'db', 'migrations');

export type AttainDb = BetterSQLite3Database<typeof schema>;

/** Opens (creating if needed) the database at `path` and brings its schema up to date. */
export function openStore(path: string | ':memory:'): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  try {
    if (path !== ':memory:') {
      sqlite.pragma('journal_mode = WAL');
      // Reads of a rep's credits and deals jump around the file: a larger page cache (64 MiB,
      // allocated as used) and memory-mapped reads (up to 256 MiB) keep them off the syscall
      // path. Measured on the 1,000-rep benchmark org: building every case went ~25% faster.
      sqlite.pragma('cache_size = -65536');
      sqlite.pragma('mmap_size = 268435456');
    }
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle({ client: sqlite, schema });
    migrate(db, { migrationsFolder });
    return new SqliteStore(db, sqlite);
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

const { users, stages, compPlans, planAssignments, quotas, deals, dealHistory, activities, credits, churnEvents, apiTokens, messages, meta } = schema;

type UserRow = typeof users.$inferSelect;
type DealRow = typeof deals.$inferSelect;
type AssignmentRow = typeof planAssignments.$inferSelect;
type TokenRow = typeof apiTokens.$inferSelect;

function toUser(r: UserRow): User {
  return { id: r.id, name: r.name, email: r.email, slackUserId: r.slackUserId, role: r.role, managerId: r.managerId, team: r.team, startDate: r.startDate };
}

function toDeal(r: DealRow): Deal {
  return {
    id: r.id,
    name: r.name,
    ownerId: r.ownerId,
    account: r.account,
    amount: r.amount,
    currency: r.currency,
    stage: r.stage,
    status: r.status,
    probability: r.probability,
    createdAt: r.createdAt,
    closeDate: r.closeDate,
    closedAt: r.closedAt,
    dealType: r.dealType,
    termMonths: r.termMonths,
    nextStep: r.nextStep,
    lastActivityAt: r.lastActivityAt,
  };
}

interface RawUser {
  id: string;
  name: string;
  email: string;
  slack_user_id: string | null;
  role: string;
  manager_id: string | null;
  team: string | null;
  start_date: string | null;
}

function fromRawUser(r: RawUser): User {
  return { id: r.id, name: r.name, email: r.email, slackUserId: r.slack_user_id, role: r.role as User['role'], managerId: r.manager_id, team: r.team, startDate: r.start_date };
}

interface RawAssignment {
  user_id: string;
  plan_id: string;
  plan_version: number;
  effective_from: string;
  effective_to: string | null;
}

/** A users row: id, name, email, slack_user_id, role, manager_id, team, start_date. */
type RawUserRow = [string, string, string, string | null, User['role'], string | null, string | null, string | null];

const DEAL_COLUMNS =
  'id, name, owner_id, account, amount, currency, stage, status, probability, created_at, close_date, closed_at, deal_type, term_months, next_step, last_activity_at';

/** A deals row in DEAL_COLUMNS order. */
type RawDeal = [
  string, string, string, string, string, string, string, Deal['status'], string | null,
  string, string | null, string | null, string | null, number | null, string | null, string | null,
];

/** A decimal column read raw: validated as the `decimal` column type does (anything else is corruption). */
function decimalOf(text: string, column: string): Dec {
  if (typeof text !== 'string' || !isDecimalString(text)) throw new TypeError(`${column}: not a decimal string: ${String(text)}`);
  return new Dec(text);
}

function dealOf(r: RawDeal): Deal {
  const [id, name, ownerId, account, amount, currency, stage, status, probability, createdAt, closeDate, closedAt, dealType, termMonths, nextStep, lastActivityAt] = r;
  return {
    id,
    name,
    ownerId,
    account,
    amount: decimalOf(amount, 'deals.amount'),
    currency,
    stage,
    status,
    probability: probability === null ? null : decimalOf(probability, 'deals.probability'),
    createdAt,
    closeDate,
    closedAt,
    dealType,
    termMonths,
    nextStep,
    lastActivityAt,
  };
}

/** id, deal_id, share, amount, closed_at, deal_type, term_months, counts_toward_quota */
type RawCredit = [string, string, string, string, string, string | null, number | null, number];

function toAssignment(r: AssignmentRow): PlanAssignment {
  return { userId: r.userId, planId: r.planId, planVersion: r.planVersion, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo };
}

function toToken(r: TokenRow): ApiToken {
  return { id: r.id, userId: r.userId, label: r.label, hash: r.hash, createdAt: r.createdAt, revokedAt: r.revokedAt };
}

/** `excluded.<column>` for every column of a table but its key, for ON CONFLICT DO UPDATE. */
function excludedAll<T extends Table>(table: T, keys: readonly (keyof T['_']['columns'] & string)[]): Record<string, SQL> {
  const columns = getTableColumns(table);
  const out: Record<string, SQL> = {};
  for (const key of keys) {
    const col = columns[key];
    if (!col) throw new Error(`excludedAll: no column ${key}`);
    out[key] = sql.raw(`excluded."${col.name}"`);
  }
  return out;
}

/** better-sqlite3 caps bound parameters per statement; insert in slices. */
function chunks<T>(rows: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export class SqliteStore implements Store, StoreWriter {
  constructor(
    /** The drizzle database, for importers and benchmarks that need more than the Store. */
    readonly db: AttainDb,
    /** The raw better-sqlite3 handle (pragmas, backups, prepared statements). */
    readonly sqlite: Database.Database,
  ) {}

  // ---------------------------------------------------------------------------------------
  // Users and hierarchy

  directReports(managerId: string): User[] {
    const rows = this.stmt('SELECT id, name, email, slack_user_id, role, manager_id, team, start_date FROM users WHERE manager_id = ? ORDER BY id').all(managerId) as RawUser[];
    return rows.map(fromRawUser);
  }

  getUser(id: string): User | undefined {
    const r = this.stmt('SELECT id, name, email, slack_user_id, role, manager_id, team, start_date FROM users WHERE id = ?').get(id) as RawUser | undefined;
    return r && fromRawUser(r);
  }

  /** Ordered by id. */
  listUsers(): User[] {
    // Prepared and raw: scope and team lookups list the org on every manager's call.
    const rows = this.stmt('SELECT id, name, email, slack_user_id, role, manager_id, team, start_date FROM users ORDER BY id').raw(true).all() as RawUserRow[];
    return rows.map(([id, name, email, slackUserId, role, managerId, team, startDate]) => ({ id, name, email, slackUserId, role, managerId, team, startDate }));
  }

  findUserBySlackId(slackUserId: string): User | undefined {
    const r = this.db.select().from(users).where(eq(users.slackUserId, slackUserId)).get();
    return r && toUser(r);
  }

  /** Case-insensitive on the address. */
  findUserByEmail(email: string): User | undefined {
    const r = this.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email.trim()})`)
      .get();
    return r && toUser(r);
  }

  setSlackUserId(userId: string, slackUserId: string): void {
    const res = this.db.update(users).set({ slackUserId }).where(eq(users.id, userId)).run();
    if (res.changes === 0) throw new Error(`setSlackUserId: no user "${userId}"`);
  }

  upsertUsers(list: readonly User[]): void {
    if (list.length === 0) return;
    this.transaction(() => {
      for (const part of chunks(list)) {
        this.db
          .insert(users)
          .values(part.map((u) => ({ ...u })))
          .onConflictDoUpdate({ target: users.id, set: excludedAll(users, ['name', 'email', 'slackUserId', 'role', 'managerId', 'team', 'startDate']) })
          .run();
      }
    });
  }

  // ---------------------------------------------------------------------------------------
  // Plans and assignments

  /** Compiled plans by id@version: a stored version never changes, so it is parsed once. */
  private readonly planCache = new Map<string, CompPlan>();

  /**
   * Prepared statements of the hot read paths (every statement, estimate and scope check
   * goes through them), compiled once per connection. Drizzle builds its SQL per call,
   * which costs more than the query itself on these small indexed lookups.
   */
  private readonly prepared = new Map<string, Database.Statement>();

  /** Writes of pipeline data (deals, history, activities, stages) through this store: see pipelineVersion. */
  private pipelineWrites = 0;

  private stmt(sql: string): Database.Statement {
    let st = this.prepared.get(sql);
    if (!st) {
      st = this.sqlite.prepare(sql);
      this.prepared.set(sql, st);
    }
    return st;
  }

  getPlan(id: string, version?: number): CompPlan | undefined {
    if (version !== undefined) {
      const cached = this.planCache.get(`${id}@${version}`);
      if (cached) return cached;
    }
    const r = this.db
      .select({ version: compPlans.version, document: compPlans.document })
      .from(compPlans)
      .where(version === undefined ? eq(compPlans.id, id) : and(eq(compPlans.id, id), eq(compPlans.version, version)))
      .orderBy(desc(compPlans.version))
      .limit(1)
      .get();
    if (!r) return undefined;
    const key = `${id}@${r.version}`;
    let plan = this.planCache.get(key);
    if (!plan) {
      // Stored documents were validated by savePlan; parsing again compiles them.
      plan = parsePlan(JSON.parse(r.document));
      this.planCache.set(key, plan);
    }
    return plan;
  }

  /** Every version of every plan, ordered by id then version. */
  listPlans(): PlanSummary[] {
    return this.db
      .select({ id: compPlans.id, version: compPlans.version, name: compPlans.name })
      .from(compPlans)
      .orderBy(asc(compPlans.id), asc(compPlans.version))
      .all();
  }

  savePlan(document: unknown, createdAt: string = new Date().toISOString()): CompPlan {
    const plan = parsePlan(document);
    return this.transaction(() => {
      const existing = this.db
        .select({ id: compPlans.id })
        .from(compPlans)
        .where(and(eq(compPlans.id, plan.id), eq(compPlans.version, plan.version)))
        .get();
      if (existing) throw new Error(`plan ${plan.id} version ${plan.version} already exists; plans are immutable, save a new version`);
      this.db.insert(compPlans).values({ id: plan.id, version: plan.version, name: plan.name, document: JSON.stringify(plan.document), createdAt }).run();
      return plan;
    });
  }

  /** Ordered by effectiveFrom. */
  assignmentsOf(userId: string): PlanAssignment[] {
    const rows = this.stmt('SELECT user_id, plan_id, plan_version, effective_from, effective_to FROM plan_assignments WHERE user_id = ? ORDER BY effective_from, id').all(userId) as RawAssignment[];
    return rows.map((r) => ({ userId: r.user_id, planId: r.plan_id, planVersion: r.plan_version, effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
  }

  /** When assignments overlap, the one that started last wins. */
  assignmentAt(userId: string, date: LocalDate): PlanAssignment | undefined {
    const r = this.db
      .select()
      .from(planAssignments)
      .where(
        and(
          eq(planAssignments.userId, userId),
          lte(planAssignments.effectiveFrom, date),
          or(isNull(planAssignments.effectiveTo), gte(planAssignments.effectiveTo, date)),
        ),
      )
      .orderBy(desc(planAssignments.effectiveFrom), desc(planAssignments.id))
      .limit(1)
      .get();
    return r && toAssignment(r);
  }

  assignPlan(a: PlanAssignment): void {
    if (a.effectiveTo !== null && a.effectiveTo < a.effectiveFrom) {
      throw new Error(`assignPlan: effectiveTo ${a.effectiveTo} is before effectiveFrom ${a.effectiveFrom}`);
    }
    this.db.insert(planAssignments).values({ ...a }).run();
  }

  // ---------------------------------------------------------------------------------------
  // Quotas, credits, churn

  quotasOf(userId: string): Map<PeriodId, Dec> {
    const rows = this.stmt('SELECT period_id, amount FROM quotas WHERE user_id = ? ORDER BY period_id').all(userId) as { period_id: string; amount: string }[];
    return new Map(rows.map((r) => [r.period_id, new Dec(r.amount)]));
  }

  setQuotas(rows: readonly QuotaRow[]): void {
    if (rows.length === 0) return;
    this.transaction(() => {
      for (const part of chunks(rows)) {
        this.db
          .insert(quotas)
          .values(part.map((r) => ({ ...r })))
          .onConflictDoUpdate({ target: [quotas.userId, quotas.periodId], set: excludedAll(quotas, ['amount']) })
          .run();
      }
    });
  }

  /** Credits of `userId` closed within [from, to] (inclusive), ordered by closedAt then id. */
  creditsOf(userId: string, range: { from?: LocalDate; to?: LocalDate } = {}): StoredCredit[] {
    // Raw rows (arrays): the per-rep read is on the path of every statement.
    const rows = this.stmt(
      'SELECT id, deal_id, share, amount, closed_at, deal_type, term_months, counts_toward_quota FROM credits WHERE user_id = ? AND closed_at >= ? AND closed_at <= ? ORDER BY closed_at, id',
    )
      .raw(true)
      .all(userId, range.from ?? '0000-01-01', range.to ?? '9999-12-31') as RawCredit[];
    return rows.map(([id, dealId, share, amount, closedAt, dealType, termMonths, counts]) => {
      const credit: StoredCredit = { id, userId, share: new Dec(share), dealId, amount: new Dec(amount), closedAt, countsTowardQuota: counts !== 0 };
      if (dealType !== null) credit.dealType = dealType;
      if (termMonths !== null) credit.termMonths = termMonths;
      return credit;
    });
  }

  saveCredits(list: readonly StoredCredit[]): void {
    if (list.length === 0) return;
    this.transaction(() => {
      for (const part of chunks(list)) {
        this.db
          .insert(credits)
          .values(
            part.map((c) => ({
              id: c.id,
              dealId: c.dealId,
              userId: c.userId,
              share: c.share,
              amount: c.amount,
              closedAt: c.closedAt,
              dealType: c.dealType ?? null,
              termMonths: c.termMonths ?? null,
              countsTowardQuota: c.countsTowardQuota,
            })),
          )
          .onConflictDoUpdate({
            target: credits.id,
            set: excludedAll(credits, ['dealId', 'userId', 'share', 'amount', 'closedAt', 'dealType', 'termMonths', 'countsTowardQuota']),
          })
          .run();
      }
    });
  }

  /** Ordered by date then id. */
  churnEventsOfDeals(dealIds: readonly string[]): StoredChurn[] {
    if (dealIds.length === 0) return [];
    const rows = this.stmt('SELECT id, deal_id, "on" FROM churn_events WHERE deal_id IN (SELECT value FROM json_each(?)) ORDER BY "on", id').all(JSON.stringify(dealIds)) as {
      id: string;
      deal_id: string;
      on: string;
    }[];
    return rows.map((r) => ({ id: r.id, kind: 'churn' as const, dealId: r.deal_id, on: r.on }));
  }

  churnEventsOf(userId: string): StoredChurn[] {
    const rows = this.stmt(
      'SELECT e.id, e.deal_id, e."on" FROM churn_events e WHERE e.deal_id IN (SELECT deal_id FROM credits WHERE user_id = ?) ORDER BY e."on", e.id',
    ).all(userId) as { id: string; deal_id: string; on: string }[];
    return rows.map((r) => ({ id: r.id, kind: 'churn' as const, dealId: r.deal_id, on: r.on }));
  }

  addChurnEvents(list: readonly StoredChurn[]): void {
    if (list.length === 0) return;
    this.transaction(() => {
      for (const e of list) {
        this.db
          .insert(churnEvents)
          .values({ id: e.id, dealId: e.dealId, on: e.on })
          .onConflictDoUpdate({ target: churnEvents.id, set: excludedAll(churnEvents, ['dealId', 'on']) })
          .run();
      }
    });
  }

  // ---------------------------------------------------------------------------------------
  // Pipeline

  getDeal(id: string): Deal | undefined {
    const r = this.db.select().from(deals).where(eq(deals.id, id)).get();
    return r && toDeal(r);
  }

  /** Ordered by id. An empty `ownerIds` matches nothing. */
  listDeals(filter: DealFilter = {}): Deal[] {
    if (filter.ownerIds !== undefined && filter.ownerIds.length === 0) return [];
    // One prepared statement per filter shape; owner ids go in as one JSON array, so any
    // number of them binds a single parameter (no variable limit, no per-call SQL building).
    const conds: string[] = [];
    const params: string[] = [];
    if (filter.ownerIds !== undefined) {
      conds.push('owner_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.ownerIds));
    }
    if (filter.status !== undefined) {
      conds.push('status = ?');
      params.push(filter.status);
    }
    const rows = this.stmt(`SELECT ${DEAL_COLUMNS} FROM deals${conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY id`)
      .raw(true)
      .all(...params) as RawDeal[];
    return rows.map(dealOf);
  }

  upsertDeals(list: readonly Deal[], at: string): void {
    if (list.length === 0) return;
    this.pipelineWrites++;
    this.transaction(() => {
      for (const part of chunks(list, 100)) {
        this.db
          .insert(deals)
          .values(part.map((d) => ({ ...d, importedAt: at, updatedAt: at })))
          .onConflictDoUpdate({
            target: deals.id,
            set: excludedAll(deals, [
              'name', 'ownerId', 'account', 'amount', 'currency', 'stage', 'status', 'probability', 'createdAt',
              'closeDate', 'closedAt', 'dealType', 'termMonths', 'nextStep', 'lastActivityAt', 'updatedAt',
            ]),
          })
          .run();
      }
    });
  }

  /** Oldest first (by `at`, then insertion order). An empty `dealIds` matches nothing. */
  dealHistory(dealIds?: readonly string[]): DealChange[] {
    if (dealIds !== undefined && dealIds.length === 0) return [];
    const st =
      dealIds === undefined
        ? this.stmt('SELECT deal_id, at, field, from_value, to_value FROM deal_history ORDER BY at, id')
        : this.stmt('SELECT deal_id, at, field, from_value, to_value FROM deal_history WHERE deal_id IN (SELECT value FROM json_each(?)) ORDER BY at, id');
    const rows = (dealIds === undefined ? st.raw(true).all() : st.raw(true).all(JSON.stringify(dealIds))) as [string, string, DealChange['field'], string | null, string | null][];
    return rows.map(([dealId, at, field, from, to]) => ({ dealId, at, field, from, to }));
  }

  /**
   * Stage changes (with a `from` stage) of the deals won on or before `asOf`, dated on or
   * before it, each with its deal's createdAt: deal by deal, each deal's oldest first (by
   * `at`, then insertion order). Streamed: on a large org this is most of the history.
   */
  *wonStageChanges(asOf: LocalDate): IterableIterator<WonStageChange> {
    const st = this.stmt(
      `SELECT h.deal_id, d.created_at, h.at, h.from_value FROM deal_history h JOIN deals d ON d.id = h.deal_id
       WHERE h.field = 'stage' AND h.from_value IS NOT NULL AND substr(h.at, 1, 10) <= ?
         AND d.status = 'won' AND d.closed_at IS NOT NULL AND d.closed_at <= ?
       ORDER BY h.deal_id, h.at, h.id`,
    ).raw(true);
    for (const [dealId, createdAt, at, from] of st.iterate(asOf, asOf) as IterableIterator<[string, string, string, string]>) yield { dealId, createdAt, at, from };
  }

  /**
   * Changes whenever deals, their history or the stages may have changed: a write through
   * this store, or a commit by any other connection (an import run from the CLI).
   */
  pipelineCoverage(): { activities: boolean; nextSteps: boolean } {
    const activities =
      this.stmt('SELECT EXISTS (SELECT 1 FROM activities) OR EXISTS (SELECT 1 FROM deals WHERE last_activity_at IS NOT NULL) AS v').pluck().get() as number;
    const nextSteps = this.stmt("SELECT EXISTS (SELECT 1 FROM deals WHERE next_step IS NOT NULL AND trim(next_step) != '') AS v").pluck().get() as number;
    return { activities: activities !== 0, nextSteps: nextSteps !== 0 };
  }

  pipelineVersion(): string {
    return `${this.pipelineWrites}:${this.sqlite.pragma('data_version', { simple: true }) as number}`;
  }

  addDealChanges(changes: readonly DealChange[], source: string): void {
    if (changes.length === 0) return;
    this.pipelineWrites++;
    this.transaction(() => {
      for (const part of chunks(changes)) {
        this.db
          .insert(dealHistory)
          .values(part.map((c) => ({ dealId: c.dealId, at: c.at, field: c.field, fromValue: c.from, toValue: c.to, source })))
          .run();
      }
    });
  }

  /** Oldest first (by date, then id). */
  activitiesOf(dealIds: readonly string[]): Activity[] {
    if (dealIds.length === 0) return [];
    const rows = this.stmt('SELECT id, deal_id, user_id, kind, at, subject FROM activities WHERE deal_id IN (SELECT value FROM json_each(?)) ORDER BY at, id')
      .raw(true)
      .all(JSON.stringify(dealIds)) as [string, string | null, string, Activity['kind'], string, string][];
    return rows.map(([id, dealId, userId, kind, at, subject]) => ({ id, dealId, userId, kind, at, subject }));
  }

  upsertActivities(list: readonly Activity[]): void {
    if (list.length === 0) return;
    this.pipelineWrites++;
    this.transaction(() => {
      for (const part of chunks(list)) {
        this.db
          .insert(activities)
          .values(part.map((a) => ({ ...a })))
          .onConflictDoUpdate({ target: activities.id, set: excludedAll(activities, ['dealId', 'userId', 'kind', 'at', 'subject']) })
          .run();
      }
    });
  }

  /** Pipeline order. */
  listStages(): Stage[] {
    return this.db.select().from(stages).orderBy(asc(stages.order), asc(stages.name)).all();
  }

  upsertStages(list: readonly Stage[]): void {
    if (list.length === 0) return;
    this.pipelineWrites++;
    this.db
      .insert(stages)
      .values(list.map((s) => ({ ...s })))
      .onConflictDoUpdate({ target: stages.name, set: excludedAll(stages, ['order', 'status']) })
      .run();
  }

  // ---------------------------------------------------------------------------------------
  // MCP bearer tokens

  createToken(token: ApiToken): void {
    this.db.insert(apiTokens).values({ ...token }).run();
  }

  findTokenByHash(hash: string): ApiToken | undefined {
    const r = this.db.select().from(apiTokens).where(eq(apiTokens.hash, hash)).get();
    return r && toToken(r);
  }

  /** True when the token was live and is now revoked; false if unknown or already revoked. */
  revokeToken(id: string, at: string): boolean {
    const res = this.db
      .update(apiTokens)
      .set({ revokedAt: at })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .run();
    return res.changes > 0;
  }

  /** Ordered by creation, then id. */
  listTokens(userId?: string): ApiToken[] {
    return this.db
      .select()
      .from(apiTokens)
      .where(userId === undefined ? undefined : eq(apiTokens.userId, userId))
      .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id))
      .all()
      .map(toToken);
  }

  // ---------------------------------------------------------------------------------------
  // Agent conversation memory

  appendMessages(threadId: string, userId: string, list: readonly unknown[], at: string): void {
    if (list.length === 0) return;
    this.transaction(() => {
      const last = this.db
        .select({ seq: sql<number | null>`max(${messages.seq})` })
        .from(messages)
        .where(eq(messages.threadId, threadId))
        .get();
      let seq = (last?.seq ?? 0) + 1;
      for (const message of list) {
        this.db
          .insert(messages)
          .values({ threadId, userId, seq: seq++, message: JSON.stringify(message), createdAt: at })
          .run();
      }
    });
  }

  /** Ordered by sequence number (oldest first). */
  loadMessages(threadId: string): StoredMessage[] {
    return this.db
      .select()
      .from(messages)
      .where(eq(messages.threadId, threadId))
      .orderBy(asc(messages.seq))
      .all()
      .map((r) => ({ threadId: r.threadId, userId: r.userId, seq: r.seq, message: JSON.parse(r.message) as unknown, createdAt: r.createdAt }));
  }

  trimMessages(threadId: string, keep: number): void {
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`trimMessages: keep must be a whole number ≥ 0, got ${keep}`);
    this.sqlite
      .prepare(
        `DELETE FROM messages WHERE thread_id = ? AND seq NOT IN
           (SELECT seq FROM messages WHERE thread_id = ? ORDER BY seq DESC LIMIT ?)`,
      )
      .run(threadId, threadId, keep);
  }

  // ---------------------------------------------------------------------------------------
  // Settings, transactions

  getMeta(key: string): string | undefined {
    return this.db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
  }

  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(() => {
      const result = fn();
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        // Throwing here rolls back: an async callback would otherwise commit half-done.
        throw new TypeError('Store.transaction: the callback must be synchronous (it returned a promise)');
      }
      return result;
    })();
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}
