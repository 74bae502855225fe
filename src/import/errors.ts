// What an import reports when it refuses a file: every bad row with its line and column,
// so the whole file can be fixed in one go. Nothing is written when this is thrown.

export interface ImportIssue {
  /** 1-based line of the CSV file (the header is line 1); null for file-level problems. */
  line: number | null;
  /** The CSV column (header text) at fault; null when the whole row or file is. */
  column: string | null;
  message: string;
}

/** At most this many issues are kept (the count of all of them is kept too). */
export const MAX_ISSUES = 100;

export class ImportValidationError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ImportIssue[],
    /** Issues found in all, including those beyond MAX_ISSUES. */
    readonly total: number = issues.length,
  ) {
    super(formatIssues(file, issues, total));
    this.name = 'ImportValidationError';
  }
}

export function formatIssue(file: string, i: ImportIssue): string {
  const where = i.line === null ? file : `${file}:${i.line}`;
  return i.column === null ? `${where}: ${i.message}` : `${where}: column "${i.column}": ${i.message}`;
}

function formatIssues(file: string, issues: readonly ImportIssue[], total: number): string {
  const head = `${file}: ${total} ${total === 1 ? 'problem' : 'problems'}, nothing imported`;
  const more = total > issues.length ? [`… and ${total - issues.length} more`] : [];
  return [head, ...issues.map((i) => `  ${formatIssue(file, i)}`), ...more].join('\n');
}

/** Collects issues, keeping the first MAX_ISSUES and counting the rest. */
export class IssueList {
  readonly items: ImportIssue[] = [];
  total = 0;

  add(line: number | null, column: string | null, message: string): void {
    this.total++;
    if (this.items.length < MAX_ISSUES) this.items.push({ line, column, message });
  }

  get empty(): boolean {
    return this.total === 0;
  }

  throwIfAny(file: string): void {
    if (this.total > 0) throw new ImportValidationError(file, this.items, this.total);
  }
}
