// Calendar dates and fiscal periods. Pure: "today" is always an argument.
//
// Dates are `YYYY-MM-DD` strings with no time zone. A fiscal year is named after the
// calendar year in which it ends. With fiscalYearStartMonth 1, months are `2027-01`;
// otherwise a fiscal month is written by its number inside the fiscal year (`2027-M01`).
// Quarters are `2027-Q1` and years `2027`.

export type LocalDate = string;
export type PeriodKind = 'month' | 'quarter' | 'year';
export type PeriodId = string;

export interface FiscalCalendar {
  period: PeriodKind;
  fiscalYearStartMonth: number; // 1-12
}

export interface Period {
  id: PeriodId;
  start: LocalDate; // first day, inclusive
  end: LocalDate; // last day, inclusive
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Parses a real calendar date; returns undefined for `2027-02-30` or any other shape. */
export function parseDate(text: string): { y: number; m: number; d: number } | undefined {
  const match = DATE_RE.exec(text);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

export function isValidDate(text: string): boolean {
  return parseDate(text) !== undefined;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function ymd(y: number, m: number, d: number): LocalDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Day number since 1970-01-01 (UTC arithmetic only; no clock, no zone). */
export function dayNumber(date: LocalDate): number {
  const p = parseDate(date);
  if (!p) throw new TypeError(`not a date: ${date}`);
  return Math.round(Date.UTC(p.y, p.m - 1, p.d) / DAY_MS);
}

export function fromDayNumber(n: number): LocalDate {
  const dt = new Date(n * DAY_MS);
  return ymd(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(b) - dayNumber(a);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Adds calendar months, clamping the day to the target month's length. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const p = parseDate(date);
  if (!p) throw new TypeError(`not a date: ${date}`);
  const idx = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(idx / 12);
  const m = (idx % 12) + 1;
  return ymd(y, m, Math.min(p.d, daysInMonth(y, m)));
}

/** The fiscal year (named by its end year) and 1-based fiscal month of a date. */
function fiscalPosition(date: LocalDate, fyStart: number): { fy: number; fm: number } {
  const p = parseDate(date);
  if (!p) throw new TypeError(`not a date: ${date}`);
  const fm = ((p.m - fyStart + 12) % 12) + 1;
  // FY named after the calendar year in which it ends. With fyStart 1, fy = calendar year.
  const fy = fyStart === 1 ? p.y : p.m >= fyStart ? p.y + 1 : p.y;
  return { fy, fm };
}

/** First calendar day of fiscal month `fm` (1-based) of fiscal year `fy`. */
function fiscalMonthStart(fy: number, fm: number, fyStart: number): LocalDate {
  const startYear = fyStart === 1 ? fy : fy - 1;
  const idx = startYear * 12 + (fyStart - 1) + (fm - 1);
  return ymd(Math.floor(idx / 12), (idx % 12) + 1, 1);
}

function lastDayBefore(date: LocalDate): LocalDate {
  return addDays(date, -1);
}

function periodFromFiscal(cal: FiscalCalendar, fy: number, firstFm: number, months: number, id: PeriodId): Period {
  const start = fiscalMonthStart(fy, firstFm, cal.fiscalYearStartMonth);
  const next = addMonths(start, months);
  return { id, start, end: lastDayBefore(next) };
}

/** The period of `cal` that contains `date`. */
export function periodOf(date: LocalDate, cal: FiscalCalendar): Period {
  const { fy, fm } = fiscalPosition(date, cal.fiscalYearStartMonth);
  switch (cal.period) {
    case 'year':
      return periodFromFiscal(cal, fy, 1, 12, String(fy));
    case 'quarter': {
      const q = Math.floor((fm - 1) / 3) + 1;
      return periodFromFiscal(cal, fy, (q - 1) * 3 + 1, 3, `${fy}-Q${q}`);
    }
    case 'month': {
      const id = cal.fiscalYearStartMonth === 1 ? `${fy}-${String(fm).padStart(2, '0')}` : `${fy}-M${String(fm).padStart(2, '0')}`;
      return periodFromFiscal(cal, fy, fm, 1, id);
    }
  }
}

/**
 * Parses a period id written for `cal`; undefined when the id does not name a period of
 * that calendar (a quarter id for a monthly plan, `2027-13`, `2027-M01` for a calendar-year
 * plan...).
 */
export function parsePeriodId(id: string, cal: FiscalCalendar): Period | undefined {
  let match: RegExpExecArray | null;
  switch (cal.period) {
    case 'year':
      match = /^(\d{4})$/.exec(id);
      return match ? periodFromFiscal(cal, Number(match[1]), 1, 12, id) : undefined;
    case 'quarter': {
      match = /^(\d{4})-Q([1-4])$/.exec(id);
      if (!match) return undefined;
      const q = Number(match[2]);
      return periodFromFiscal(cal, Number(match[1]), (q - 1) * 3 + 1, 3, id);
    }
    case 'month': {
      match = cal.fiscalYearStartMonth === 1 ? /^(\d{4})-(\d{2})$/.exec(id) : /^(\d{4})-M(\d{2})$/.exec(id);
      if (!match) return undefined;
      const fm = Number(match[2]);
      if (fm < 1 || fm > 12) return undefined;
      return periodFromFiscal(cal, Number(match[1]), fm, 1, id);
    }
  }
}

/** What a period id for `cal` looks like, for error messages. */
export function periodIdShape(cal: FiscalCalendar): string {
  switch (cal.period) {
    case 'year':
      return 'YYYY (fiscal year, named by the year it ends in)';
    case 'quarter':
      return 'YYYY-Q1..YYYY-Q4';
    case 'month':
      return cal.fiscalYearStartMonth === 1 ? 'YYYY-MM' : 'YYYY-M01..YYYY-M12 (fiscal month)';
  }
}

export function containsDate(period: Period, date: LocalDate): boolean {
  return period.start <= date && date <= period.end;
}

/** The next period after `period` in `cal`. */
export function nextPeriod(period: Period, cal: FiscalCalendar): Period {
  return periodOf(addDays(period.end, 1), cal);
}

/** Consecutive periods from the one containing `from` to the one containing `to`. */
export function periodsBetween(from: LocalDate, to: LocalDate, cal: FiscalCalendar): Period[] {
  const out: Period[] = [];
  let p = periodOf(from, cal);
  const last = periodOf(to, cal);
  while (p.start <= last.start) {
    out.push(p);
    p = nextPeriod(p, cal);
  }
  return out;
}

/**
 * Share of the period elapsed at the end of `asOf` (0..1), as days elapsed / days in the
 * period. Returned as a ratio of integers so callers stay exact.
 */
export function elapsedDays(period: Period, asOf: LocalDate): { elapsed: number; total: number } {
  const total = daysBetween(period.start, period.end) + 1;
  const raw = daysBetween(period.start, asOf) + 1;
  return { elapsed: Math.max(0, Math.min(total, raw)), total };
}
