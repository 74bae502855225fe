// The grounding check: every figure in an answer must be traceable to a value the tools
// returned in this conversation (or that the user wrote). The instructions ask the model
// for this; this module is what actually enforces it.
//
// Rules (docs/agent.md lists them with their known limits):
// - A figure is a money amount ("$12,345.60", "12.3k", "$1.2M", "EUR 900", "1.2 million"),
//   a percentage ("92%", "92.5 percent"), a multiple ("1.5x") or a plain number/count.
// - Not figures: period ids (Q3, H1, FY2027, 2026-Q4, 2026-03), dates (2026-11-22,
//   11/22/2026, Nov 22), years 1900–2099 written bare, times (10:30), ids glued to
//   letters or hyphens (rep-ana, D-123, deal_7), ordinals (3rd), markdown list markers
//   ("1. "), ranks (#2) and labels (tier 2, stage 3).
// - A figure matches a value when the value, rounded to the figure's shown precision,
//   equals it (|value − figure| ≤ half a unit of the last shown digit; "12.3k" has a unit
//   of 100). A percentage matches a ratio (0.92 → "92%") or a value already in percent
//   ("92.00" → "92%"). Signs are ignored: "a clawback of $1,200" may stand for -1200.
// - Traceable values: every number and decimal string in the tool results, figures inside
//   tool result strings (explanations), array lengths (counts), and figures the user wrote.
import { Dec } from '../engine/money.ts';

export type FigureKind = 'money' | 'percent' | 'multiple' | 'number';

export interface Figure {
  /** The figure as written in the answer, e.g. "$12.3k". */
  text: string;
  kind: FigureKind;
  /** Absolute value, expanded ("12.3k" → 12300). */
  value: Dec;
  /** One unit of the last shown digit, expanded ("12.3k" → 100, "92%" → 1). */
  unit: Dec;
  /** Character offset in the answer. */
  index: number;
}

const CURRENCY_CODES = 'USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|SEK|NOK|DKK|INR|SGD|HKD|BRL|MXN|ZAR';
const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december';
const LABEL_WORDS = new Set(['tier', 'tiers', 'level', 'stage', 'step', 'phase', 'version', 'rank', 'line', 'option', 'no', 'number', 'week', 'day', 'month', 'quarter', 'year', 'page', 'item']);

// cur: a symbol or code before the number; num: the number; after: a scale, percent or multiple.
const FIGURE_RE = new RegExp(
  String.raw`(?<cur>[$€£¥]\s?|\b(?:${CURRENCY_CODES})\s)?` +
    String.raw`(?<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)` +
    String.raw`(?<after>\s?(?:%|percent\b|per\s?cent\b|pct\b)|(?:k|K|mn|m|M|bn|B)\b|\s(?:thousand|million|billion)\b|[x×](?![A-Za-z0-9])|\s(?:${CURRENCY_CODES})\b)?`,
  'g',
);

const SCALE: Record<string, number> = { k: 3, K: 3, thousand: 3, m: 6, M: 6, mn: 6, million: 6, B: 9, bn: 9, billion: 9 };

const isAlnum = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/** Extracts the figures of `text` (money, percentages, multiples, counts) in order. */
export function extractFigures(text: string): Figure[] {
  const figures: Figure[] = [];
  for (const m of text.matchAll(FIGURE_RE)) {
    const groups = m.groups as { cur?: string; num: string; after?: string };
    const start = m.index;
    const end = start + m[0].length;
    const before = text[start - 1];
    const before2 = text[start - 2];
    const after = text[end];
    const after2 = text[end + 1];
    const afterTrim = groups.after?.trim();

    // Glued to letters or digits: ids (D123, rep2), periods (Q3, FY2027), ordinals (3rd).
    if (isAlnum(before) && !groups.cur) continue;
    if (isAlnum(after) && !afterTrim) continue;
    // Joined by - / : . to another alphanumeric token: ids (D-123), dates, periods (2026-Q4), times, versions.
    if (before !== undefined && '-/:._'.includes(before) && isAlnum(before2)) continue;
    if (after !== undefined && '-/:_'.includes(after) && isAlnum(after2) && !afterTrim) continue;
    if (after === '.' && /\d/.test(after2 ?? '')) continue;
    if (before === '#') continue;
    // Markdown list markers: "1. " or "2) " at the start of a line.
    if (!groups.cur && !afterTrim && /(^|\n)[ \t]*$/.test(text.slice(0, start)) && /^[.)][ \t]/.test(text.slice(end, end + 2))) continue;

    const plain = groups.num.replace(/,/g, '');
    const noUnit = !groups.cur && !afterTrim && !groups.num.includes(',') && !plain.includes('.');
    // Bare years and dates next to a month name.
    if (noUnit && plain.length === 4 && Number(plain) >= 1900 && Number(plain) <= 2099) continue;
    const wordBefore = /([A-Za-z]+)\.?,?\s+$/.exec(text.slice(Math.max(0, start - 20), start))?.[1]?.toLowerCase();
    const wordAfter = /^\s+([A-Za-z]+)/.exec(text.slice(end, end + 20))?.[1]?.toLowerCase();
    if (noUnit && ((wordBefore && new RegExp(`^(${MONTHS})$`).test(wordBefore)) || (wordAfter && new RegExp(`^(${MONTHS})$`).test(wordAfter)))) continue;
    if (noUnit && wordBefore && LABEL_WORDS.has(wordBefore)) continue;

    const decimals = plain.includes('.') ? plain.length - plain.indexOf('.') - 1 : 0;
    let value = new Dec(plain);
    let unit = new Dec(1).div(new Dec(10).pow(decimals));
    let kind: FigureKind = groups.cur ? 'money' : 'number';
    if (afterTrim) {
      const scale = SCALE[afterTrim];
      if (scale !== undefined) {
        value = value.mul(new Dec(10).pow(scale));
        unit = unit.mul(new Dec(10).pow(scale));
        kind = 'money';
      } else if (/^(%|percent|per\s?cent|pct)$/.test(afterTrim)) {
        kind = 'percent';
      } else if (afterTrim === 'x' || afterTrim === '×') {
        kind = 'multiple';
      } else {
        kind = 'money'; // trailing currency code
      }
    }
    figures.push({ text: text.slice(start, end).trim(), kind, value, unit, index: start });
  }
  return figures;
}

/** The numeric values a conversation makes traceable. */
export class TraceableValues {
  private readonly values: Dec[] = [];
  private readonly seen = new Set<string>();

  add(value: Dec): void {
    const abs = value.abs();
    const key = abs.toString();
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.values.push(abs);
  }

  /** Adds every number in a tool result: numbers, decimal strings, figures in text, array lengths. */
  addToolResult(result: unknown): void {
    walk(result, this);
  }

  /** Adds the figures written in free text (the user's own message). */
  addText(text: string): void {
    for (const f of extractFigures(text)) this.add(f.value);
  }

  get size(): number {
    return this.values.length;
  }

  /** True when some value, rounded to the figure's shown precision, equals the figure. */
  traces(figure: Figure): boolean {
    const tolerance = figure.unit.div(2);
    const near = (v: Dec) => v.minus(figure.value).abs().lte(tolerance);
    return this.values.some((v) => near(v) || (figure.kind === 'percent' && near(v.mul(100))));
  }
}

const DECIMAL_STRING = /^-?\d+(\.\d+)?$/;

function walk(value: unknown, into: TraceableValues): void {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) into.add(new Dec(String(value)));
  } else if (typeof value === 'string') {
    if (DECIMAL_STRING.test(value)) into.add(new Dec(value));
    else into.addText(value);
  } else if (Array.isArray(value)) {
    into.add(new Dec(value.length));
    for (const item of value) walk(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) walk(item, into);
  }
}

export interface GroundingResult {
  grounded: boolean;
  figures: Figure[];
  untraced: Figure[];
}

/** Checks every figure of `answer` against `values`. */
export function checkGrounding(answer: string, values: TraceableValues): GroundingResult {
  const figures = extractFigures(answer);
  const untraced = figures.filter((f) => !values.traces(f));
  return { grounded: untraced.length === 0, figures, untraced };
}

/**
 * Traceable values of a Chat Completions transcript: the parsed content of every tool
 * message and the figures of every user message. Assistant text never counts.
 */
export function valuesFromMessages(messages: readonly unknown[]): TraceableValues {
  const values = new TraceableValues();
  for (const raw of messages) {
    const message = raw as { role?: string; content?: unknown };
    if (message.role === 'tool') {
      const content = typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? null);
      let parsed: unknown = content;
      try {
        parsed = JSON.parse(content);
      } catch {
        // Plain-text tool output: its figures still count.
      }
      values.addToolResult(parsed);
    } else if (message.role === 'user') {
      if (typeof message.content === 'string') values.addText(message.content);
      else if (Array.isArray(message.content)) {
        for (const part of message.content) if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') values.addText((part as { text: string }).text);
      }
    }
  }
  return values;
}
