// Importing deals: every import is a snapshot of the CRM. A deal is matched by its external
// id (with the mapping's idPrefix); what changed since the last snapshot becomes
// deal_history rows dated at the snapshot (`snapshotAt`), with source 'import'.
//
// Contracts:
// - All or nothing. Pass 1 reads the whole file and validates every row (and compares it
//   with what is stored) without writing; any issue throws ImportValidationError with line
//   and column and the database is untouched. Pass 2 reads the file again and writes it in
//   one transaction, so a crash or SIGKILL mid-import leaves the previous state.
// - Idempotent. A row equal to the stored deal writes nothing; re-importing a file changes
//   no deal, history or credit (an import_runs row still records that it ran).
// - Snapshots go forward. A row that differs from a deal last changed by a later snapshot
//   is an error: import older snapshots first (backfills use `snapshotAt`).
// - Won deals credit 100% of their amount to their owner (credit id `auto:<dealId>`), kept
//   in step with the deal, unless other credits (imported splits) exist for that deal.
// - Deals absent from a newer snapshot are left alone and counted (`missingFromFile`).
import { basename } from 'node:path';
import type { Deal, DealChange, DealField, DealStatus } from '../engine/deals.ts';
import { Dec, isKnownCurrency } from '../engine/money.ts';
import type { LocalDate } from '../engine/periods.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { cell, type ColumnIndex, indexColumns } from './columns.ts';
import { readCsvSync } from './csv.ts';
import { IssueList } from './errors.ts';
import type { DealMapping } from './mapping.ts';
import { decText, parseAmount, parseBoolean, parseDateText, parseInstant, parseProbability, parseWholeNumber } from './parse-text.ts';
import { type Progress, silentProgress } from './progress.ts';
import { UserIndex } from './users-index.ts';

export interface ImportOptions {
  /** When the snapshot was taken: a date (midnight UTC) or ISO instant. Defaults to now. */
  snapshotAt?: string;
  /** Validate and report what would change; write nothing. */
  dryRun?: boolean;
  progress?: Progress;
  /** Label of the source in import_runs; defaults to the file name. */
  source?: string;
  /** Wall clock for import_runs (tests pass a fixed one). */
  now?: () => Date;
}

export interface DealImportSummary {
  kind: 'deals';
  file: string;
  snapshotAt: string;
  dryRun: boolean;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** History rows written: differences from the stored deals plus CRM stage dates. */
  historyRows: number;
  creditsWritten: number;
  creditsRemoved: number;
  /** Deals stored under this mapping's idPrefix that the file does not contain. */
  missingFromFile: number;
  /** Optional mapped columns the file does not have. */
  ignoredColumns: string[];
  /** The first changes found (up to 20), for --dry-run and the summary. */
  sampleChanges: DealChange[];
  seconds: number;
  rowsPerSecond: number;
}

type Field = 'id' | 'owner' | 'stage' | 'amount' | 'name' | 'account' | 'currency' | 'probability' | 'created' | 'closeDate' | 'won' | 'closed' | 'type' | 'term' | 'nextStep' | 'lastActivity';

interface ParsedDeal extends Deal {
  /** Dates the deal entered stages, from stageEnteredColumns. */
  stageDates: { stage: string; date: LocalDate }[];
}

/** The row shape of `deals` as read by the importer's prepared statements. */
interface DealRow {
  id: string;
  name: string;
  owner_id: string;
  account: string;
  amount: string;
  currency: string;
  stage: string;
  status: DealStatus;
  probability: string | null;
  created_at: string;
  close_date: string | null;
  closed_at: string | null;
  deal_type: string | null;
  term_months: number | null;
  next_step: string | null;
  last_activity_at: string | null;
  updated_at: string;
}

const enum Outcome {
  Unchanged = 0,
  Insert = 1,
  Update = 2,
}

const HISTORY_FIELDS: readonly DealField[] = ['stage', 'status', 'amount', 'closeDate', 'probability', 'owner', 'nextStep'];

/** The tracked differences between the stored row and the incoming deal, as history. */
function diffDeal(row: DealRow, d: Deal, at: string): { changes: DealChange[]; other: boolean } {
  const changes: DealChange[] = [];
  const push = (field: DealField, from: string | null, to: string | null) => {
    if (from !== to) changes.push({ dealId: d.id, at, field, from, to });
  };
  for (const field of HISTORY_FIELDS) {
    switch (field) {
      case 'stage':
        push('stage', row.stage, d.stage);
        break;
      case 'status':
        push('status', row.status, d.status);
        break;
      case 'amount':
        if (!new Dec(row.amount).eq(d.amount)) changes.push({ dealId: d.id, at, field, from: row.amount, to: decText(d.amount) });
        break;
      case 'closeDate':
        push('closeDate', row.close_date, d.closeDate);
        break;
      case 'probability': {
        const same = row.probability === null || d.probability === null ? row.probability === null && d.probability === null : new Dec(row.probability).eq(d.probability);
        if (!same) changes.push({ dealId: d.id, at, field, from: row.probability, to: d.probability && decText(d.probability) });
        break;
      }
      case 'owner':
        push('owner', row.owner_id, d.ownerId);
        break;
      case 'nextStep':
        push('nextStep', row.next_step, d.nextStep);
        break;
    }
  }
  const other =
    row.name !== d.name ||
    row.account !== d.account ||
    row.currency !== d.currency ||
    row.created_at !== d.createdAt ||
    row.closed_at !== d.closedAt ||
    row.deal_type !== d.dealType ||
    row.term_months !== d.termMonths ||
    row.last_activity_at !== d.lastActivityAt ||
    row.amount !== decText(d.amount) ||
    row.probability !== (d.probability && decText(d.probability));
  return { changes, other };
}

/** Stage moves known from stage-entry dates (first import only): consecutive entries. */
function crmStageHistory(d: ParsedDeal, order: ReadonlyMap<string, number>): DealChange[] {
  const known = [...d.stageDates];
  if (d.status !== 'open' && d.closedAt !== null) known.push({ stage: d.stage, date: d.closedAt });
  known.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : (order.get(a.stage) ?? 0) - (order.get(b.stage) ?? 0)));
  const out: DealChange[] = [];
  for (let i = 1; i < known.length; i++) {
    const prev = known[i - 1]!;
    const cur = known[i]!;
    if (prev.stage !== cur.stage) out.push({ dealId: d.id, at: `${cur.date}T00:00:00.000Z`, field: 'stage', from: prev.stage, to: cur.stage });
  }
  return out;
}

/** Turns rows into deals; identical in both passes (a pure function of row and lookups). */
class DealRowParser {
  readonly index: ColumnIndex<Field>;
  private readonly stages = new Map<string, { name: string; status: DealStatus }>();
  private readonly template: ((values: readonly string[]) => string) | undefined;
  private readonly entered: { stage: string; at: number; column: string }[] = [];

  constructor(
    header: readonly string[],
    private readonly m: DealMapping,
    private readonly users: UserIndex,
    private readonly snapshotDate: LocalDate,
    readonly issues: IssueList,
  ) {
    const required: Field[] = ['id', 'owner', 'stage'];
    if (!m.amountWhenMissing) required.push('amount');
    this.index = indexColumns<Field>(header, m.columns, required, issues);
    for (const s of m.stages) for (const n of [s.name, ...s.aliases]) this.stages.set(n.trim().toLowerCase(), { name: s.name, status: s.status });
    if (m.nameTemplate !== undefined) {
      const parts: (string | number)[] = [];
      const re = /\{([^}]+)\}/g;
      let last = 0;
      for (let match = re.exec(m.nameTemplate); match; match = re.exec(m.nameTemplate)) {
        parts.push(m.nameTemplate.slice(last, match.index));
        const i = header.indexOf(match[1]!);
        if (i < 0) issues.add(1, match[1]!, 'named in nameTemplate but missing from the header');
        parts.push(i);
        last = re.lastIndex;
      }
      parts.push(m.nameTemplate.slice(last));
      this.template = (values) => parts.map((p) => (typeof p === 'number' ? (values[p] ?? '').trim() : p)).join('').replace(/\s+/g, ' ').trim();
    }
    for (const [stage, column] of Object.entries(m.stageEnteredColumns)) {
      const i = header.indexOf(column);
      if (i < 0) issues.add(1, column, `named in stageEnteredColumns (${stage}) but missing from the header`);
      else this.entered.push({ stage, at: i, column });
    }
    if (m.amountWhenMissing?.column !== undefined && !header.includes(m.amountWhenMissing.column)) {
      issues.add(1, m.amountWhenMissing.column, 'named in amountWhenMissing but missing from the header');
    }
  }

  private typeOf(text: string): string | null {
    return text === '' ? null : (this.m.typeAliases[text] ?? text);
  }

  private bad(line: number, f: Field, message: string): void {
    this.issues.add(line, this.m.columns[f] ?? f, message);
  }

  private date(values: readonly string[], line: number, f: Field): LocalDate | null {
    const text = cell(values, this.index, f);
    if (text === '') return null;
    const p = parseDateText(text, this.m.dateFormat);
    if (!p.ok) {
      this.bad(line, f, p.message);
      return null;
    }
    return p.value;
  }

  parse(values: readonly string[], line: number, header: readonly string[]): ParsedDeal | undefined {
    const { m, index, issues } = this;
    const before = issues.total;

    const rawId = cell(values, index, 'id');
    if (rawId === '') this.bad(line, 'id', 'is empty');
    const owner = this.users.resolve(cell(values, index, 'owner'), m.userMatch);
    if (!owner.ok) this.bad(line, 'owner', owner.message);

    const stageText = cell(values, index, 'stage');
    const stage = this.stages.get(stageText.toLowerCase());
    if (!stage) this.bad(line, 'stage', stageText === '' ? 'is empty' : `unknown stage "${stageText}" (the mapping knows ${m.stages.map((s) => s.name).join(', ')})`);
    let status: DealStatus = stage?.status ?? 'open';
    if (index.at.won !== undefined && index.at.closed !== undefined) {
      const won = parseBoolean(cell(values, index, 'won'));
      const closed = parseBoolean(cell(values, index, 'closed'));
      if (!won.ok) this.bad(line, 'won', won.message);
      if (!closed.ok) this.bad(line, 'closed', closed.message);
      if (won.ok && closed.ok) status = closed.value ? (won.value ? 'won' : 'lost') : 'open';
    }

    let currency = cell(values, index, 'currency').toUpperCase() || null;
    if (currency !== null && !isKnownCurrency(currency)) {
      this.bad(line, 'currency', `unknown currency "${currency}"`);
      currency = null;
    }
    let amount: Dec | undefined;
    const amountText = cell(values, index, 'amount');
    if (amountText !== '') {
      const a = parseAmount(amountText, m.numberFormat);
      if (!a.ok) this.bad(line, 'amount', a.message);
      else {
        amount = a.value.value;
        if (a.value.currency !== null) {
          if (currency !== null && currency !== a.value.currency) this.bad(line, 'amount', `is in ${a.value.currency} but the currency column says ${currency}`);
          currency ??= a.value.currency;
        }
      }
    } else if (m.amountWhenMissing) {
      const { column, values: table, default: fallback } = m.amountWhenMissing;
      const key = column === undefined ? undefined : (values[header.indexOf(column)] ?? '').trim();
      const found = key === undefined ? undefined : table[key];
      if (found !== undefined) amount = new Dec(found);
      else if (fallback !== undefined) amount = new Dec(fallback);
      else this.bad(line, 'amount', `is empty and amountWhenMissing has no value for ${column} "${key ?? ''}"`);
    } else this.bad(line, 'amount', 'is empty');
    currency ??= m.currency;

    const closeDate = this.date(values, line, 'closeDate');
    let createdAt = this.date(values, line, 'created');
    if (createdAt === null && cell(values, index, 'created') === '') {
      if (m.createdWhenMissing === 'snapshot' || index.at.created === undefined) createdAt = this.snapshotDate;
      else if (m.createdWhenMissing === 'closeDate') createdAt = closeDate ?? this.snapshotDate;
      else this.bad(line, 'created', 'is empty');
    }
    const lastActivityAt = this.date(values, line, 'lastActivity');
    const closedAt = status === 'open' ? null : closeDate;
    if (status !== 'open' && closeDate === null && cell(values, index, 'closeDate') === '') this.bad(line, 'closeDate', `is empty, but a ${status} deal needs the date it closed`);

    let probability: Dec | null = null;
    const probText = cell(values, index, 'probability');
    if (probText !== '') {
      const p = parseProbability(probText, m.probabilityScale);
      if (!p.ok) this.bad(line, 'probability', p.message);
      else probability = p.value;
    }
    let termMonths: number | null = null;
    const termText = cell(values, index, 'term');
    if (termText !== '') {
      const t = parseWholeNumber(termText);
      if (!t.ok) this.bad(line, 'term', t.message);
      else termMonths = t.value;
    }
    const stageDates: { stage: string; date: LocalDate }[] = [];
    for (const e of this.entered) {
      const text = (values[e.at] ?? '').trim();
      if (text === '') continue;
      const p = parseDateText(text, m.dateFormat);
      if (!p.ok) issues.add(line, e.column, p.message);
      else stageDates.push({ stage: e.stage, date: p.value });
    }

    if (issues.total > before || !stage || !owner.ok || amount === undefined || createdAt === null) return undefined;
    return {
      id: m.idPrefix + rawId,
      name: cell(values, index, 'name') || this.template?.(values) || rawId,
      ownerId: owner.value,
      account: cell(values, index, 'account') || m.accountWhenMissing,
      amount,
      currency,
      stage: stage.name,
      status,
      probability,
      createdAt,
      closeDate,
      closedAt,
      dealType: this.typeOf(cell(values, index, 'type')),
      termMonths,
      nextStep: cell(values, index, 'nextStep') || null,
      lastActivityAt,
      stageDates,
    };
  }
}

function prepare(store: SqliteStore) {
  const s = store.sqlite;
  return {
    select: s.prepare<[string], DealRow>(
      `SELECT id, name, owner_id, account, amount, currency, stage, status, probability, created_at, close_date, closed_at,
              deal_type, term_months, next_step, last_activity_at, updated_at FROM deals WHERE id = ?`,
    ),
    insert: s.prepare(
      `INSERT INTO deals (id, name, owner_id, account, amount, currency, stage, status, probability, created_at, close_date, closed_at,
                          deal_type, term_months, next_step, last_activity_at, imported_at, updated_at)
       VALUES (@id, @name, @ownerId, @account, @amount, @currency, @stage, @status, @probability, @createdAt, @closeDate, @closedAt,
               @dealType, @termMonths, @nextStep, @lastActivityAt, @at, @at)`,
    ),
    update: s.prepare(
      `UPDATE deals SET name = @name, owner_id = @ownerId, account = @account, amount = @amount, currency = @currency, stage = @stage,
              status = @status, probability = @probability, created_at = @createdAt, close_date = @closeDate, closed_at = @closedAt,
              deal_type = @dealType, term_months = @termMonths, next_step = @nextStep, last_activity_at = @lastActivityAt, updated_at = @at
       WHERE id = @id`,
    ),
    history: s.prepare(`INSERT INTO deal_history (deal_id, at, field, from_value, to_value, source) VALUES (?, ?, ?, ?, ?, ?)`),
    otherCredits: s.prepare<[string, string], { one: number }>(`SELECT 1 AS one FROM credits WHERE deal_id = ? AND id <> ? LIMIT 1`),
    upsertCredit: s.prepare(
      `INSERT INTO credits (id, deal_id, user_id, share, amount, closed_at, deal_type, term_months, counts_toward_quota)
       VALUES (@creditId, @id, @ownerId, '1', @amount, @closedAt, @dealType, @termMonths, 1)
       ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id, share = '1', amount = excluded.amount, closed_at = excluded.closed_at,
              deal_type = excluded.deal_type, term_months = excluded.term_months`,
    ),
    deleteCredit: s.prepare(`DELETE FROM credits WHERE id = ?`),
  };
}

export const autoCreditId = (dealId: string) => `auto:${dealId}`;

function bindDeal(d: Deal, at: string) {
  return {
    id: d.id,
    name: d.name,
    ownerId: d.ownerId,
    account: d.account,
    amount: decText(d.amount),
    currency: d.currency,
    stage: d.stage,
    status: d.status,
    probability: d.probability && decText(d.probability),
    createdAt: d.createdAt,
    closeDate: d.closeDate,
    closedAt: d.closedAt,
    dealType: d.dealType,
    termMonths: d.termMonths,
    nextStep: d.nextStep,
    lastActivityAt: d.lastActivityAt,
    at,
  };
}

export function importDeals(store: SqliteStore, file: string, mapping: DealMapping, options: ImportOptions = {}): DealImportSummary {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const progress = options.progress ?? silentProgress;
  const snap = parseInstant(options.snapshotAt ?? startedAt);
  if (!snap.ok) throw new RangeError(`snapshotAt: ${snap.message}`);
  const at = snap.value;
  const snapshotDate = at.slice(0, 10);
  const users = UserIndex.fromDb(store.sqlite);
  const stmts = prepare(store);
  const order = new Map(mapping.stages.map((s, i) => [s.name, i + 1]));
  // A first import into an empty table has nothing to compare with: skip a lookup per row.
  const tableWasEmpty = store.sqlite.prepare('SELECT 1 FROM deals LIMIT 1').get() === undefined;
  const lookup = (id: string): DealRow | undefined => (tableWasEmpty ? undefined : stmts.select.get(id));

  // ---- Pass 1: validate every row and compare it with what is stored; write nothing.
  const issues = new IssueList();
  const seen = new Map<string, number>();
  const counts = { inserted: 0, updated: 0, unchanged: 0, historyRows: 0, creditsWritten: 0, creditsRemoved: 0 };
  const sampleChanges: DealChange[] = [];
  // What pass 1 decided for each data row, so pass 2 skips unchanged rows without parsing
  // them and new rows without a lookup.
  let outcome = new Uint8Array(1 << 16);
  let rowNo = 0;
  const decide = (o: Outcome) => {
    if (rowNo >= outcome.length) {
      const grown = new Uint8Array(outcome.length * 2);
      grown.set(outcome);
      outcome = grown;
    }
    outcome[rowNo] = o;
  };
  let header: readonly string[] = [];
  let parser: DealRowParser | undefined;
  progress.start('validating');
  const { rows } = readCsvSync(
    file,
    mapping,
    {
      header(h) {
        header = h;
        parser = new DealRowParser(h, mapping, users, snapshotDate, issues);
        issues.throwIfAny(file);
      },
      row(values, line) {
        const d = parser!.parse(values, line, header);
        decide(Outcome.Unchanged);
        rowNo++;
        if (!d) return;
        const first = seen.get(d.id);
        if (first !== undefined) {
          issues.add(line, mapping.columns.id, `duplicate id "${d.id}" (first on line ${first})`);
          return;
        }
        seen.set(d.id, line);
        const row = lookup(d.id);
        if (!row) {
          outcome[rowNo - 1] = Outcome.Insert;
          counts.inserted++;
          const crm = crmStageHistory(d, order);
          counts.historyRows += crm.length;
          if (d.status === 'won') counts.creditsWritten++;
          return;
        }
        const { changes, other } = diffDeal(row, d, at);
        if (changes.length === 0 && !other) {
          counts.unchanged++;
          return;
        }
        if (row.updated_at > at) {
          issues.add(line, mapping.columns.id, `deal "${d.id}" was last changed by a later snapshot (${row.updated_at}) than this one (${at}); import snapshots oldest first`);
          return;
        }
        outcome[rowNo - 1] = Outcome.Update;
        counts.updated++;
        counts.historyRows += changes.length;
        for (const c of changes) if (sampleChanges.length < 20) sampleChanges.push(c);
        if (d.status === 'won') counts.creditsWritten++;
        else if (row.status === 'won') counts.creditsRemoved++;
      },
      progress: (done, total) => progress.update(done, total),
    },
  );
  progress.end();
  issues.throwIfAny(file);

  let missingFromFile = 0;
  for (const id of store.sqlite.prepare('SELECT id FROM deals').pluck().iterate() as IterableIterator<string>) {
    if (id.startsWith(mapping.idPrefix) && !seen.has(id)) missingFromFile++;
  }
  seen.clear();

  const summary = (): DealImportSummary => {
    const seconds = (performance.now() - started) / 1000;
    return {
      kind: 'deals',
      file,
      snapshotAt: at,
      dryRun: options.dryRun === true,
      rows,
      ...counts,
      missingFromFile,
      ignoredColumns: parser?.index.ignored ?? [],
      sampleChanges,
      seconds: Math.round(seconds * 1000) / 1000,
      rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : rows,
    };
  };
  if (options.dryRun) return summary();

  // ---- Pass 2: the same rows again, written in one transaction. A large page cache keeps
  // a big import's index pages in memory instead of spilling them mid-transaction.
  const written = { ...counts };
  const cacheBefore = store.sqlite.pragma('cache_size', { simple: true }) as number;
  store.sqlite.pragma('cache_size = -262144');
  try {
    store.transaction(() => {
      upsertStagesIfChanged(store, mapping);
      const again = new IssueList();
      let p2: DealRowParser | undefined;
      let h2: readonly string[] = [];
      const w = { inserted: 0, updated: 0, unchanged: 0, historyRows: 0, creditsWritten: 0, creditsRemoved: 0 };
      const addHistory = (changes: readonly DealChange[], source: string) => {
        for (const c of changes) stmts.history.run(c.dealId, c.at, c.field, c.from, c.to, source);
        w.historyRows += changes.length;
      };
      const credit = (d: Deal, wasWon: boolean) => {
        const creditId = autoCreditId(d.id);
        if (d.status === 'won') {
          if (stmts.otherCredits.get(d.id, creditId)) return;
          stmts.upsertCredit.run({ ...bindDeal(d, at), creditId });
          w.creditsWritten++;
        } else if (wasWon) {
          w.creditsRemoved += stmts.deleteCredit.run(creditId).changes;
        }
      };
      progress.start('writing');
      let n = 0;
      readCsvSync(file, mapping, {
        header(h) {
          h2 = h;
          p2 = new DealRowParser(h, mapping, users, snapshotDate, again);
        },
        row(values, line) {
          const o = outcome[n++];
          if (o === Outcome.Unchanged) {
            w.unchanged++;
            return;
          }
          const d = p2!.parse(values, line, h2);
          if (!d) throw new Error(`import: line ${line} validated in pass 1 but not in pass 2 (file changed during import?)`);
          const row = o === Outcome.Insert ? undefined : stmts.select.get(d.id);
          if (!row) {
            stmts.insert.run(bindDeal(d, at));
            w.inserted++;
            addHistory(crmStageHistory(d, order), 'crm');
            credit(d, false);
            return;
          }
          const { changes, other } = diffDeal(row, d, at);
          if (changes.length === 0 && !other) {
            w.unchanged++;
            return;
          }
          stmts.update.run(bindDeal(d, at));
          w.updated++;
          addHistory(changes, 'import');
          credit(d, row.status === 'won');
        },
        progress: (done, total) => progress.update(done, total),
      });
      progress.end();
      if (n !== rows || w.inserted !== counts.inserted || w.updated !== counts.updated) {
        throw new Error('import: the file changed between validation and writing; nothing was imported');
      }
      Object.assign(written, w);
      recordRun(store, { kind: 'deals', source: options.source ?? basename(file), startedAt, finishedAt: now().toISOString(), rows, ...w });
    });
  } finally {
    store.sqlite.pragma(`cache_size = ${cacheBefore}`);
  }
  Object.assign(counts, written);
  return summary();
}

function upsertStagesIfChanged(store: SqliteStore, mapping: DealMapping): void {
  const current = new Map(store.listStages().map((s) => [s.name, s]));
  const wanted = mapping.stages.map((s, i) => ({ name: s.name, order: i + 1, status: s.status }));
  const changed = wanted.filter((s) => {
    const c = current.get(s.name);
    return !c || c.order !== s.order || c.status !== s.status;
  });
  if (changed.length > 0) store.upsertStages(changed);
}

export interface RunRecord {
  kind: string;
  source: string;
  startedAt: string;
  finishedAt: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** One import_runs row per successful import, written in the import's own transaction. */
export function recordRun(store: SqliteStore, r: RunRecord): void {
  store.sqlite
    .prepare(
      `INSERT INTO import_runs (kind, source, started_at, finished_at, rows, inserted, updated, unchanged, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'succeeded')`,
    )
    .run(r.kind, r.source, r.startedAt, r.finishedAt, r.rows, r.inserted, r.updated, r.unchanged);
}
