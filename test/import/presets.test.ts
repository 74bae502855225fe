// The Salesforce and HubSpot presets on files shaped like their real exports
// (examples/salesforce, examples/hubspot), and credits/splits replacing the owner credit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDeals } from '../../src/import/deals.ts';
import { loadMapping, sectionOf } from '../../src/import/mapping.ts';
import { importCredits, importPlans, importUsers } from '../../src/import/small-files.ts';
import { openStore } from '../../src/store/sqlite-store.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');

describe('Salesforce preset', () => {
  const sf = loadMapping('salesforce');
  it('imports users, then an Opportunities report with its footer, quoted cells and USD amounts', () => {
    const store = openStore(':memory:');
    expect(importUsers(store, join(examples, 'salesforce', 'users.csv'), sectionOf(sf, 'users'))).toMatchObject({ inserted: 3 });
    expect(store.getUser('0058d000001AbCeAAK')).toMatchObject({ name: 'Luis Ortega', managerId: '0058d000001AbCdAAK', role: 'rep', startDate: '2023-02-13' });
    const s = importDeals(store, join(examples, 'salesforce', 'opportunities.csv'), sectionOf(sf, 'deals'), { snapshotAt: '2024-04-02' });
    expect(s).toMatchObject({ rows: 5, inserted: 5, creditsWritten: 2 });
    expect(s.ignoredColumns).toEqual(['Opportunity Currency', 'Won', 'Closed', 'Last Activity']);
    const globex = store.getDeal('sf-0068d00000AbCdFAAV')!;
    expect(globex).toMatchObject({ name: 'Globex renewal', account: 'Globex, Inc.', stage: 'Negotiation/Review', status: 'open', currency: 'USD', createdAt: '2024-01-27', closeDate: '2024-04-30', nextStep: 'Legal review of MSA', dealType: 'Existing Customer - Upgrade' });
    expect(globex.amount.toFixed()).toBe('45500.5');
    expect(globex.probability?.toFixed()).toBe('0.9');
    expect(store.getDeal('sf-0068d00000AbCdGAAV')?.nextStep).toBe('Discovery call "round 2"');
    expect(store.getDeal('sf-0068d00000AbCdHAAV')).toMatchObject({ status: 'lost', closedAt: '2024-03-29' });
    expect(store.creditsOf('0058d000001AbCfAAK').map((c) => [c.dealId, c.amount.toFixed()])).toEqual([['sf-0068d00000AbCdIAAV', '64250']]);
  });
});

describe('HubSpot preset', () => {
  const hs = loadMapping('hubspot');
  it('imports a deals export: pipeline-suffixed stages, date-times, EUR, fraction probabilities', () => {
    const store = openStore(':memory:');
    importUsers(store, join(examples, 'hubspot', 'users.csv'), sectionOf(hs, 'users'));
    const s = importDeals(store, join(examples, 'hubspot', 'deals.csv'), sectionOf(hs, 'deals'), { snapshotAt: '2024-04-01' });
    expect(s).toMatchObject({ rows: 4, inserted: 4, creditsWritten: 1 });
    expect(store.getDeal('hs-9823471001')).toMatchObject({ stage: 'Closed Won', status: 'won', currency: 'EUR', closedAt: '2024-03-12', createdAt: '2024-01-08', ownerId: 'hs-u-1', account: 'Nordwind GmbH', lastActivityAt: '2024-03-12' });
    const kestrel = store.getDeal('hs-9823471002')!;
    expect([kestrel.stage, kestrel.amount.toFixed(), kestrel.probability?.toFixed(), kestrel.nextStep]).toEqual(['Contract Sent', '5600.5', '0.9', 'Send countersigned order form']);
    // An empty amount becomes 0 under the preset (HubSpot deals often have none yet).
    expect(store.getDeal('hs-9823471003')?.amount.toFixed()).toBe('0');
    expect(store.listStages().map((st) => st.name)).toContain('Decision Maker Bought-In');
  });
});

describe('credits and splits', () => {
  it('replace the 100% owner credit, survive a deal re-import, and are idempotent', () => {
    const store = openStore(':memory:');
    const sf = loadMapping('salesforce');
    importUsers(store, join(examples, 'salesforce', 'users.csv'), sectionOf(sf, 'users'));
    importDeals(store, join(examples, 'salesforce', 'opportunities.csv'), sectionOf(sf, 'deals'), { snapshotAt: '2024-04-02' });
    const dir = mkdtempSync(join(tmpdir(), 'attain-credits-'));
    const splits = join(dir, 'splits.csv');
    writeFileSync(splits, 'deal,user,share\nsf-0068d00000AbCdEAAV,Luis Ortega,60%\nsf-0068d00000AbCdEAAV,priya.raman@example.com,40%\n');
    const credits = sectionOf(loadMapping(undefined), 'credits');
    expect(importCredits(store, splits, credits)).toMatchObject({ inserted: 2 });
    const amounts = (user: string) => store.creditsOf(user).filter((c) => c.dealId === 'sf-0068d00000AbCdEAAV').map((c) => [c.share.toFixed(), c.amount.toFixed()]);
    expect(amounts('0058d000001AbCeAAK')).toEqual([['0.6', '72000']]);
    expect(amounts('0058d000001AbCfAAK')).toEqual([['0.4', '48000']]);
    expect(importCredits(store, splits, credits)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    // A newer snapshot of the deals does not bring the automatic credit back.
    importDeals(store, join(examples, 'salesforce', 'opportunities.csv'), sectionOf(sf, 'deals'), { snapshotAt: '2024-04-03' });
    expect(store.sqlite.prepare("SELECT count(*) AS n FROM credits WHERE deal_id = 'sf-0068d00000AbCdEAAV'").get()).toEqual({ n: 2 });
    // An open deal cannot be credited.
    writeFileSync(splits, 'deal,user,share\nsf-0068d00000AbCdFAAV,Luis Ortega,100%\n');
    expect(() => importCredits(store, splits, credits)).toThrow(/splits\.csv:2: column "deal": deal "sf-0068d00000AbCdFAAV" is open/);
  });
});

describe('plans', () => {
  it('imports a plan document once and skips it when unchanged', () => {
    const store = openStore(':memory:');
    const dir = mkdtempSync(join(tmpdir(), 'attain-plans-'));
    const path = join(dir, 'plan.yaml');
    writeFileSync(
      path,
      [
        'id: ae-2027',
        'version: 1',
        'name: AE plan',
        'currency: USD',
        'period: quarter',
        'fiscalYearStartMonth: 1',
        'components:',
        '  - kind: commission',
        '    id: base',
        '    tiering: marginal',
        '    tiers:',
        '      - { upTo: null, rate: "0.08" }',
      ].join('\n'),
    );
    expect(importPlans(store, path)).toMatchObject({ inserted: 1 });
    expect(importPlans(store, path)).toMatchObject({ inserted: 0, unchanged: 1 });
    expect(store.listPlans()).toEqual([{ id: 'ae-2027', version: 1, name: 'AE plan' }]);
    writeFileSync(path, 'id: x\nversion: 1\nname: X\ncurrency: USD\nperiod: quarter\nfiscalYearStartMonth: 1\ncomponents: []\nbonus: 1\n');
    expect(() => importPlans(store, path)).toThrow(/plan\.yaml: bonus: is not a known field/);
  });
});
