// The score table of an eval run: one row per case, a column per scorer ("-" where a
// scorer does not apply), the case total, and notes (misses, leaks, skip reasons).
import { type EvalRun, SCORERS } from './harness.ts';

export function formatTable(run: EvalRun, options: { verbose?: boolean } = {}): string {
  const header = ['case', 'as', 'category', ...SCORERS, 'total', 'notes'];
  const rows = run.results.map((r) => [
    r.id,
    r.as,
    r.category,
    ...SCORERS.map((s) => (r.scores[s] === undefined ? '-' : r.scores[s]!.toFixed(2))),
    r.status === 'scored' ? (r.total ?? 0).toFixed(2) : r.status === 'error' ? '0.00' : 'skip',
    r.status === 'scored' ? r.notes.join('; ') : `${r.status}: ${r.reason ?? ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === header.length - 1 ? 0 : row[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];

  const scored = run.results.filter((r) => r.status !== 'skipped');
  const skipped = run.results.length - scored.length;
  const perScorer = SCORERS.map((s) => {
    const vals = scored.map((r) => r.scores[s]).filter((v): v is number => v !== undefined);
    return vals.length ? `${s} ${(vals.reduce((a, b) => a + b, 0) / vals.length).toFixed(2)}` : `${s} -`;
  });
  out.push('');
  out.push(`mean ${run.mean === null ? '-' : run.mean.toFixed(2)} over ${scored.length} cases (${skipped} skipped) | ${perScorer.join(' | ')}`);
  if (options.verbose) {
    for (const r of run.results) {
      if (!r.result) continue;
      out.push('', `## ${r.id} (${r.result.grounding})`, ...r.result.toolCalls.map((c) => `  → ${c.name} ${JSON.stringify(c.args)}${c.ok ? '' : ` ✗ ${c.error?.code}`}`), r.result.text);
    }
  }
  return out.join('\n');
}
