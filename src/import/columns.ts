// Matching a mapping's column names against a file's header.
import type { IssueList } from './errors.ts';

export interface ColumnIndex<K extends string> {
  /** Position of each mapped field's column in the row; absent when the file lacks it. */
  at: Partial<Record<K, number>>;
  /** Optional mapped columns the file does not have (reported in the summary). */
  ignored: string[];
}

/** Exact header match first, then case-insensitive. Required columns missing are issues on line 1. */
export function indexColumns<K extends string>(
  header: readonly string[],
  columns: { [P in K]?: string | undefined },
  required: readonly NoInfer<K>[],
  issues: IssueList,
): ColumnIndex<K> {
  const at: Partial<Record<K, number>> = {};
  const ignored: string[] = [];
  const lower = header.map((h) => h.toLowerCase());
  for (const [field, name] of Object.entries(columns) as [K, string | undefined][]) {
    if (name === undefined) continue;
    let i = header.indexOf(name);
    if (i < 0) i = lower.indexOf(name.toLowerCase());
    if (i >= 0) at[field] = i;
    else if (required.includes(field)) issues.add(1, name, `required column (${field}) is missing from the header`);
    else ignored.push(name);
  }
  for (const field of required) {
    if (columns[field] === undefined) issues.add(null, null, `the mapping names no column for ${field}`);
  }
  return { at, ignored };
}

/** The trimmed cell of `field`, or '' when the file has no such column. */
export function cell<K extends string>(values: readonly string[], index: ColumnIndex<K>, field: K): string {
  const i = index.at[field];
  return i === undefined ? '' : (values[i] ?? '').trim();
}
