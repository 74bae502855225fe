// A synthetic CRM export of any size, for the throughput benchmark and the crash test:
// deterministic (seeded), shaped like a real deals export, in attain's own column names.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type MappingFile, parseMapping } from './mapping.ts';

export const SYNTHETIC_STAGES = ['Discovery', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'] as const;

export const syntheticMapping: MappingFile = parseMapping({
  name: 'synthetic',
  users: { columns: { id: 'id', name: 'name', email: 'email', manager: 'manager', role: 'role' } },
  deals: {
    userMatch: 'id',
    columns: { id: 'id', name: 'name', owner: 'owner', account: 'account', amount: 'amount', currency: 'currency', stage: 'stage', probability: 'probability', created: 'created', closeDate: 'close_date', type: 'type', nextStep: 'next_step' },
    stages: SYNTHETIC_STAGES.map((name) => ({ name, status: name === 'Won' ? 'won' : name === 'Lost' ? 'lost' : 'open' })),
  },
});

/** Users file for `reps` reps under one manager. */
export function syntheticUsersCsv(reps: number): string {
  const lines = ['id,name,email,manager,role', 'mgr,Manny Ager,mgr@synthetic.example,,manager'];
  for (let i = 0; i < reps; i++) lines.push(`rep${i},Rep Number ${i},rep${i}@synthetic.example,mgr,rep`);
  return lines.join('\n') + '\n';
}

/** Writes `rows` deals to `path` (streamed), owners rep0..rep{reps-1}. */
export async function writeSyntheticDeals(path: string, rows: number, reps: number, seed = 42): Promise<void> {
  let state = seed >>> 0;
  const rand = () => {
    // xorshift32: fast, deterministic, good enough for test data.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const out = createWriteStream(path);
  out.write('id,name,owner,account,amount,currency,stage,probability,created,close_date,type,next_step\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const stage = SYNTHETIC_STAGES[Math.floor(rand() * SYNTHETIC_STAGES.length)]!;
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const created = `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const close = `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const dollars = 500 + Math.floor(rand() * 250_000);
    const cents = Math.floor(rand() * 100);
    const amount = `"${dollars.toLocaleString('en-US')}.${String(cents).padStart(2, '0')}"`;
    const prob = stage === 'Won' ? 100 : stage === 'Lost' ? 0 : 10 + Math.floor(rand() * 80);
    buf += `OPP-${i},"Account ${i % 50_000}, deal ${i}",rep${i % reps},Account ${i % 50_000},${amount},USD,${stage},${prob},${created},${close},${rand() < 0.3 ? 'renewal' : 'new'},${rand() < 0.5 ? 'follow up' : ''}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}
