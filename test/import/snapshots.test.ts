// Snapshots become history: three exports of the same deals, taken weeks apart, give stage,
// amount and close-date changes dated at each snapshot, which find_stalled_deals then uses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDeals } from '../../src/import/deals.ts';
import { ImportValidationError } from '../../src/import/errors.ts';
import { parseMapping, sectionOf } from '../../src/import/mapping.ts';
import { importUsers } from '../../src/import/small-files.ts';
import { openStore, type SqliteStore } from '../../src/store/sqlite-store.ts';
import { runTool } from '../../src/tools/define-tool.ts';
import { findStalledDeals } from '../../src/tools/find-stalled-deals.ts';
import { ctxAs } from '../helpers/demo.ts';

const dir = mkdtempSync(join(tmpdir(), 'attain-snap-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const mapping = parseMapping({
  users: { columns: { id: 'id', name: 'name', email: 'email', manager: 'manager', role: 'role' } },
  deals: {
    columns: { id: 'id', name: 'name', owner: 'owner', account: 'account', amount: 'amount', stage: 'stage', created: 'created', closeDate: 'close', nextStep: 'next', lastActivity: 'activity' },
    stages: [
      { name: 'Discovery', status: 'open' },
      { name: 'Proposal', status: 'open' },
      { name: 'Negotiation', status: 'open' },
      { name: 'Won', status: 'won' },
      { name: 'Lost', status: 'lost' },
    ],
  },
});
const deals = sectionOf(mapping, 'deals');

const HEAD = 'id,name,owner,account,amount,stage,created,close,next,activity\n';
// D1 slips: pushed twice, cut, moved back. D2 closes won. D3 stays put.
const snap1 = file('s1.csv', HEAD + 'D1,Big one,ana,Acme,"120,000.00",Negotiation,2017-08-01,2017-10-15,,2017-09-01\nD2,Small one,ana,Beta,9000,Proposal,2017-08-10,2017-10-30,call,2017-09-01\nD3,Steady,ana,Gamma,5000,Discovery,2017-09-01,2017-12-20,demo,2017-09-10\n');
const snap2 = file('s2.csv', HEAD + 'D1,Big one,ana,Acme,"120,000.00",Negotiation,2017-08-01,2017-11-15,,2017-09-01\nD2,Small one,ana,Beta,9500,Won,2017-08-10,2017-10-12,call,2017-10-12\nD3,Steady,ana,Gamma,5000,Discovery,2017-09-01,2017-12-20,demo,2017-09-10\n');
const snap3 = file('s3.csv', HEAD + 'D1,Big one,ana,Acme,"90,000.00",Proposal,2017-08-01,2017-12-31,,2017-09-01\nD2,Small one,ana,Beta,9500,Won,2017-08-10,2017-10-12,call,2017-10-12\nD3,Steady,ana,Gamma,5000,Discovery,2017-09-01,2017-12-20,demo,2017-09-10\n');

let store: SqliteStore;
beforeAll(() => {
  store = openStore(':memory:');
  importUsers(store, file('users.csv', 'id,name,email,manager,role\nboss,Bo Ss,boss@x.example,,admin\nana,Ana Lyst,ana@x.example,boss,rep\n'), sectionOf(mapping, 'users'));
});

describe('snapshots into history', () => {
  it('records each change at its snapshot, and nothing for unchanged deals', () => {
    expect(importDeals(store, snap1, deals, { snapshotAt: '2017-10-01' })).toMatchObject({ inserted: 3, historyRows: 0 });
    const s2 = importDeals(store, snap2, deals, { snapshotAt: '2017-10-15' });
    expect(s2).toMatchObject({ inserted: 0, updated: 2, unchanged: 1, creditsWritten: 1 });
    const s3 = importDeals(store, snap3, deals, { snapshotAt: '2017-11-20' });
    expect(s3).toMatchObject({ updated: 1, unchanged: 2 });
    const h = store.dealHistory(['D1']).map((c) => `${c.at.slice(0, 10)} ${c.field} ${c.from}→${c.to}`);
    expect(h).toEqual([
      '2017-10-15 closeDate 2017-10-15→2017-11-15',
      '2017-11-20 stage Negotiation→Proposal',
      '2017-11-20 amount 120000→90000',
      '2017-11-20 closeDate 2017-11-15→2017-12-31',
    ]);
    expect(store.dealHistory(['D2']).map((c) => c.field)).toEqual(['stage', 'status', 'amount', 'closeDate']);
    expect(store.dealHistory(['D3'])).toEqual([]);
    // D2 won: its owner is credited 100%.
    expect(store.creditsOf('ana').map((c) => [c.dealId, c.amount.toFixed(), c.closedAt])).toEqual([['D2', '9500', '2017-10-12']]);
  });

  it('is idempotent, and refuses an older snapshot that would rewrite newer data', () => {
    expect(importDeals(store, snap3, deals, { snapshotAt: '2017-11-20' })).toMatchObject({ updated: 0, unchanged: 3, historyRows: 0 });
    expect(() => importDeals(store, snap1, deals, { snapshotAt: '2017-10-01' })).toThrow(/later snapshot/);
  });

  it('feeds find_stalled_deals: pushes, the cut and the step back are flagged', async () => {
    const out = (await runTool(findStalledDeals, { userId: null, includeTeam: true, minSeverity: null, limit: 50 }, ctxAs(store, 'boss', '2017-12-01'))) as {
      deals: { dealId: string; signals: { kind: string }[] }[];
    };
    const d1 = out.deals.find((d) => d.dealId === 'D1');
    expect(d1?.signals.map((s) => s.kind)).toEqual(expect.arrayContaining(['close_date_pushed', 'amount_reduced', 'stage_regressed']));
    expect(out.deals.find((d) => d.dealId === 'D3')?.signals.map((s) => s.kind) ?? []).not.toContain('close_date_pushed');
  });

  it('dry run reports the changes and writes nothing', () => {
    const snap4 = file('s4.csv', HEAD + 'D1,Big one,ana,Acme,"80,000.00",Proposal,2017-08-01,2017-12-31,,2017-09-01\n');
    const before = store.dealHistory().length;
    const dry = importDeals(store, snap4, deals, { snapshotAt: '2017-12-01', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, updated: 1, historyRows: 1, missingFromFile: 2 });
    expect(dry.sampleChanges).toEqual([{ dealId: 'D1', at: '2017-12-01T00:00:00.000Z', field: 'amount', from: '90000', to: '80000' }]);
    expect(store.dealHistory()).toHaveLength(before);
    expect(store.getDeal('D1')?.amount.toFixed()).toBe('90000');
  });

  it('reports every bad row with line and column', () => {
    const bad = file(
      'bad.csv',
      HEAD +
        'D7,x,ana,Acme,12.34.5,Proposal,2017-08-01,2017-12-31,,\n' +
        'D8,x,nobody,Acme,100,Proposal,2017-08-01,2017-12-31,,\n' +
        'D9,x,ana,Acme,100,Closing,2017-08-01,2017-12-31,,\n' +
        'D7,x,ana,Acme,100,Proposal,2017-02-30,2017-12-31,,\n' +
        'D10,x,ana,Acme,100,Won,2017-08-01,,,\n',
    );
    let err: unknown;
    try {
      importDeals(store, bad, deals, { snapshotAt: '2017-12-02' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportValidationError);
    const issues = (err as ImportValidationError).issues.map((i) => `${i.line}:${i.column}`);
    expect(issues).toEqual(['2:amount', '3:owner', '4:stage', '5:created', '6:close']);
    expect((err as Error).message).toMatch(/bad\.csv:3: column "owner": unknown user "nobody"/);
    // Duplicate ids are reported too once the row itself is valid.
    const dup = file('dup.csv', HEAD + 'D7,x,ana,Acme,100,Proposal,2017-08-01,2017-12-31,,\nD7,x,ana,Acme,100,Proposal,2017-08-01,2017-12-31,,\n');
    expect(() => importDeals(store, dup, deals, { snapshotAt: '2017-12-02' })).toThrow(/dup\.csv:3: column "id": duplicate id "D7" \(first on line 2\)/);
    expect(store.getDeal('D7')).toBeUndefined();
  });
});
