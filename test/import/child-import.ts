// Child process for the crash test: imports a deals file with plain progress lines on
// stderr, so the parent can SIGKILL it in the middle of the write pass.
import { importDeals } from '../../src/import/deals.ts';
import { sectionOf } from '../../src/import/mapping.ts';
import { createProgress } from '../../src/import/progress.ts';
import { syntheticMapping } from '../../src/import/synthetic.ts';
import { openStore } from '../../src/store/sqlite-store.ts';

const [db, file] = process.argv.slice(2);
const store = openStore(db!);
importDeals(store, file!, sectionOf(syntheticMapping, 'deals'), { snapshotAt: '2025-06-01', progress: createProgress(process.stderr, 0) });
store.close();
process.stderr.write('done\n');
