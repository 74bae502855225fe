// `attain token create|revoke|list`: bearer tokens for `attain mcp --http`. The secret is
// printed once, alone on stdout (so `TOKEN=$(attain token create --user ID)` works); the
// database keeps only its sha256.
import { parseArgs } from 'node:util';
import { issueToken } from '../mcp/tokens.ts';
import type { ApiToken } from '../store/types.ts';
import { CliError } from './io.ts';
import { openExistingStore } from './open-store.ts';

export const tokenUsage =
  'attain token create --user ID [--label L] | token revoke TOKEN_ID | token list [--user ID] [--json]   [--db PATH]   bearer tokens for `attain mcp --http`';

export function runToken(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { user: { type: 'string' }, label: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nusage: ${tokenUsage}`, 2);
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  const usage = (line: string) => new CliError(`usage: ${line}`, 2);

  switch (action) {
    case 'create': {
      if (!values.user || rest.length > 0) throw usage('attain token create --user ID [--label L] [--db PATH]');
      const store = openExistingStore(values.db, env);
      try {
        const user = store.getUser(values.user);
        if (!user) throw new CliError(`no user with id "${values.user}" in this database`);
        const { token, secret } = issueToken(store, user.id, values.label ?? '', new Date().toISOString());
        process.stderr.write(
          `created ${token.id} for ${user.id} (${user.name}, ${user.role})${token.label ? ` labelled "${token.label}"` : ''}.\n` +
            'The secret below is shown only this once; use it as `Authorization: Bearer <secret>`.\n',
        );
        return secret;
      } finally {
        store.close();
      }
    }
    case 'revoke': {
      const id = rest[0];
      if (!id || rest.length > 1 || values.user || values.label) throw usage('attain token revoke TOKEN_ID [--db PATH]');
      const store = openExistingStore(values.db, env);
      try {
        const existing = store.listTokens().find((t) => t.id === id);
        if (!existing) throw new CliError(`no token with id "${id}" (\`attain token list\` shows them)`);
        if (existing.revokedAt) return `${id} was already revoked at ${existing.revokedAt}`;
        const at = new Date().toISOString();
        if (!store.revokeToken(id, at)) throw new CliError(`could not revoke "${id}"`);
        return `revoked ${id} (user ${existing.userId}) at ${at}`;
      } finally {
        store.close();
      }
    }
    case 'list': {
      if (rest.length > 0 || values.label) throw usage('attain token list [--user ID] [--json] [--db PATH]');
      const store = openExistingStore(values.db, env);
      try {
        // Never the hash: it is not secret in itself, but nobody needs it.
        const rows = store.listTokens(values.user).map((t: ApiToken) => ({ id: t.id, userId: t.userId, label: t.label, createdAt: t.createdAt, revokedAt: t.revokedAt }));
        if (values.json) return JSON.stringify(rows, null, 2);
        if (rows.length === 0) return values.user ? `no tokens for ${values.user}` : 'no tokens';
        return rows.map((r) => `${r.id}  ${r.userId}  ${r.revokedAt ? `revoked ${r.revokedAt}` : 'active'}  created ${r.createdAt}${r.label ? `  "${r.label}"` : ''}`).join('\n');
      } finally {
        store.close();
      }
    }
    default:
      throw usage(tokenUsage);
  }
}
