// Streaming CSV reading, synchronous on purpose: the write pass of an import runs inside one
// better-sqlite3 transaction, whose callback must not await. The file is read in 1 MiB
// chunks and fed to csv-parse, whose `on_record` hook hands each record over as it is
// parsed (nothing is buffered), so memory stays flat on a million-row file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type CsvError, Parser } from 'csv-parse';
import { ImportValidationError } from './errors.ts';

export interface CsvOptions {
  /** Field delimiter; ',' unless the mapping says otherwise. */
  delimiter?: string;
  /**
   * Stop at the first blank line after the data. Salesforce report exports end with a
   * blank line and a footer ("Copyright (c) 2000-2024 salesforce.com, inc.", "Generated
   * By: ..."), which is not data.
   */
  stopAtBlankLine?: boolean;
}

export interface CsvHandlers {
  /** Called once with the header row (trimmed). */
  header(columns: readonly string[]): void;
  /** Called for every data row. `line` is the 1-based line where the record ends. */
  row(values: readonly string[], line: number): void;
  /** Called after each chunk with bytes read so far and the file size. */
  progress?(bytesRead: number, totalBytes: number): void;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Reads `path` start to end, calling the handlers synchronously. A malformed file (an
 * unclosed quote, a row with more or fewer fields than the header) throws an
 * ImportValidationError naming the line.
 */
export function readCsvSync(path: string, options: CsvOptions, handlers: CsvHandlers): { rows: number; totalBytes: number } {
  let headerSeen = false;
  let width = 0;
  let rows = 0;
  let stopped = false;
  let rowError: ImportValidationError | undefined;
  const parser = new Parser({
    bom: true,
    delimiter: options.delimiter ?? ',',
    relax_column_count: true,
    skip_empty_lines: !options.stopAtBlankLine,
    on_record: (record: string[], context: { lines: number }) => {
      if (stopped || rowError) return null;
      const line = context.lines;
      if (!headerSeen) {
        headerSeen = true;
        width = record.length;
        handlers.header(record.map((c) => c.trim()));
        return null;
      }
      if (record.length === 1 && record[0]!.trim() === '') {
        if (options.stopAtBlankLine) stopped = true;
        return null;
      }
      if (record.length !== width) {
        rowError = new ImportValidationError(path, [{ line, column: null, message: `expected ${width} fields as in the header, got ${record.length}` }]);
        return null;
      }
      rows++;
      handlers.row(record, line);
      return null;
    },
  });
  // Errors are read from `parser.errored` after each write; this keeps them off the event loop.
  parser.on('error', () => {});
  const fd = openSync(path, 'r');
  try {
    const totalBytes = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let read = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      read += n;
      // csv-parse keeps references into the chunk it is given, so hand it a copy.
      parser.write(Buffer.from(buf.subarray(0, n)));
      check(parser, path);
      if (rowError) throw rowError;
      handlers.progress?.(read, totalBytes);
      if (stopped) break;
    }
    parser.end();
    check(parser, path);
    if (rowError) throw rowError;
    if (!headerSeen) throw new ImportValidationError(path, [{ line: null, column: null, message: 'the file is empty (no header row)' }]);
    return { rows, totalBytes };
  } finally {
    closeSync(fd);
  }
}

function check(parser: Parser, path: string): void {
  const err = parser.errored as (CsvError & { lines?: number }) | null;
  if (!err) return;
  const line = typeof err.lines === 'number' ? err.lines : null;
  throw new ImportValidationError(path, [{ line, column: null, message: `not valid CSV: ${err.message}` }]);
}
