import { describe, expect, it } from 'vitest';
import { TraceableValues, checkGrounding, extractFigures, valuesFromMessages } from '../../src/agent/grounding.ts';

const texts = (s: string) => extractFigures(s).map((f) => f.text);
const values = (...results: unknown[]) => {
  const v = new TraceableValues();
  for (const r of results) v.addToolResult(r);
  return v;
};

describe('extractFigures', () => {
  it('finds money, percentages, multiples and counts', () => {
    expect(texts('You earned $12,345.60 this quarter, 92% of quota, with 3 deals and a 1.5x accelerator.')).toEqual(['$12,345.60', '92%', '3', '1.5x']);
    expect(texts('About 12.3k credited, $1.2M pipeline, EUR 900 and 450 USD, 2 million total.')).toEqual(['12.3k', '$1.2M', 'EUR 900', '450 USD', '2 million']);
    expect(texts('attainment of 87.5 percent')).toEqual(['87.5 percent']);
  });

  it('expands scales and records the shown precision', () => {
    const [k, m] = extractFigures('12.3k and $1.2M');
    expect(k?.value.toString()).toBe('12300');
    expect(k?.unit.toString()).toBe('100');
    expect(m?.value.toString()).toBe('1200000');
    expect(m?.unit.toString()).toBe('100000');
  });

  it('ignores periods, dates, years, ids, ordinals, list markers and labels', () => {
    const text = [
      'In Q3 and 2026-Q4 (FY2027, H1), as of 2026-11-22 or 11/22/2026, on Nov 22 and 3 March 2026, at 10:30,',
      'rep-ana and rep2 own D-123 and deal_7; she is 3rd, #2 on the board, in tier 2 of stage 4.',
      '1. first item',
      '2) second item',
    ].join('\n');
    expect(texts(text)).toEqual([]);
  });

  it('keeps negative amounts and sentence-final figures', () => {
    expect(texts('A clawback of -$1,200. Then $300.')).toEqual(['$1,200', '$300']);
  });
});

describe('checkGrounding', () => {
  const result = {
    userId: 'rep-ana',
    period: '2026-Q4',
    quota: '150000.00',
    credited: '138000.00',
    attainment: '0.92',
    payout: '12345.60',
    multiplier: 1.5,
    deals: [{ id: 'D-1', name: 'Acme' }, { id: 'D-2', name: 'Globex' }, { id: 'D-3', name: 'Initech' }],
    lines: [{ explanation: '10% on the first 100,000.00; 12.5% above' }],
  };
  const v = values(result);

  it('traces figures to tool values at the shown precision', () => {
    for (const answer of [
      'Your payout is $12,345.60.',
      'Your payout is about $12,346.',
      'Your payout is about 12.3k.',
      'You are at 92% of a $150,000 quota ($138k credited).',
      'You are at 92.0% attainment.',
      'Three deals? yes: 3 deals, 1.5x multiplier, 10% then 12.5%.',
      'Quota 0.15M.',
    ]) {
      expect(checkGrounding(answer, v), answer).toMatchObject({ grounded: true, untraced: [] });
    }
  });

  it('reports every untraced figure', () => {
    const check = checkGrounding('You earned $12,345.60, or $13,000 with the bonus, at 93% attainment and 4 deals.', v);
    expect(check.grounded).toBe(false);
    expect(check.untraced.map((f) => f.text)).toEqual(['$13,000', '93%', '4']);
  });

  it('does not accept a more precise figure than the value supports', () => {
    expect(checkGrounding('Your payout is $12,345.61.', v).grounded).toBe(false);
    expect(checkGrounding('Your payout is $12,340.', v).grounded).toBe(false);
  });

  it('matches percentages against values already in percent', () => {
    expect(checkGrounding('You are at 92%.', values({ attainmentPct: '92.00' })).grounded).toBe(true);
  });

  it('an answer without figures is grounded, even with no tool results', () => {
    expect(checkGrounding('I can’t share that.', new TraceableValues()).grounded).toBe(true);
    expect(checkGrounding('You have 2 deals.', new TraceableValues()).grounded).toBe(false);
  });

  it('collects values from tool messages and user messages, never assistant text', () => {
    const messages = [
      { role: 'user', content: 'What if I close a $40,000 deal?' },
      { role: 'assistant', content: 'Your payout would be $9,999.' },
      { role: 'tool', tool_call_id: 'c1', content: JSON.stringify({ payoutAfter: '5200.00' }) },
    ];
    const mv = valuesFromMessages(messages);
    expect(checkGrounding('A $40k deal would take you to $5,200.', mv).grounded).toBe(true);
    expect(checkGrounding('That is $9,999.', mv).grounded).toBe(false);
  });
});
