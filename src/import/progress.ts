// Progress of a long import: a redrawn bar on a terminal, a plain line every 10% otherwise
// (logs, CI). Written to stderr so stdout stays the summary.

export interface Progress {
  /** A new phase ("validating", "writing"). */
  start(label: string): void;
  update(bytesDone: number, totalBytes: number): void;
  end(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, end() {} };

export function createProgress(out: NodeJS.WriteStream = process.stderr, minBytes = 1 << 20): Progress {
  let label = '';
  let total = 0;
  let lastDraw = 0;
  let lastTenth = -1;
  let active = false;
  const tty = out.isTTY === true;
  return {
    start(l) {
      label = l;
      lastDraw = 0;
      lastTenth = -1;
      active = true;
    },
    update(done, t) {
      total = t;
      if (!active || total < minBytes) return;
      const ratio = Math.min(1, done / total);
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && ratio < 1) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round(ratio * width);
        out.write(`\r${label.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`);
      } else {
        const tenth = Math.floor(ratio * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        out.write(`${label}: ${tenth * 10}% (${(done / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MiB)\n`);
      }
    },
    end() {
      if (active && tty && total >= minBytes) out.write('\n');
      active = false;
    },
  };
}
