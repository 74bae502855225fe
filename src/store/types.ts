// The store's contract: what the tools, adapters and importers may ask of persistence.
// Everything comes back as engine types (Dec, CompPlan, Credit, Deal...), never raw rows.
// Implemented by `SqliteStore` (src/store/sqlite-store.ts) on drizzle + better-sqlite3.
import type { Activity, Deal, DealChange, DealStatus, Stage } from '../engine/deals.ts';
import type { Dec } from '../engine/money.ts';
import type { LocalDate, PeriodId } from '../engine/periods.ts';
import type { ChurnEvent, CompPlan, Credit } from '../engine/plan.ts';
import type { WonStageChange } from '../engine/stalled-deals.ts';

export type Role = 'rep' | 'manager' | 'admin';

export interface User {
  id: string;
  name: string;
  email: string;
  slackUserId: string | null;
  role: Role;
  managerId: string | null;
  team: string | null;
  startDate: LocalDate | null;
}

export interface PlanAssignment {
  userId: string;
  planId: string;
  planVersion: number;
  effectiveFrom: LocalDate;
  /** Last day the assignment applies (inclusive); null = open-ended. */
  effectiveTo: LocalDate | null;
}

export interface PlanSummary {
  id: string;
  version: number;
  name: string;
}

/** A credit as stored: one user's share of one deal. `amount` is already at the share. */
export interface StoredCredit extends Credit {
  id: string;
  userId: string;
  /** Share of the deal credited to this user, 0 < share ≤ 1. */
  share: Dec;
}

export interface StoredChurn extends ChurnEvent {
  id: string;
}

export interface ApiToken {
  id: string;
  userId: string;
  label: string;
  /** sha256 hex of the secret; the secret itself is never stored. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface StoredMessage {
  threadId: string;
  userId: string;
  seq: number;
  /** One OpenAI chat message, as JSON. */
  message: unknown;
  createdAt: string;
}

export interface DealFilter {
  ownerIds?: readonly string[];
  status?: DealStatus;
}

export interface Store {
  // Users and hierarchy
  getUser(id: string): User | undefined;
  listUsers(): User[];
  /** The users whose manager is `managerId` (one level), ordered by id. */
  directReports(managerId: string): User[];
  findUserBySlackId(slackUserId: string): User | undefined;
  findUserByEmail(email: string): User | undefined;
  setSlackUserId(userId: string, slackUserId: string): void;

  // Plans (versioned documents) and effective-dated assignments
  /** The given version, or the latest when version is omitted. */
  getPlan(id: string, version?: number): CompPlan | undefined;
  listPlans(): PlanSummary[];
  /**
   * Validates the document (engine parsePlan) and stores it; a version that exists is an
   * error. `createdAt` (ISO 8601) defaults to now; the demo seed passes a fixed instant.
   */
  savePlan(document: unknown, createdAt?: string): CompPlan;
  assignmentsOf(userId: string): PlanAssignment[];
  /** The assignment in force on `date`, if any. */
  assignmentAt(userId: string, date: LocalDate): PlanAssignment | undefined;

  // Quotas, credits, churn
  quotasOf(userId: string): Map<PeriodId, Dec>;
  creditsOf(userId: string, range?: { from?: LocalDate; to?: LocalDate }): StoredCredit[];
  /** Churn events of deals on which `userId` holds a credit. */
  churnEventsOf(userId: string): StoredChurn[];
  /** Churn events of the given deals, in date order. */
  churnEventsOfDeals(dealIds: readonly string[]): StoredChurn[];

  // Pipeline
  getDeal(id: string): Deal | undefined;
  listDeals(filter?: DealFilter): Deal[];
  /** Changes of the given deals (all deals when omitted), oldest first. */
  dealHistory(dealIds?: readonly string[]): DealChange[];
  activitiesOf(dealIds: readonly string[]): Activity[];
  listStages(): Stage[];
  /**
   * Stage changes (with a `from` stage) of the deals won on or before `asOf`, dated on or
   * before it, with each deal's createdAt: grouped by deal, each deal's oldest first. What
   * the stage norms are learned from (engine `stageSamplesOf`); may be streamed.
   */
  wonStageChanges(asOf: LocalDate): Iterable<WonStageChange>;
  /**
   * An opaque value that changes whenever deals, their history, activities or stages may
   * have changed (through this store or another connection): the key of caches of
   * figures derived from the whole pipeline.
   */
  pipelineVersion(): string;
  /**
   * Which optional CRM fields this org records at all: any activity (logged, or a deal's
   * last-activity date) and any next step. A signal built on a field the CRM never fills
   * would flag every deal, so it is skipped instead.
   */
  pipelineCoverage(): { activities: boolean; nextSteps: boolean };

  // MCP bearer tokens
  createToken(token: ApiToken): void;
  findTokenByHash(hash: string): ApiToken | undefined;
  revokeToken(id: string, at: string): boolean;
  listTokens(userId?: string): ApiToken[];

  // Agent conversation memory
  appendMessages(threadId: string, userId: string, messages: readonly unknown[], at: string): void;
  loadMessages(threadId: string): StoredMessage[];
  /** Deletes the oldest messages of a thread so that at most `keep` remain. */
  trimMessages(threadId: string, keep: number): void;

  // Key/value settings of this database (e.g. `demo.today`, the demo's fixed "today")
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  /** Runs `fn` in one transaction (synchronous, as better-sqlite3 requires). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/**
 * Writes used by the importers and the demo seed. Kept apart from `Store` so that the
 * tools, which only read, can be given a smaller fake in tests. Every method writes all of
 * its rows or none (one transaction).
 */
export interface StoreWriter {
  /** Inserts or replaces users by id. Managers must exist first (or come earlier in the list). */
  upsertUsers(users: readonly User[]): void;
  /** Inserts or replaces stages by name. */
  upsertStages(stages: readonly Stage[]): void;
  assignPlan(assignment: PlanAssignment): void;
  /** Inserts or replaces quotas by (userId, periodId). */
  setQuotas(rows: readonly QuotaRow[]): void;
  /** Inserts or replaces deals by id; `at` (ISO 8601) becomes updatedAt, and importedAt of new deals. */
  upsertDeals(deals: readonly Deal[], at: string): void;
  /** Appends history rows; `source` says where they came from ('crm', 'import', 'seed'). */
  addDealChanges(changes: readonly DealChange[], source: string): void;
  /** Inserts or replaces activities by id. */
  upsertActivities(activities: readonly Activity[]): void;
  /** Inserts or replaces credits by id. */
  saveCredits(credits: readonly StoredCredit[]): void;
  /** Inserts or replaces churn events by id. */
  addChurnEvents(events: readonly StoredChurn[]): void;
}

export interface QuotaRow {
  userId: string;
  periodId: PeriodId;
  amount: Dec;
}
