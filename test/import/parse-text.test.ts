// Cell parsing: money exactly from text in several locales, dates in three layouts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decText, parseAmount, parseDateText, parseInstant, parseProbability, parseShare, slug } from '../../src/import/parse-text.ts';

const amount = (text: string, fmt: 'en' | 'de' | 'fr' | 'ch' = 'en') => {
  const r = parseAmount(text, fmt);
  return r.ok ? `${decText(r.value.value)}${r.value.currency ? ` ${r.value.currency}` : ''}` : `error: ${r.message}`;
};

describe('parseAmount', () => {
  it('reads the spellings exports use, exactly', () => {
    expect(amount('1,234.50')).toBe('1234.5');
    expect(amount('$1234.5')).toBe('1234.5 USD');
    expect(amount('USD 12,000.00')).toBe('12000 USD');
    expect(amount('12000 EUR')).toBe('12000 EUR');
    expect(amount('(1,200.00)')).toBe('-1200');
    expect(amount('-0')).toBe('0');
    expect(amount('1 234,50', 'fr')).toBe('1234.5');
    expect(amount('1\u202f234,50 €', 'fr')).toBe('1234.5 EUR');
    expect(amount('1.234,50', 'de')).toBe('1234.5');
    expect(amount("1'234.50", 'ch')).toBe('1234.5');
    expect(amount('12345678901234567.89')).toBe('12345678901234567.89');
  });

  it('refuses what it would have to guess', () => {
    for (const bad of ['', 'abc', '1.5E+06', '1,23,4', '1.234,50', '12.3.4', '$', 'XYZ 5', '1,234.5.6']) {
      expect(amount(bad)).toMatch(/^error/);
    }
    expect(amount('1234,50')).toMatch(/en format/);
  });

  it('round-trips any decimal written with grouping (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 99 }), (int, cents) => {
        const grouped = int.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        const text = `${grouped}.${String(cents).padStart(2, '0')}`;
        const r = parseAmount(text, 'en');
        expect(r.ok && r.value.value.toFixed(2)).toBe(`${int}.${String(cents).padStart(2, '0')}`);
      }),
    );
  });
});

describe('dates, probabilities, shares', () => {
  it('parses three layouts and rejects impossible dates', () => {
    expect(parseDateText('2024-03-15 10:32', 'iso')).toEqual({ ok: true, value: '2024-03-15' });
    expect(parseDateText('2024-03-15T10:32:00Z', 'iso')).toEqual({ ok: true, value: '2024-03-15' });
    expect(parseDateText('3/5/2024', 'mdy')).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseDateText('3/5/2024', 'dmy')).toEqual({ ok: true, value: '2024-05-03' });
    expect(parseDateText('15.03.2024', 'dmy')).toEqual({ ok: true, value: '2024-03-15' });
    expect(parseDateText('2023-02-29', 'iso').ok).toBe(false);
    expect(parseDateText('13/1/2024', 'mdy').ok).toBe(false);
    expect(parseDateText('yesterday', 'iso').ok).toBe(false);
  });

  it('scales probabilities and shares', () => {
    expect(parseProbability('10', 'percent')).toMatchObject({ ok: true });
    expect(String((parseProbability('10', 'percent') as { value: unknown }).value)).toBe('0.1');
    expect(String((parseProbability('0.9', 'fraction') as { value: unknown }).value)).toBe('0.9');
    expect(parseProbability('120', 'percent').ok).toBe(false);
    expect(String((parseShare('50%') as { value: unknown }).value)).toBe('0.5');
    expect(String((parseShare('0.25') as { value: unknown }).value)).toBe('0.25');
    expect(String((parseShare('40') as { value: unknown }).value)).toBe('0.4');
    expect(parseShare('0').ok).toBe(false);
  });

  it('normalises snapshot instants and slugs names', () => {
    expect(parseInstant('2017-12-31')).toEqual({ ok: true, value: '2017-12-31T00:00:00.000Z' });
    expect(parseInstant('2017-12-31T10:00:00+02:00')).toEqual({ ok: true, value: '2017-12-31T08:00:00.000Z' });
    expect(parseInstant('2017-12-31 10:00').ok).toBe(false);
    expect(slug('Moses  Frase')).toBe('moses-frase');
    expect(slug('Zoë Ångström')).toBe('zoe-angstrom');
  });
});
