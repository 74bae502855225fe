// Bearer tokens for MCP over HTTP. A token is a random secret shown once at creation; the
// store keeps only its sha256, so a leaked database does not leak usable tokens. Lookups go
// by hash, which also means the secret is never compared byte by byte.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken, Store, User } from '../store/types.ts';

/** Prefix that makes an attain secret recognizable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'attain_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface CreatedToken {
  token: ApiToken;
  /** The only time the secret exists outside the caller's hands. */
  secret: string;
}

/** Creates and stores a token for an existing user (the caller checks the user exists). */
export function issueToken(store: Store, userId: string, label: string, now: string): CreatedToken {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const token: ApiToken = {
    id: 'tok_' + randomBytes(6).toString('hex'),
    userId,
    label,
    hash: hashToken(secret),
    createdAt: now,
    revokedAt: null,
  };
  store.createToken(token);
  return { token, secret };
}

/**
 * The user an `Authorization` header authenticates, or undefined for a missing, malformed,
 * unknown or revoked token, or one whose user no longer exists. Callers must not tell
 * these cases apart in what they answer.
 */
export function authenticateBearer(store: Store, authorization: string | undefined): { user: User; tokenId: string } | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const token = store.findTokenByHash(hashToken(match[1]));
  if (!token || token.revokedAt !== null) return undefined;
  const user = store.getUser(token.userId);
  return user ? { user, tokenId: token.id } : undefined;
}
