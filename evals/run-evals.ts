// `npm run evals [-- --case ID[,ID] --category NAME --threshold 0.8 --max-turns N --verbose]`
//
// Runs the eval cases against the configured model (OPENAI_API_KEY, OPENAI_BASE_URL,
// ATTAIN_MODEL — the same configuration as `attain chat`) on a fresh in-memory demo org,
// and prints a score table. Exit codes: 0 done (and at or above --threshold when given),
// 1 below the threshold, 2 no model configured or bad arguments.
import { parseArgs } from 'node:util';
import { createModelClient, modelConfigFromEnv } from '../src/agent/config.ts';

export interface EvalsIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: EvalsIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: EvalsIo = processIo): Promise<number> {
  const { out } = io;
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        case: { type: 'string' },
        category: { type: 'string' },
        threshold: { type: 'string' },
        'max-turns': { type: 'string' },
        verbose: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    io.err(`evals: ${(err as Error).message}\n`);
    return 2;
  }
  const config = modelConfigFromEnv(env);
  if (!config.ok) {
    io.err(`evals: cannot run without a model.\n\n${config.message}\n\nThen: npm run evals\n`);
    return 2;
  }
  // Loaded only once a model is configured: the message above needs no database.
  const [{ seedDemo }, { openStore }, { tools }, { cases }, { formatTable }, { runEvals }] = await Promise.all([
    import('../db/seed/demo.ts'),
    import('../src/store/sqlite-store.ts'),
    import('../src/tools/index.ts'),
    import('./cases.ts'),
    import('./report.ts'),
    import('./harness.ts'),
  ]);
  const ids = values.case?.split(',').map((s) => s.trim());
  const selected = cases.filter((c) => (!ids || ids.includes(c.id)) && (!values.category || c.category === values.category));
  if (selected.length === 0) {
    io.err(`evals: no case matches (ids: ${cases.map((c) => c.id).join(', ')})\n`);
    return 2;
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    io.err('evals: --threshold is a score between 0 and 1\n');
    return 2;
  }

  const store = openStore(':memory:');
  seedDemo(store);
  const model = config.config.model;
  out(`attain evals: ${selected.length} cases, model ${model}${config.config.baseURL ? ` at ${config.config.baseURL}` : ''}, demo org as of ${store.getMeta('demo.today')}\n`);
  try {
    const run = await runEvals({
      cases: selected,
      tools,
      store,
      client: createModelClient(config.config, { maxRetries: 2 }),
      model,
      ...(values['max-turns'] ? { maxTurns: Number(values['max-turns']) } : {}),
      onCase: (r) => out(`  ${r.status === 'scored' ? (r.total ?? 0).toFixed(2) : r.status.padEnd(4)}  ${r.id}\n`),
    });
    out('\n' + formatTable(run, { verbose: values.verbose ?? false }) + '\n');
    if (threshold !== undefined && (run.mean ?? 0) < threshold) {
      out(`below the threshold ${threshold}\n`);
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('run-evals.ts')) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`evals: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
