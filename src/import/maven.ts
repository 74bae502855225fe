// The Maven CRM sample (test/fixtures/maven-crm) in one call: users from sales_teams.csv,
// deals from sales_pipeline.csv, quotas from the derived examples/maven/quotas.csv, all with
// examples/maven/mapping.json. The snapshot defaults to 2017-12-31, the last close date in
// the data, so "today" for the sample is the end of 2017.
import { join } from 'node:path';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { type DealImportSummary, importDeals } from './deals.ts';
import { loadMapping, sectionOf } from './mapping.ts';
import type { Progress } from './progress.ts';
import { importQuotas, importUsers, type SmallImportSummary } from './small-files.ts';

const root = join(import.meta.dirname, '..', '..');
export const MAVEN_DIR = join(root, 'test', 'fixtures', 'maven-crm');
export const MAVEN_MAPPING = join(root, 'examples', 'maven', 'mapping.json');
export const MAVEN_QUOTAS = join(root, 'examples', 'maven', 'quotas.csv');
export const MAVEN_SNAPSHOT_AT = '2017-12-31';

export interface MavenImportSummary {
  users: SmallImportSummary;
  deals: DealImportSummary;
  quotas: SmallImportSummary;
  /** The database's pinned "today" (meta demo.today) after the import. */
  today: string;
}

export function importMaven(store: SqliteStore, options: { dir?: string; snapshotAt?: string; progress?: Progress; now?: () => Date } = {}): MavenImportSummary {
  const dir = options.dir ?? MAVEN_DIR;
  const mapping = loadMapping(MAVEN_MAPPING);
  const common = { ...(options.now ? { now: options.now } : {}) };
  const users = importUsers(store, join(dir, 'sales_teams.csv'), sectionOf(mapping, 'users'), common);
  const deals = importDeals(store, join(dir, 'sales_pipeline.csv'), sectionOf(mapping, 'deals'), {
    ...common,
    snapshotAt: options.snapshotAt ?? MAVEN_SNAPSHOT_AT,
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const quotas = importQuotas(store, MAVEN_QUOTAS, sectionOf(mapping, 'quotas'), common);
  // The sample's "today": tools read `demo.today` as their clock (src/app/context.ts), so
  // find_stalled_deals and friends see the data as of its end. Never overrides a set value.
  const today = (options.snapshotAt ?? MAVEN_SNAPSHOT_AT).slice(0, 10);
  const pinnedToday = store.getMeta('demo.today') ?? today;
  if (store.getMeta('demo.today') === undefined) store.setMeta('demo.today', today);
  return { users, deals, quotas, today: pinnedToday };
}
