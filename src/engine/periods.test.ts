import { describe, expect, it } from 'vitest';
import { elapsedDays, parsePeriodId, periodOf, periodsBetween } from './periods.ts';

describe('fiscal periods', () => {
  const feb = { period: 'month' as const, fiscalYearStartMonth: 2 };
  it('names a fiscal year after the calendar year it ends in', () => {
    expect(periodOf('2026-02-14', feb).id).toBe('2027-M01');
    expect(periodOf('2027-01-31', feb).id).toBe('2027-M12');
    expect(periodOf('2026-02-01', { period: 'quarter', fiscalYearStartMonth: 2 })).toEqual({ id: '2027-Q1', start: '2026-02-01', end: '2026-04-30' });
    expect(periodOf('2026-01-31', { period: 'year', fiscalYearStartMonth: 2 })).toEqual({ id: '2026', start: '2025-02-01', end: '2026-01-31' });
  });
  it('parses ids for its calendar only', () => {
    expect(parsePeriodId('2027-M01', feb)).toEqual({ id: '2027-M01', start: '2026-02-01', end: '2026-02-28' });
    expect(parsePeriodId('2027-01', feb)).toBeUndefined();
    expect(parsePeriodId('2028-02', { period: 'month', fiscalYearStartMonth: 1 })).toEqual({ id: '2028-02', start: '2028-02-01', end: '2028-02-29' });
    expect(parsePeriodId('2027-Q5', { period: 'quarter', fiscalYearStartMonth: 1 })).toBeUndefined();
  });
  it('walks consecutive periods and measures elapsed days', () => {
    expect(periodsBetween('2026-11-16', '2027-03-01', { period: 'quarter', fiscalYearStartMonth: 1 }).map((p) => p.id)).toEqual(['2026-Q4', '2027-Q1']);
    expect(elapsedDays({ id: 'q', start: '2026-10-01', end: '2026-12-31' }, '2026-11-16')).toEqual({ elapsed: 47, total: 92 });
  });
});
