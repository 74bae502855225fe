// Parsing the text of CSV cells into typed values, exactly. Money never goes through a JS
// number: digits are checked and regrouped as text, then handed to Dec as a string.
import { Dec, isKnownCurrency } from '../engine/money.ts';
import { type LocalDate, isValidDate } from '../engine/periods.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/**
 * How numbers are written. `en`: 1,234.50. `de`: 1.234,50. `fr`: 1 234,50 (space, no-break
 * or narrow no-break space). `ch`: 1'234.50. A number may also be written with no grouping.
 */
export const NUMBER_FORMATS = {
  en: { decimal: '.', groups: [','] },
  de: { decimal: ',', groups: ['.'] },
  fr: { decimal: ',', groups: [' ', '\u00a0', '\u202f'] },
  ch: { decimal: '.', groups: ["'", '\u2019'] },
} as const satisfies Record<string, { decimal: string; groups: readonly string[] }>;
export type NumberFormatName = keyof typeof NUMBER_FORMATS;

const SYMBOLS: Readonly<Record<string, string>> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR' };
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const groupedRes = new Map<string, RegExp>();
/** `^\d{1,3}(,\d{3})+$` for the group separator `g`, compiled once. */
function groupedRe(g: string): RegExp {
  let re = groupedRes.get(g);
  if (!re) {
    re = new RegExp(`^\\d{1,3}(${escapeRe(g)}\\d{3})+$`);
    groupedRes.set(g, re);
  }
  return re;
}

export interface ParsedAmount {
  value: Dec;
  /** Currency named in the cell itself ("USD 1,200", "€ 5"), if any. */
  currency: string | null;
}

/**
 * "1,234.50", "$1234.5", "USD 12,000.00", "(1,200.00)", "-5", "1 234,50" (fr). Rejects
 * exponents, stray characters, a decimal separator of the wrong locale and bad grouping
 * ("1,23,4"), rather than guessing.
 */
export function parseAmount(text: string, format: NumberFormatName): Parsed<ParsedAmount> {
  const fmt = NUMBER_FORMATS[format];
  let s = text.trim();
  if (s === '') return fail('is empty');
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    negative = !negative;
    s = s.slice(1).trim();
  }
  let currency: string | null = null;
  const lead = /^([A-Z]{3})\s*(.+)$/.exec(s);
  const trail = lead ? null : /^(.+?)\s*([A-Z]{3})$/.exec(s);
  const code = lead ? lead[1]! : trail ? trail[2]! : null;
  if (code !== null) {
    if (!isKnownCurrency(code)) return fail(`"${text}": unknown currency ${code}`);
    currency = code;
    s = (lead ? lead[2]! : trail![1]!).trim();
  } else {
    const first = s.charAt(0);
    const last = s.charAt(s.length - 1);
    if (SYMBOLS[first]) {
      currency = SYMBOLS[first]!;
      s = s.slice(1).trim();
    } else if (SYMBOLS[last]) {
      currency = SYMBOLS[last]!;
      s = s.slice(0, -1).trim();
    }
  }
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    // "$-5", "USD -5"
    negative = !negative;
    s = s.slice(1).trim();
  }
  const parts = s.split(fmt.decimal);
  if (parts.length > 2) return fail(`"${text}" is not an amount (more than one "${fmt.decimal}" in ${format} format)`);
  const [intPart, fracPart] = parts as [string, string | undefined];
  let digits: string;
  if (/^\d+$/.test(intPart)) {
    digits = intPart;
  } else {
    const group = fmt.groups.find((g) => intPart.includes(g));
    const grouped = group !== undefined && groupedRe(group).test(intPart);
    if (!grouped) return fail(`"${text}" is not an amount in ${format} format (e.g. ${example(format)})`);
    digits = intPart.split(group).join('');
  }
  if (fracPart !== undefined && !/^\d+$/.test(fracPart)) return fail(`"${text}" is not an amount in ${format} format (e.g. ${example(format)})`);
  const canonical = fracPart === undefined ? digits : `${digits}.${fracPart}`;
  const value = new Dec(canonical);
  return ok({ value: negative && !value.isZero() ? value.negated() : value, currency });
}

function example(format: NumberFormatName): string {
  return { en: '1,234.50', de: '1.234,50', fr: '1 234,50', ch: "1'234.50" }[format];
}

/** Canonical text of a Dec for the database: plain digits, no exponent, no "-0". */
export function decText(value: Dec): string {
  return value.isZero() ? '0' : value.toFixed();
}

/**
 * Date layouts. `iso`: 2024-03-15, optionally followed by a time ("2024-03-15 10:32",
 * "2024-03-15T10:32:00Z"): the date is taken as written, the time ignored. `mdy`:
 * 3/15/2024 (US, Salesforce en_US). `dmy`: 15/03/2024 or 15.03.2024.
 */
export type DateFormat = 'iso' | 'mdy' | 'dmy';

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?)?$/;
const SLASH_RE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?$/;

// Exports repeat the same few thousand dates; validating each once is a measurable win.
const dateCache = { iso: new Map<string, Parsed<LocalDate>>(), mdy: new Map<string, Parsed<LocalDate>>(), dmy: new Map<string, Parsed<LocalDate>>() };

export function parseDateText(text: string, format: DateFormat): Parsed<LocalDate> {
  const cache = dateCache[format];
  let hit = cache.get(text);
  if (hit === undefined) {
    if (cache.size > 50_000) cache.clear();
    hit = parseDateUncached(text, format);
    cache.set(text, hit);
  }
  return hit;
}

function parseDateUncached(text: string, format: DateFormat): Parsed<LocalDate> {
  const s = text.trim();
  let y: string, m: string, d: string;
  if (format === 'iso') {
    const match = ISO_RE.exec(s);
    if (!match) return fail(`"${text}" is not a date YYYY-MM-DD`);
    [, y, m, d] = match as unknown as [string, string, string, string];
  } else {
    const match = SLASH_RE.exec(s);
    if (!match) return fail(`"${text}" is not a date ${format === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY'}`);
    const [, a, b, yy] = match as unknown as [string, string, string, string];
    y = yy;
    [m, d] = format === 'mdy' ? [a, b] : [b, a];
  }
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isValidDate(date) ? ok(date) : fail(`"${text}" is not a real calendar date`);
}

/** A probability: "10" / "10%" on the percent scale, "0.1" on the fraction scale. Result 0..1. */
export function parseProbability(text: string, scale: 'percent' | 'fraction'): Parsed<Dec> {
  let s = text.trim();
  const hasPercent = s.endsWith('%');
  if (hasPercent) s = s.slice(0, -1).trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return fail(`"${text}" is not a probability`);
  const raw = new Dec(s);
  const value = hasPercent || scale === 'percent' ? raw.div(100) : raw;
  if (value.gt(1)) return fail(`"${text}" is more than 100%`);
  return ok(value);
}

/** A share of a credit: "50%", "50" (percent) or "0.5"; any value ≤ 1 without % is a fraction. */
export function parseShare(text: string): Parsed<Dec> {
  let s = text.trim();
  const hasPercent = s.endsWith('%');
  if (hasPercent) s = s.slice(0, -1).trim();
  if (!/^\d+(\.\d+)?$/.test(s)) return fail(`"${text}" is not a share (write 50% or 0.5)`);
  const raw = new Dec(s);
  const value = hasPercent || raw.gt(1) ? raw.div(100) : raw;
  if (value.lte(0) || value.gt(1)) return fail(`"${text}" must be more than 0% and at most 100%`);
  return ok(value);
}

const TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '']);

export function parseBoolean(text: string): Parsed<boolean> {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail(`"${text}" is not true/false`);
}

export function parseWholeNumber(text: string): Parsed<number> {
  const s = text.trim();
  if (!/^\d{1,6}$/.test(s)) return fail(`"${text}" is not a whole number`);
  return ok(Number(s));
}

/** "Moses Frase" → "moses-frase": ids for users that only have a name. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A snapshot instant from "2017-12-31" (midnight UTC) or an ISO 8601 date-time. */
export function parseInstant(text: string): Parsed<string> {
  const s = text.trim();
  if (isValidDate(s)) return ok(`${s}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) || !isValidDate(s.slice(0, 10))) {
    return fail(`"${text}" is not a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone`);
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? fail(`"${text}" is not a valid instant`) : ok(new Date(ms).toISOString());
}
