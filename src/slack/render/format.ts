// Text formatting for Slack: figures exactly as the tools return them, only grouped and
// labelled. Money stays a decimal string end to end (no float on the way to the screen).

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: 'CA$', AUD: 'A$', INR: '₹' };

/** "1234567.5" → "1,234,567.5" (digits kept as given; sign kept). */
export function groupDigits(decimal: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(decimal.trim());
  if (!m) return decimal;
  const [, sign, int, frac] = m;
  return `${sign}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ?? ''}`;
}

/** "1234.50", "USD" → "$1,234.50"; "-50.00" → "-$50.00"; unknown currencies → "1,234.50 CHF". */
export function formatMoney(amount: string, currency: string): string {
  const negative = amount.trim().startsWith('-');
  const digits = groupDigits(negative ? amount.trim().slice(1) : amount.trim());
  const symbol = SYMBOLS[currency];
  if (symbol) return `${negative ? '-' : ''}${symbol}${digits}`;
  return `${negative ? '-' : ''}${digits} ${currency}`;
}

/** A change: "+$1,200.00" / "-$40.00" / "$0.00". */
export function formatDelta(amount: string, currency: string): string {
  const trimmed = amount.trim();
  const zero = /^-?0+(\.0+)?$/.test(trimmed);
  return zero || trimmed.startsWith('-') ? formatMoney(zero ? trimmed.replace('-', '') : trimmed, currency) : `+${formatMoney(trimmed, currency)}`;
}

/** "0.9250" → "92.5%", "1.0000" → "100%"; null → "n/a". Exact: shifts the decimal point on the string. */
export function formatPct(ratio: string | null): string {
  if (ratio === null) return 'n/a';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(ratio.trim());
  if (!m) return ratio;
  const [, sign, int, frac = ''] = m;
  const padded = frac.padEnd(2, '0');
  const whole = `${int}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = padded.slice(2).replace(/0+$/, '');
  return `${sign}${whole}${rest ? `.${rest}` : ''}%`;
}

/** Escapes text for mrkdwn (`&`, `<`, `>`), so names and model prose cannot ping or link. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function humanize(snake: string): string {
  const s = snake.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** True for "0", "0.00", "-0.0": a decimal string equal to zero (no float involved). */
export function isZeroDecimal(decimal: string): boolean {
  return /^[-+]?0*(\.0*)?$/.test(decimal.trim()) && /\d/.test(decimal);
}
