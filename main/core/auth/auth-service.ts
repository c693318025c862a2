import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PublicUser, Role } from '../../../shared/domain/user.ts';
import { CoreError } from '../errors.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';
import { LoginThrottle } from './login-throttle.ts';
import { burnVerification, hashPassword, verifyPassword } from './password.ts';
import { SetupCode } from './setup-code.ts';

interface UserDoc extends PublicUser {
  passwordHash: string;
}

interface SessionDoc {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface Session {
  /** the hash of the token: the token itself is never stored */
  id: string;
  user: PublicUser;
  expiresAt: number;
}

const SESSION_TTL_MS = 30 * 24 * 3600_000;

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function toPublic(doc: UserDoc): PublicUser {
  return { id: doc.id, username: doc.username, role: doc.role, createdAt: doc.createdAt };
}

/**
 * Local users, sessions and roles. Tokens are random 256-bit values handed to the client once;
 * only their SHA-256 is stored, so a copied database holds no usable session.
 */
export class AuthService {
  readonly #db: TrussDatabase;
  readonly #now: () => number;
  readonly #throttle: LoginThrottle;
  readonly #sessions = new Map<string, Session>();
  /** serialises first-run setup so two racing browsers cannot both become admin */
  #setupLock: Promise<unknown> = Promise.resolve();
  readonly #setupCode: SetupCode;

  constructor(db: TrussDatabase, opts: { dataDir: string; now?: () => number }) {
    this.#db = db;
    this.#now = opts.now ?? Date.now;
    this.#throttle = new LoginThrottle({ now: this.#now });
    this.#setupCode = new SetupCode(opts.dataDir);
  }

  /**
   * The one-time code first-run setup asks for, while the site has no user (null after). Hosts
   * show it: headless prints it on the console, the desktop shell shows it in its window.
   */
  setupCode(): string | null {
    return this.#setupCode.current();
  }

  async load(): Promise<void> {
    if (await this.needsSetup()) this.#setupCode.issue();
    else this.#setupCode.retire();
    const now = this.#now();
    const users = new Map((await this.#users()).map((u) => [u.id, u]));
    for (const doc of await this.#db.sessions.find().exec()) {
      const s = plain<SessionDoc>(doc);
      const user = users.get(s.userId);
      if (!user || s.expiresAt <= now) await doc.remove();
      else this.#sessions.set(s.id, { id: s.id, user: toPublic(user), expiresAt: s.expiresAt });
    }
  }

  async #users(): Promise<UserDoc[]> {
    return (await this.#db.users.find().exec()).map((d) => plain<UserDoc>(d));
  }

  async needsSetup(): Promise<boolean> {
    return (await this.#db.users.count().exec()) === 0;
  }

  async setup(
    username: string,
    password: string,
    code: string,
    source = 'local',
  ): Promise<{ token: string; user: PublicUser }> {
    const run = this.#setupLock.then(async () => {
      if (!(await this.needsSetup()))
        throw new CoreError('conflict', 'Truss is already set up: log in instead.');
      // The code is short enough to type, so guessing it is throttled like a password.
      const wait = this.#throttle.retryAfter('(setup)', source);
      if (wait > 0)
        throw new CoreError(
          'rate_limited',
          `Too many wrong codes: try again in ${Math.ceil(wait / 1000)} s.`,
        );
      if (!this.#setupCode.matches(code)) {
        this.#throttle.fail('(setup)', source);
        throw new CoreError(
          'forbidden',
          'Wrong setup code: use the one-time code Truss printed on its console (also in setup-code.txt in its data folder).',
          [{ path: 'code', message: 'wrong setup code' }],
        );
      }
      const user = await this.#insertUser(username, password, 'admin');
      this.#setupCode.retire();
      return this.#openSession(user);
    });
    this.#setupLock = run.catch(() => undefined);
    return run;
  }

  async login(
    username: string,
    password: string,
    source = 'local',
  ): Promise<{ token: string; user: PublicUser }> {
    const wait = this.#throttle.retryAfter(username, source);
    if (wait > 0) {
      throw new CoreError(
        'rate_limited',
        `Too many failed attempts: try again in ${Math.ceil(wait / 1000)} s.`,
      );
    }
    const doc = await this.#db.users.findOne({ selector: { username } }).exec();
    const user = doc ? plain<UserDoc>(doc) : null;
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : (await burnVerification(password), false);
    if (!user || !ok) {
      this.#throttle.fail(username, source);
      throw new CoreError('unauthenticated', 'Wrong username or password.');
    }
    this.#throttle.succeed(username, source);
    return this.#openSession(toPublic(user));
  }

  async logout(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
    await (await this.#db.sessions.findOne(sessionId).exec())?.remove();
  }

  /** The session a token opens, or null. Expired sessions are dropped on sight. */
  authenticate(token: string | null | undefined): Session | null {
    if (!token || token.length > 512) return null;
    const id = tokenId(token);
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.#now()) {
      void this.logout(id);
      return null;
    }
    return session;
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await this.#users()).map(toPublic).sort((a, b) => a.createdAt - b.createdAt);
  }

  async createUser(username: string, password: string, role: Role): Promise<PublicUser> {
    return this.#insertUser(username, password, role);
  }

  async setRole(userId: string, role: Role): Promise<PublicUser> {
    const doc = await this.#db.users.findOne(userId).exec();
    if (!doc) throw new CoreError('not_found', 'No such user.');
    const user = plain<UserDoc>(doc);
    if (user.role === 'admin' && role !== 'admin') await this.#assertAnotherAdmin(userId);
    await doc.incrementalPatch({ role });
    const updated = { ...toPublic(user), role };
    for (const s of this.#sessions.values()) if (s.user.id === userId) s.user = updated;
    return updated;
  }

  async deleteUser(userId: string, actingUserId: string): Promise<void> {
    if (userId === actingUserId) throw new CoreError('conflict', 'You cannot delete your own account.');
    const doc = await this.#db.users.findOne(userId).exec();
    if (!doc) throw new CoreError('not_found', 'No such user.');
    if (plain<UserDoc>(doc).role === 'admin') await this.#assertAnotherAdmin(userId);
    await doc.remove();
    await this.#revokeSessions(userId);
  }

  async changePassword(session: Session, currentPassword: string, newPassword: string): Promise<void> {
    const doc = await this.#db.users.findOne(session.user.id).exec();
    if (!doc) throw new CoreError('not_found', 'No such user.');
    if (!(await verifyPassword(currentPassword, plain<UserDoc>(doc).passwordHash))) {
      throw new CoreError('bad_request', 'The current password is wrong.', [
        { path: 'currentPassword', message: 'wrong password' },
      ]);
    }
    await doc.incrementalPatch({ passwordHash: await hashPassword(newPassword) });
    // Other sessions may belong to whoever knew the old password.
    await this.#revokeSessions(session.user.id, session.id);
  }

  async purgeExpired(): Promise<number> {
    const now = this.#now();
    let removed = 0;
    for (const [id, s] of this.#sessions) {
      if (s.expiresAt <= now) {
        await this.logout(id);
        removed++;
      }
    }
    return removed;
  }

  async #assertAnotherAdmin(exceptUserId: string): Promise<void> {
    const admins = (await this.#users()).filter((u) => u.role === 'admin' && u.id !== exceptUserId);
    if (admins.length === 0) throw new CoreError('conflict', 'The site must keep at least one admin.');
  }

  async #insertUser(username: string, password: string, role: Role): Promise<PublicUser> {
    const taken = await this.#db.users.findOne({ selector: { username } }).exec();
    if (taken)
      throw new CoreError('conflict', `The username "${username}" is taken.`, [
        { path: 'username', message: 'taken' },
      ]);
    const user: UserDoc = {
      id: `usr_${randomUUID()}`,
      username,
      role,
      createdAt: this.#now(),
      passwordHash: await hashPassword(password),
    };
    await this.#db.users.insert(user);
    return toPublic(user);
  }

  async #openSession(user: PublicUser): Promise<{ token: string; user: PublicUser }> {
    const token = randomBytes(32).toString('base64url');
    const id = tokenId(token);
    const now = this.#now();
    const doc: SessionDoc = { id, userId: user.id, createdAt: now, expiresAt: now + SESSION_TTL_MS };
    await this.#db.sessions.insert(doc);
    this.#sessions.set(id, { id, user, expiresAt: doc.expiresAt });
    return { token, user };
  }

  async #revokeSessions(userId: string, keepSessionId?: string): Promise<void> {
    for (const [id, s] of [...this.#sessions]) {
      if (s.user.id === userId && id !== keepSessionId) await this.logout(id);
    }
  }
}
