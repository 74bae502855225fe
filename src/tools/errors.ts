// Expected failures of a tool call: one error class with a closed set of codes. Adapters
// map it once (MCP → isError result, agent → a tool message, Slack → a friendly line).
// Bugs are not AttainErrors: they throw as themselves.

export type ErrorCode =
  | 'FORBIDDEN'
  | 'INVALID_INPUT'
  | 'USER_NOT_FOUND'
  | 'DEAL_NOT_FOUND'
  | 'PLAN_NOT_FOUND'
  | 'NO_ACTIVE_PLAN'
  | 'NO_QUOTA'
  | 'PERIOD_INVALID'
  | 'PLAN_INVALID'
  | 'CONFLICT';

export interface ErrorIssue {
  path: string;
  message: string;
}

export class AttainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly ErrorIssue[] = [],
  ) {
    super(message);
    this.name = 'AttainError';
  }
}

/**
 * The one message FORBIDDEN ever carries: it must not reveal whether the other user or
 * deal exists, nor anything about it.
 */
export const FORBIDDEN_MESSAGE = 'Not allowed: you can only see your own numbers, or your team’s if you manage one.';

export function forbidden(): AttainError {
  return new AttainError('FORBIDDEN', FORBIDDEN_MESSAGE);
}
