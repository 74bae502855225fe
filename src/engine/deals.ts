// Pipeline domain types: deals, their history and activities, and the org's stage
// vocabulary. Pure data; the store maps rows to these.
import type { Dec } from './money.ts';
import type { LocalDate } from './periods.ts';

export type DealStatus = 'open' | 'won' | 'lost';

export interface Stage {
  name: string;
  /** Position in the pipeline, 1 = earliest. Won/lost stages come after every open one. */
  order: number;
  status: DealStatus;
}

export interface Deal {
  id: string;
  name: string;
  ownerId: string;
  account: string;
  amount: Dec;
  currency: string;
  stage: string;
  status: DealStatus;
  /** Win probability 0..1 as recorded in the CRM; null when not set. */
  probability: Dec | null;
  createdAt: LocalDate;
  /** Expected close date while open; the actual won/lost date once closed. */
  closeDate: LocalDate | null;
  /** Date the deal was won or lost; null while open. */
  closedAt: LocalDate | null;
  dealType: string | null;
  termMonths: number | null;
  nextStep: string | null;
  lastActivityAt: LocalDate | null;
}

export type DealField = 'stage' | 'amount' | 'closeDate' | 'status' | 'probability' | 'owner' | 'nextStep';

/** One recorded change of a deal (from CRM history or from the difference of two imports). */
export interface DealChange {
  dealId: string;
  /** When the change was observed: ISO 8601 date or date-time (UTC). */
  at: string;
  field: DealField;
  from: string | null;
  to: string | null;
}

export type ActivityKind = 'call' | 'email' | 'meeting' | 'note' | 'task';

export interface Activity {
  id: string;
  dealId: string | null;
  userId: string;
  kind: ActivityKind;
  at: LocalDate;
  subject: string;
}
