// The real Maven CRM dataset imports with the shipped mapping, and its totals match the
// raw CSV: won deals, won value 10,005,534, and every agent's won sum as credited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/engine/money.ts';
import { importMaven, MAVEN_DIR, type MavenImportSummary } from '../../src/import/maven.ts';
import { slug } from '../../src/import/parse-text.ts';
import { openStore, type SqliteStore } from '../../src/store/sqlite-store.ts';

const raw = parse(readFileSync(join(MAVEN_DIR, 'sales_pipeline.csv')), { columns: true }) as Record<string, string>[];
const teams = parse(readFileSync(join(MAVEN_DIR, 'sales_teams.csv')), { columns: true }) as Record<string, string>[];
const fixed = () => new Date('2026-01-01T00:00:00.000Z');

let store: SqliteStore;
let first: MavenImportSummary;
beforeAll(() => {
  store = openStore(':memory:');
  first = importMaven(store, { now: fixed });
});

describe('Maven CRM import', () => {
  it('imports 8,800 deals, 35 agents and 6 managers', () => {
    expect(first.deals).toMatchObject({ rows: 8800, inserted: 8800, updated: 0, unchanged: 0 });
    expect(first.users).toMatchObject({ rows: 35, inserted: 41 });
    const users = store.listUsers();
    expect(users.filter((u) => u.role === 'rep')).toHaveLength(35);
    expect(users.filter((u) => u.role === 'manager')).toHaveLength(6);
    for (const t of teams) {
      const u = store.getUser(slug(t.sales_agent!))!;
      expect(u.managerId).toBe(slug(t.manager!));
      expect(u.team).toBe(t.regional_office);
    }
    expect(store.listDeals()).toHaveLength(8800);
    expect(store.getMeta('demo.today')).toBe('2017-12-31');
  });

  it('matches the raw CSV: won count, won value 10,005,534, and every agent', () => {
    const wonRaw = raw.filter((r) => r.deal_stage === 'Won');
    const won = store.listDeals({ status: 'won' });
    expect(won).toHaveLength(wonRaw.length);
    expect(won).toHaveLength(4238);
    const total = won.reduce((s, d) => s.plus(d.amount), new Dec(0));
    expect(total.toFixed()).toBe('10005534');

    const expected = new Map<string, Dec>();
    for (const r of wonRaw) expected.set(slug(r.sales_agent!), (expected.get(slug(r.sales_agent!)) ?? new Dec(0)).plus(r.close_value!));
    let credited = new Dec(0);
    for (const t of teams) {
      const id = slug(t.sales_agent!);
      const credits = store.creditsOf(id);
      const sum = credits.reduce((s, c) => s.plus(c.amount), new Dec(0));
      expect(sum.toFixed(), id).toBe((expected.get(id) ?? new Dec(0)).toFixed());
      expect(credits.every((c) => c.share.eq(1))).toBe(true);
      credited = credited.plus(sum);
    }
    expect(credited.toFixed()).toBe('10005534');
  });

  it('survives the quirks: no account, no close date, no engage date, GTXPro', () => {
    const deals = store.listDeals();
    const open = deals.filter((d) => d.status === 'open');
    expect(open).toHaveLength(raw.filter((r) => r.deal_stage === 'Prospecting' || r.deal_stage === 'Engaging').length);
    expect(open.filter((d) => d.account === '')).toHaveLength(1425);
    expect(open.every((d) => d.closeDate === null && d.closedAt === null)).toBe(true);
    // Open deals carry the list price of their product (the mapping's amountWhenMissing).
    expect(store.getDeal('6CWZFOHJ')?.amount.toFixed()).toBe('550');
    expect(deals.some((d) => d.dealType === 'GTXPro')).toBe(false);
    expect(deals.filter((d) => d.dealType === 'GTX Pro')).toHaveLength(raw.filter((r) => r.product === 'GTXPro').length);
    // 500 Prospecting deals have no engage date: created at the snapshot.
    expect(deals.filter((d) => d.stage === 'Prospecting' && d.createdAt === '2017-12-31')).toHaveLength(500);
    expect(deals.filter((d) => d.status === 'lost').every((d) => d.amount.isZero())).toBe(true);
  });

  it('turns engage and close dates into CRM stage history', () => {
    const h = store.dealHistory(['1C1I7A6R']);
    expect(h).toEqual([{ dealId: '1C1I7A6R', at: '2017-03-01T00:00:00.000Z', field: 'stage', from: 'Engaging', to: 'Won' }]);
    expect(store.dealHistory()).toHaveLength(4238 + 2473);
    expect(store.listStages().map((s) => s.name)).toEqual(['Prospecting', 'Engaging', 'Won', 'Lost']);
  });

  it('imports the derived quotas', () => {
    expect(first.quotas).toMatchObject({ rows: 180, inserted: 180 });
    expect(store.quotasOf('anna-snelling').get('2017-Q3')?.toFixed()).toBe('76000');
  });

  it('re-importing the same files changes nothing', () => {
    const before = store.sqlite.prepare('SELECT (SELECT count(*) FROM deal_history) h, (SELECT count(*) FROM credits) c, (SELECT group_concat(updated_at) FROM deals) u').get();
    const again = importMaven(store, { now: fixed });
    expect(again.deals).toMatchObject({ inserted: 0, updated: 0, unchanged: 8800, historyRows: 0, creditsWritten: 0 });
    expect(again.users).toMatchObject({ inserted: 0, updated: 0, unchanged: 35 });
    expect(again.quotas).toMatchObject({ inserted: 0, updated: 0, unchanged: 180 });
    expect(store.sqlite.prepare('SELECT (SELECT count(*) FROM deal_history) h, (SELECT count(*) FROM credits) c, (SELECT group_concat(updated_at) FROM deals) u').get()).toEqual(before);
  });
});
