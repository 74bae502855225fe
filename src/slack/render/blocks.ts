// Small Block Kit builders with Slack's limits applied (section text 3,000 chars, 10
// fields of 2,000, header 150, markdown block 12,000, 50 blocks per message).
import type { types } from '@slack/bolt';
import { esc } from './format.ts';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type TableBlock = types.TableBlock;

export type Blocks = KnownBlock[];

/** What every reply is: blocks plus the plain-text fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: Blocks;
}

export const MAX_BLOCKS = 50;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, 150), emoji: true } };
}

export function mrkdwn(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, 3000) } };
}

/** Label/value pairs as a two-column section (at most 10 fields per section; split beyond). */
export function fields(pairs: readonly (readonly [string, string])[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += 10) {
    out.push({
      type: 'section',
      fields: pairs.slice(i, i + 10).map(([label, value]) => ({ type: 'mrkdwn' as const, text: cut(`*${esc(label)}*\n${esc(value)}`, 2000) })),
    });
  }
  return out;
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(text, 3000) }] };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

/** Standard Markdown (for the model's prose); Slack renders it, we do not re-parse it. */
export function markdown(text: string): KnownBlock {
  return { type: 'markdown', text: cut(text, 12000) };
}

/** A plain table: first row is the header. Slack allows one table per message, 100 rows, 20 columns. */
export function table(rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[] = []): TableBlock {
  return {
    type: 'table',
    column_settings: align.map((a) => ({ align: a })),
    rows: rows.slice(0, 100).map((row) => row.slice(0, 20).map((cell) => ({ type: 'raw_text' as const, text: cell === '' ? ' ' : cell }))),
  };
}

/** Keeps a message under Slack's block limit, saying so when something was left out. */
export function capBlocks(blocks: Blocks): Blocks {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [...blocks.slice(0, MAX_BLOCKS - 1), context(`…${blocks.length - MAX_BLOCKS + 1} more blocks left out; ask in a narrower way.`)];
}

/** Only the first table survives (Slack rejects a message with two). */
export function oneTable(blocks: Blocks): Blocks {
  let seen = false;
  return blocks.filter((b) => {
    if (b.type !== 'table') return true;
    if (seen) return false;
    seen = true;
    return true;
  });
}

/**
 * Surfaces without table support (the Home tab) get each table as aligned text lines in a
 * section instead; the first row is the header.
 */
export function tablesAsText(blocks: Blocks): Blocks {
  return blocks.map((b) => {
    if (b.type !== 'table') return b;
    const rows = (b as TableBlock).rows.map((row) => row.map((cell) => ('text' in cell ? String(cell.text).trim() : '')));
    const [head, ...body] = rows;
    const lines = body.map((r) => `• ${r.filter(Boolean).map((c, i) => (i === 0 ? `*${esc(c)}*` : esc(c))).join(' · ')}`);
    return mrkdwn(`${head ? `_${head.map(esc).join(' · ')}_\n` : ''}${lines.join('\n')}`);
  });
}
