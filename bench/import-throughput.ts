// Import throughput: the Maven CRM sample (8,800 deals) and a generated 1,000,000-row deals
// export, each into a fresh database file (WAL, as the CLI opens it). Reports rows/s of the
// deals import (both passes: validation, then the one-transaction write).
//
//   npx tsx bench/import-throughput.ts [rows=1000000]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDeals } from '../src/import/deals.ts';
import { sectionOf } from '../src/import/mapping.ts';
import { importMaven } from '../src/import/maven.ts';
import { importUsers } from '../src/import/small-files.ts';
import { syntheticMapping, syntheticUsersCsv, writeSyntheticDeals } from '../src/import/synthetic.ts';
import { openStore } from '../src/store/sqlite-store.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'attain-bench-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** CPU seconds (user + system) since `from`: a figure that a busy machine does not skew. */
const cpuOf = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

try {
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  // Maven: users, deals, quotas; the deals import is timed on its own.
  {
    const store = openStore(join(dir, 'maven.db'));
    const t = performance.now();
    const cpu = process.cpuUsage();
    const s = importMaven(store);
    const cpuSeconds = cpuOf(cpu);
    const total = (performance.now() - t) / 1000;
    console.log(`maven: ${s.deals.rows} deals in ${s.deals.seconds.toFixed(2)} s = ${fmt(s.deals.rowsPerSecond)} rows/s wall (users+deals+quotas ${total.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} CPU-s)`);
    const t2 = performance.now();
    const again = importMaven(store);
    console.log(`maven re-import (all unchanged): ${fmt(again.deals.rowsPerSecond)} rows/s, ${((performance.now() - t2) / 1000).toFixed(2)} s`);
    store.close();
  }

  // Generated: 1,000,000 rows.
  {
    const csv = join(dir, 'deals.csv');
    const users = join(dir, 'users.csv');
    writeFileSync(users, syntheticUsersCsv(500));
    let t = performance.now();
    await writeSyntheticDeals(csv, rows, 500);
    console.log(`generated ${fmt(rows)} rows (${(statSync(csv).size / 1048576).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const store = openStore(join(dir, 'big.db'));
    importUsers(store, users, sectionOf(syntheticMapping, 'users'));
    const cpu = process.cpuUsage();
    const s = importDeals(store, csv, sectionOf(syntheticMapping, 'deals'), { snapshotAt: '2025-06-01' });
    const cpuSeconds = cpuOf(cpu);
    console.log(`generated: ${fmt(s.rows)} deals in ${s.seconds.toFixed(1)} s = ${fmt(s.rowsPerSecond)} rows/s wall, ${fmt(s.rows / cpuSeconds)} rows per CPU-second (${fmt(s.creditsWritten)} credits)`);
    const mem = process.memoryUsage();
    console.log(`  rss ${(mem.rss / 1048576).toFixed(0)} MiB, db ${(statSync(join(dir, 'big.db')).size / 1048576).toFixed(0)} MiB`);
    t = performance.now();
    const again = importDeals(store, csv, sectionOf(syntheticMapping, 'deals'), { snapshotAt: '2025-06-02' });
    console.log(`generated re-import (all unchanged): ${fmt(again.rowsPerSecond)} rows/s, ${again.seconds.toFixed(1)} s`);
    store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
