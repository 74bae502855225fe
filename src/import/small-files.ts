// The importers of small files (users, quotas, credits, activities, plans): read every row,
// validate all of them, then write the changed ones in one transaction. Idempotent: rows
// equal to what is stored write nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Activity, ActivityKind } from '../engine/deals.ts';
import { Dec } from '../engine/money.ts';
import { parsePlan, ValidationError } from '../engine/plan.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import type { Role, StoredCredit, User } from '../store/types.ts';
import { cell, indexColumns } from './columns.ts';
import { readCsvSync } from './csv.ts';
import { recordRun, type ImportOptions } from './deals.ts';
import { ImportValidationError, IssueList } from './errors.ts';
import type { ActivityMapping, CreditMapping, QuotaMapping, UserMapping } from './mapping.ts';
import { decText, parseAmount, parseDateText, parseShare, slug } from './parse-text.ts';
import { UserIndex } from './users-index.ts';

export interface SmallImportSummary {
  kind: 'users' | 'quotas' | 'credits' | 'activities' | 'plans';
  file: string;
  dryRun: boolean;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

interface Row {
  values: readonly string[];
  line: number;
}

function readAll(file: string, mapping: { delimiter: string; stopAtBlankLine: boolean }): { header: readonly string[]; rows: Row[] } {
  let header: readonly string[] = [];
  const rows: Row[] = [];
  readCsvSync(file, mapping, { header: (h) => (header = h), row: (values, line) => rows.push({ values, line }) });
  return { header, rows };
}

function finish(store: SqliteStore, kind: SmallImportSummary['kind'], file: string, options: ImportOptions, counts: Omit<SmallImportSummary, 'kind' | 'file' | 'dryRun'>, startedAt: string, write: () => void): SmallImportSummary {
  if (!options.dryRun) {
    store.transaction(() => {
      write();
      recordRun(store, { kind, source: options.source ?? basename(file), startedAt, finishedAt: (options.now?.() ?? new Date()).toISOString(), ...counts });
    });
  }
  return { kind, file, dryRun: options.dryRun === true, ...counts };
}

// ---------------------------------------------------------------------------------------
// Users

const ROLES: readonly Role[] = ['rep', 'manager', 'admin'];

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

/**
 * Users and their managers. A manager cell is matched against the file's users and the
 * stored ones (id, email or name); with `createManagers`, a manager known only by that cell
 * becomes a user with role manager and the team of their first report.
 */
export function importUsers(store: SqliteStore, file: string, m: UserMapping, options: ImportOptions = {}): SmallImportSummary {
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const { header, rows } = readAll(file, m);
  const issues = new IssueList();
  const idx = indexColumns(header, m.columns, ['name'], issues);
  issues.throwIfAny(file);
  const col = (f: keyof UserMapping['columns']) => m.columns[f] ?? f;
  const existing = new Map(store.listUsers().map((u) => [u.id, u]));
  const incoming = new Map<string, User & { line: number; managerText: string }>();
  const emails = new Map<string, string>();
  for (const u of existing.values()) emails.set(u.email.toLowerCase(), u.id);

  for (const { values, line } of rows) {
    const name = cell(values, idx, 'name');
    if (name === '') {
      issues.add(line, col('name'), 'is empty');
      continue;
    }
    const id = cell(values, idx, 'id') || slug(name);
    if (id === '') issues.add(line, col('name'), `cannot make an id from "${name}"`);
    if (incoming.has(id)) {
      issues.add(line, col(idx.at.id !== undefined ? 'id' : 'name'), `duplicate user "${id}" (first on line ${incoming.get(id)!.line})`);
      continue;
    }
    let email = cell(values, idx, 'email');
    if (email === '' && m.emailTemplate !== undefined) email = fill(m.emailTemplate, { id, slug: slug(name), name });
    if (email === '') issues.add(line, col('email'), 'is empty and the mapping has no emailTemplate');
    else if (!/^[^\s@]+@[^\s@]+$/.test(email)) issues.add(line, col('email'), `"${email}" is not an email address`);
    const owner = emails.get(email.toLowerCase());
    if (email !== '' && owner !== undefined && owner !== id) issues.add(line, col('email'), `"${email}" already belongs to user "${owner}"`);
    emails.set(email.toLowerCase(), id);
    const roleText = cell(values, idx, 'role');
    let role: Role = m.defaultRole;
    if (roleText !== '') {
      const r = m.roles[roleText] ?? (ROLES.includes(roleText.toLowerCase() as Role) ? (roleText.toLowerCase() as Role) : undefined);
      if (r === undefined) issues.add(line, col('role'), `unknown role "${roleText}" (rep, manager, admin, or map it in roles)`);
      else role = r;
    }
    const startText = cell(values, idx, 'startDate');
    let startDate: string | null = null;
    if (startText !== '') {
      const d = parseDateText(startText, m.dateFormat);
      if (!d.ok) issues.add(line, col('startDate'), d.message);
      else startDate = d.value;
    }
    const prior = existing.get(id);
    incoming.set(id, {
      id,
      name,
      email,
      // A column the file does not have keeps what is stored (e.g. a linked Slack id).
      slackUserId: idx.at.slackUserId !== undefined ? cell(values, idx, 'slackUserId') || null : (prior?.slackUserId ?? null),
      role,
      managerId: null,
      team: idx.at.team !== undefined ? cell(values, idx, 'team') || null : (prior?.team ?? null),
      startDate: idx.at.startDate !== undefined ? startDate : (prior?.startDate ?? null),
      line,
      managerText: cell(values, idx, 'manager'),
    });
  }

  // Managers: resolved against the file's users and the stored ones.
  const index = new UserIndex([...existing.values(), ...incoming.values()]);
  const created = new Map<string, User>();
  for (const u of incoming.values()) {
    if (u.managerText === '') {
      u.managerId = idx.at.manager !== undefined ? null : (existing.get(u.id)?.managerId ?? null);
      continue;
    }
    const r = index.resolve(u.managerText, m.userMatch);
    if (r.ok) {
      u.managerId = r.value;
    } else if (m.createManagers && r.message.startsWith('unknown user')) {
      const id = slug(u.managerText);
      const email = m.emailTemplate !== undefined ? fill(m.emailTemplate, { id, slug: id, name: u.managerText }) : '';
      if (email === '') issues.add(u.line, col('manager'), 'a manager to create needs an emailTemplate');
      const mgr: User = { id, name: u.managerText.trim(), email, slackUserId: existing.get(id)?.slackUserId ?? null, role: 'manager', managerId: null, team: u.team, startDate: null };
      created.set(id, mgr);
      index.add(mgr);
      u.managerId = id;
    } else issues.add(u.line, col('manager'), r.message);
    if (u.managerId === u.id) issues.add(u.line, col('manager'), 'a user cannot be their own manager');
  }
  issues.throwIfAny(file);

  // Managers before their reports (the foreign key needs them first).
  const all: User[] = [...created.values(), ...[...incoming.values()].map(({ line: _l, managerText: _m, ...u }) => u)];
  const ordered: User[] = [];
  const placed = new Set(existing.keys());
  let pending = all;
  while (pending.length > 0) {
    const next = pending.filter((u) => u.managerId !== null && !placed.has(u.managerId) && pending.some((p) => p.id === u.managerId));
    const ready = pending.filter((u) => !next.includes(u));
    if (ready.length === 0) throw new ImportValidationError(file, [{ line: null, column: m.columns.manager ?? null, message: `managers form a cycle: ${next.map((u) => u.id).join(', ')}` }]);
    for (const u of ready) {
      ordered.push(u);
      placed.add(u.id);
    }
    pending = next;
  }
  const same = (a: User, b: User) =>
    a.name === b.name && a.email === b.email && a.slackUserId === b.slackUserId && a.role === b.role && a.managerId === b.managerId && a.team === b.team && a.startDate === b.startDate;
  const changed = ordered.filter((u) => {
    const prior = existing.get(u.id);
    return !prior || !same(prior, u);
  });
  const inserted = changed.filter((u) => !existing.has(u.id)).length;
  return finish(store, 'users', file, options, { rows: rows.length, inserted, updated: changed.length - inserted, unchanged: ordered.length - changed.length }, startedAt, () => store.upsertUsers(changed));
}

// ---------------------------------------------------------------------------------------
// Quotas

const PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-M(0[1-9]|1[0-2]))?$/;

/** Quotas by user and period (`2017-Q3`, `2017-07`, `2017-M07`, `2017`); amounts exact. */
export function importQuotas(store: SqliteStore, file: string, m: QuotaMapping, options: ImportOptions = {}): SmallImportSummary {
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const { header, rows } = readAll(file, m);
  const issues = new IssueList();
  const idx = indexColumns(header, m.columns, ['user', 'period', 'amount'], issues);
  issues.throwIfAny(file);
  const users = UserIndex.fromDb(store.sqlite);
  const seen = new Map<string, number>();
  const out: { userId: string; periodId: string; amount: Dec }[] = [];
  for (const { values, line } of rows) {
    const u = users.resolve(cell(values, idx, 'user'), m.userMatch);
    if (!u.ok) issues.add(line, m.columns.user, u.message);
    const period = cell(values, idx, 'period');
    if (!PERIOD_RE.test(period)) issues.add(line, m.columns.period, `"${period}" is not a period (2017-Q3, 2017-07, 2017-M07 or 2017)`);
    const a = parseAmount(cell(values, idx, 'amount'), m.numberFormat);
    if (!a.ok) issues.add(line, m.columns.amount, a.message);
    else if (a.value.value.isNegative()) issues.add(line, m.columns.amount, 'a quota cannot be negative');
    if (!u.ok || !a.ok || !PERIOD_RE.test(period)) continue;
    const key = `${u.value} ${period}`;
    if (seen.has(key)) issues.add(line, m.columns.period, `duplicate quota for ${u.value} in ${period} (first on line ${seen.get(key)})`);
    seen.set(key, line);
    out.push({ userId: u.value, periodId: period, amount: a.value.value });
  }
  issues.throwIfAny(file);
  const stored = store.sqlite.prepare<[string, string], { amount: string }>('SELECT amount FROM quotas WHERE user_id = ? AND period_id = ?');
  let inserted = 0;
  const changed = out.filter((q) => {
    const prior = stored.get(q.userId, q.periodId);
    if (!prior) inserted++;
    return !prior || !new Dec(prior.amount).eq(q.amount);
  });
  return finish(store, 'quotas', file, options, { rows: rows.length, inserted, updated: changed.length - inserted, unchanged: out.length - changed.length }, startedAt, () =>
    store.setQuotas(changed.map((q) => ({ ...q, amount: new Dec(decText(q.amount)) }))),
  );
}

// ---------------------------------------------------------------------------------------
// Credits (splits)

/**
 * Credits of won deals. The file is authoritative for every deal it names: that deal's
 * credits (including its automatic 100% owner credit) are replaced by the file's rows.
 * `share` is "50%", "50" or "0.5"; the amount is the deal's amount × share unless given.
 * Shares of a deal may add up to more than 100% (overlay credit is a real practice).
 */
export function importCredits(store: SqliteStore, file: string, m: CreditMapping, options: ImportOptions = {}): SmallImportSummary {
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const { header, rows } = readAll(file, m);
  const issues = new IssueList();
  const idx = indexColumns(header, m.columns, ['deal', 'user'], issues);
  if (m.columns.share === undefined && m.columns.amount === undefined) issues.add(null, null, 'the mapping names neither a share nor an amount column');
  issues.throwIfAny(file);
  const users = UserIndex.fromDb(store.sqlite);
  const dealStmt = store.sqlite.prepare<[string], { id: string; amount: string; status: string; closed_at: string | null; deal_type: string | null; term_months: number | null }>(
    'SELECT id, amount, status, closed_at, deal_type, term_months FROM deals WHERE id = ?',
  );
  const byDeal = new Map<string, StoredCredit[]>();
  const seen = new Map<string, number>();
  for (const { values, line } of rows) {
    const dealText = cell(values, idx, 'deal');
    const deal = dealText === '' ? undefined : dealStmt.get(m.idPrefix + dealText);
    if (dealText === '') issues.add(line, m.columns.deal, 'is empty');
    else if (!deal) issues.add(line, m.columns.deal, `unknown deal "${m.idPrefix + dealText}" (import deals first)`);
    else if (deal.status !== 'won' || deal.closed_at === null) issues.add(line, m.columns.deal, `deal "${deal.id}" is ${deal.status}; only won deals are credited`);
    const u = users.resolve(cell(values, idx, 'user'), m.userMatch);
    if (!u.ok) issues.add(line, m.columns.user, u.message);
    const shareText = cell(values, idx, 'share');
    const amountText = cell(values, idx, 'amount');
    const share = shareText === '' ? undefined : parseShare(shareText);
    if (share && !share.ok) issues.add(line, m.columns.share ?? 'share', share.message);
    const amount = amountText === '' ? undefined : parseAmount(amountText, m.numberFormat);
    if (amount && !amount.ok) issues.add(line, m.columns.amount ?? 'amount', amount.message);
    if (!share && !amount) issues.add(line, m.columns.share ?? m.columns.amount ?? 'share', 'give a share or an amount');
    if (!deal || deal.status !== 'won' || deal.closed_at === null || !u.ok || (share && !share.ok) || (amount && !amount.ok) || (!share && !amount)) continue;
    const key = `${deal.id} ${u.value}`;
    if (seen.has(key)) {
      issues.add(line, m.columns.user, `a second credit for ${u.value} on deal ${deal.id} (first on line ${seen.get(key)})`);
      continue;
    }
    seen.set(key, line);
    const dealAmount = new Dec(deal.amount);
    const s = share?.ok ? share.value : dealAmount.isZero() ? new Dec(1) : (amount as { ok: true; value: { value: Dec } }).value.value.div(dealAmount);
    const a = amount?.ok ? amount.value.value : dealAmount.times(s);
    const credit: StoredCredit = {
      id: `${deal.id}:${u.value}`,
      userId: u.value,
      dealId: deal.id,
      share: s,
      amount: a,
      closedAt: deal.closed_at,
      ...(deal.deal_type !== null ? { dealType: deal.deal_type } : {}),
      ...(deal.term_months !== null ? { termMonths: deal.term_months } : {}),
      countsTowardQuota: true,
    };
    const list = byDeal.get(deal.id);
    if (list) list.push(credit);
    else byDeal.set(deal.id, [credit]);
  }
  issues.throwIfAny(file);
  const storedStmt = store.sqlite.prepare<[string], { id: string; user_id: string; share: string; amount: string }>('SELECT id, user_id, share, amount FROM credits WHERE deal_id = ? ORDER BY id');
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  const changedDeals: [string, StoredCredit[]][] = [];
  for (const [dealId, list] of byDeal) {
    const stored = storedStmt.all(dealId);
    const same =
      stored.length === list.length &&
      list.every((c) => stored.some((s) => s.id === c.id && s.user_id === c.userId && new Dec(s.share).eq(c.share) && new Dec(s.amount).eq(c.amount)));
    if (same) unchanged += list.length;
    else {
      changedDeals.push([dealId, list]);
      for (const c of list) if (stored.some((s) => s.id === c.id)) updated++;
      else inserted++;
    }
  }
  const del = store.sqlite.prepare('DELETE FROM credits WHERE deal_id = ?');
  return finish(store, 'credits', file, options, { rows: rows.length, inserted, updated, unchanged }, startedAt, () => {
    for (const [dealId, list] of changedDeals) {
      del.run(dealId);
      store.saveCredits(list.map((c) => ({ ...c, share: new Dec(decText(c.share)), amount: new Dec(decText(c.amount)) })));
    }
  });
}

// ---------------------------------------------------------------------------------------
// Activities

const KINDS: readonly ActivityKind[] = ['call', 'email', 'meeting', 'note', 'task'];

/** Activities (calls, emails, meetings...). Without an id column, the id is a hash of the row. */
export function importActivities(store: SqliteStore, file: string, m: ActivityMapping, options: ImportOptions = {}): SmallImportSummary {
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const { header, rows } = readAll(file, m);
  const issues = new IssueList();
  const idx = indexColumns(header, m.columns, ['user', 'kind', 'at'], issues);
  issues.throwIfAny(file);
  const users = UserIndex.fromDb(store.sqlite);
  const dealExists = store.sqlite.prepare<[string], { one: number }>('SELECT 1 AS one FROM deals WHERE id = ?');
  const out: Activity[] = [];
  const seen = new Map<string, number>();
  for (const { values, line } of rows) {
    const u = users.resolve(cell(values, idx, 'user'), m.userMatch);
    if (!u.ok) issues.add(line, m.columns.user, u.message);
    const kindText = cell(values, idx, 'kind');
    const kind = m.kinds[kindText] ?? (KINDS.includes(kindText.toLowerCase() as ActivityKind) ? (kindText.toLowerCase() as ActivityKind) : undefined);
    if (!kind) issues.add(line, m.columns.kind, `unknown kind "${kindText}" (call, email, meeting, note, task, or map it in kinds)`);
    const at = parseDateText(cell(values, idx, 'at'), m.dateFormat);
    if (!at.ok) issues.add(line, m.columns.at, at.message);
    const dealText = cell(values, idx, 'deal');
    const dealId = dealText === '' ? null : m.dealIdPrefix + dealText;
    if (dealId !== null && !dealExists.get(dealId)) issues.add(line, m.columns.deal ?? 'deal', `unknown deal "${dealId}" (import deals first)`);
    const rawId = cell(values, idx, 'id');
    const id = m.idPrefix + (rawId || createHash('sha1').update(values.join('\u0000')).digest('hex').slice(0, 16));
    if (seen.has(id)) issues.add(line, m.columns.id ?? null, `duplicate activity "${id}" (first on line ${seen.get(id)})`);
    seen.set(id, line);
    if (!u.ok || !kind || !at.ok) continue;
    out.push({ id, dealId, userId: u.value, kind, at: at.value, subject: cell(values, idx, 'subject') || kind });
  }
  issues.throwIfAny(file);
  const stored = store.sqlite.prepare<[string], { deal_id: string | null; user_id: string; kind: string; at: string; subject: string }>('SELECT deal_id, user_id, kind, at, subject FROM activities WHERE id = ?');
  let inserted = 0;
  const changed = out.filter((a) => {
    const s = stored.get(a.id);
    if (!s) inserted++;
    return !s || s.deal_id !== a.dealId || s.user_id !== a.userId || s.kind !== a.kind || s.at !== a.at || s.subject !== a.subject;
  });
  return finish(store, 'activities', file, options, { rows: rows.length, inserted, updated: changed.length - inserted, unchanged: out.length - changed.length }, startedAt, () =>
    store.upsertActivities(changed),
  );
}

// ---------------------------------------------------------------------------------------
// Plans

/**
 * Plan documents from JSON or YAML: one document or a list. A version already stored with
 * the same content is skipped; with different content it is an error (plans are immutable).
 */
export function importPlans(store: SqliteStore, file: string, options: ImportOptions = {}): SmallImportSummary {
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ImportValidationError(file, [{ line: null, column: null, message: `not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const docs = Array.isArray(doc) ? doc : [doc];
  const issues = new IssueList();
  const toSave: unknown[] = [];
  let unchanged = 0;
  docs.forEach((d, i) => {
    const prefix = Array.isArray(doc) ? `[${i}]` : '';
    try {
      const plan = parsePlan(d, prefix);
      const prior = store.getPlan(plan.id, plan.version);
      if (!prior) toSave.push(d);
      else if (JSON.stringify(prior.document) === JSON.stringify(plan.document)) unchanged++;
      else issues.add(null, null, `${prefix}plan ${plan.id} version ${plan.version} is already stored with different content; plans are immutable, bump the version`);
    } catch (err) {
      if (err instanceof ValidationError) for (const issue of err.issues) issues.add(null, null, issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      else throw err;
    }
  });
  issues.throwIfAny(file);
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  return finish(store, 'plans', file, options, { rows: docs.length, inserted: toSave.length, updated: 0, unchanged }, startedAt, () => {
    for (const d of toSave) store.savePlan(d, createdAt);
  });
}
