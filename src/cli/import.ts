// `attain import KIND FILE --mapping salesforce|hubspot|PATH [--db PATH] [--snapshot-at T]
// [--dry-run] [--json]`, `attain import plans FILE`, and `attain import maven` (the sample).
// Creates the database if it does not exist yet. Refused files print every problem with
// its line and column and leave the database as it was.
import { parseArgs } from 'node:util';
import { ValidationError } from '../engine/plan.ts';
import { type DealImportSummary, importDeals } from '../import/deals.ts';
import { ImportValidationError } from '../import/errors.ts';
import { type ImportKind, loadMapping, type MappingFile, sectionOf } from '../import/mapping.ts';
import { importMaven, MAVEN_DIR } from '../import/maven.ts';
import { createProgress } from '../import/progress.ts';
import { importActivities, importCredits, importPlans, importQuotas, importUsers, type SmallImportSummary } from '../import/small-files.ts';
import { openStore } from '../store/sqlite-store.ts';
import { resolveDbPath } from './db-path.ts';
import { CliError } from './io.ts';

const USAGE = [
  'usage: attain import deals|users|quotas|credits|activities FILE.csv [--mapping salesforce|hubspot|PATH.json|PATH.yaml]',
  '                     [--db PATH] [--snapshot-at DATE|ISO] [--dry-run] [--json]',
  '       attain import plans FILE.json|FILE.yaml [--db PATH]',
  '       attain import maven [DIR] [--db PATH] [--snapshot-at DATE]   (the Maven CRM sample, default test/fixtures/maven-crm)',
].join('\n');

const CSV_KINDS: readonly ImportKind[] = ['deals', 'users', 'quotas', 'credits', 'activities'];

function describeDeals(s: DealImportSummary): string {
  const lines = [
    `deals: ${s.rows} rows from ${s.file} (snapshot ${s.snapshotAt})${s.dryRun ? ' — dry run, nothing written' : ''}`,
    `  ${s.dryRun ? 'would be: ' : ''}${s.inserted} new, ${s.updated} changed, ${s.unchanged} unchanged; ${s.historyRows} history rows; credits ${s.creditsWritten} written, ${s.creditsRemoved} removed`,
  ];
  if (s.missingFromFile > 0) lines.push(`  ${s.missingFromFile} stored deals are not in this file (left as they are)`);
  if (s.ignoredColumns.length > 0) lines.push(`  mapped columns not in the file: ${s.ignoredColumns.join(', ')}`);
  for (const c of s.sampleChanges) lines.push(`  ${c.dealId}: ${c.field} ${c.from ?? '∅'} → ${c.to ?? '∅'}`);
  lines.push(`  ${s.seconds}s, ${s.rowsPerSecond} rows/s`);
  return lines.join('\n');
}

function describeSmall(s: SmallImportSummary): string {
  return `${s.kind}: ${s.rows} rows from ${s.file}${s.dryRun ? ' — dry run, nothing written; would be' : ''}: ${s.inserted} new, ${s.updated} changed, ${s.unchanged} unchanged`;
}

export async function runImport(argv: string[]): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        mapping: { type: 'string' },
        db: { type: 'string' },
        'snapshot-at': { type: 'string' },
        'as-of': { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [kind, file, ...rest] = positionals;
  if (!kind || rest.length > 0) throw new CliError(USAGE, 2);
  const snapshotAt = values['snapshot-at'] ?? values['as-of'];
  const progress = createProgress(process.stderr);
  const dbPath = resolveDbPath(values.db);
  const base = { ...(snapshotAt !== undefined ? { snapshotAt } : {}), dryRun: values['dry-run'] === true, progress };

  let mapping: MappingFile | undefined;
  if (CSV_KINDS.includes(kind as ImportKind)) {
    if (!file) throw new CliError(`attain import ${kind}: which file?\n${USAGE}`, 2);
    try {
      mapping = loadMapping(values.mapping);
    } catch (err) {
      if (err instanceof ValidationError) throw new CliError(`mapping is not valid:\n${err.message}`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CliError(`${values.mapping}: no such mapping file (presets: salesforce, hubspot)`);
      if (err instanceof SyntaxError) throw new CliError(`${values.mapping}: ${err.message}`);
      throw err;
    }
  } else if (kind === 'plans') {
    if (!file) throw new CliError(USAGE, 2);
  } else if (kind !== 'maven') {
    throw new CliError(`unknown kind "${kind}"\n${USAGE}`, 2);
  }

  const store = openStore(dbPath);
  try {
    let result: unknown;
    let text: string;
    if (kind === 'maven') {
      if (base.dryRun) throw new CliError('--dry-run is not offered for the Maven sample (its deals need its users written first)', 2);
      const s = importMaven(store, { dir: file ?? MAVEN_DIR, ...(snapshotAt !== undefined ? { snapshotAt } : {}), progress });
      result = s;
      text = [describeSmall(s.users), describeDeals(s.deals), describeSmall(s.quotas), `database: ${dbPath} (today pinned to ${s.today} for the tools)`].join('\n');
    } else if (kind === 'plans') {
      const s = importPlans(store, file!, base);
      result = s;
      text = describeSmall(s);
    } else if (kind === 'deals') {
      const s = importDeals(store, file!, sectionOf(mapping!, 'deals'), base);
      result = s;
      text = describeDeals(s);
    } else {
      const fn = { users: importUsers, quotas: importQuotas, credits: importCredits, activities: importActivities }[kind as 'users' | 'quotas' | 'credits' | 'activities'];
      const s = fn(store, file!, sectionOf(mapping!, kind as 'users') as never, base);
      result = s;
      text = describeSmall(s);
    }
    return values.json ? JSON.stringify(result, null, 2) : text;
  } catch (err) {
    if (err instanceof ImportValidationError) throw new CliError(err.message);
    if (err instanceof ValidationError) throw new CliError(err.message);
    if (err instanceof RangeError && /snapshotAt/.test(err.message)) throw new CliError(`--snapshot-at: ${err.message.replace(/^snapshotAt: /, '')}`, 2);
    throw err;
  } finally {
    store.close();
  }
}
