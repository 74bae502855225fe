// Finding a user from what an export writes in a user cell: an id, an email or a full name.
import type Database from 'better-sqlite3';
import type { Parsed } from './parse-text.ts';

export type UserMatch = 'auto' | 'id' | 'email' | 'name';

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

const normName = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export class UserIndex {
  private readonly byId = new Map<string, UserRef>();
  private readonly byEmail = new Map<string, UserRef>();
  private readonly byName = new Map<string, UserRef[]>();
  private readonly cache = new Map<string, Parsed<string>>();

  constructor(users: Iterable<UserRef>) {
    for (const u of users) this.add(u);
  }

  static fromDb(sqlite: Database.Database): UserIndex {
    return new UserIndex(sqlite.prepare('SELECT id, name, email FROM users').all() as UserRef[]);
  }

  add(u: UserRef): void {
    this.byId.set(u.id, u);
    this.byEmail.set(u.email.trim().toLowerCase(), u);
    const key = normName(u.name);
    const list = this.byName.get(key);
    if (list) list.push(u);
    else this.byName.set(key, [u]);
    this.cache.clear();
  }

  /** The id of the user `text` names, or why none. Memoised: owners repeat across rows. */
  resolve(text: string, match: UserMatch): Parsed<string> {
    const key = `${match}\u0000${text}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.lookup(text.trim(), match);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private lookup(s: string, match: UserMatch): Parsed<string> {
    if (s === '') return { ok: false, message: 'is empty' };
    if (match === 'id' || match === 'auto') {
      const u = this.byId.get(s);
      if (u) return { ok: true, value: u.id };
    }
    if (match === 'email' || match === 'auto') {
      const u = this.byEmail.get(s.toLowerCase());
      if (u) return { ok: true, value: u.id };
    }
    if (match === 'name' || match === 'auto') {
      const list = this.byName.get(normName(s)) ?? [];
      if (list.length === 1) return { ok: true, value: list[0]!.id };
      if (list.length > 1) return { ok: false, message: `"${s}" names ${list.length} users (${list.map((u) => u.id).join(', ')}); use ids or emails` };
    }
    const by = match === 'auto' ? 'id, email or name' : match;
    return { ok: false, message: `unknown user "${s}" (no user with that ${by}; import users first)` };
  }
}
