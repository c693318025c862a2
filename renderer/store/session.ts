import { useSyncExternalStore } from 'react';
import { ApiClient, ApiError } from '../../shared/api/client.ts';
import type { Transport, Welcome } from '../../shared/api/client.ts';
import type { MethodName, ParamsIn, Result } from '../../shared/api/methods.ts';
import type { PublicUser } from '../../shared/domain/user.ts';
import { SiteStore } from './site-store.ts';

export const TOKEN_KEY = 'truss.token';
const SNAPSHOT_GRACE_MS = 3000;

export type Phase = 'connecting' | 'setup' | 'login' | 'app';

export type SessionState = {
  phase: Phase;
  connected: boolean;
  user: PublicUser | null;
  /** why the user landed on the login page, if not by choice */
  notice: string | null;
};

type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Who is signed in and whether the pipe is up. It owns the API client: every call goes through
 * call() so an 'unauthenticated' answer anywhere drops the UI back to login.
 */
export class Session {
  readonly client: ApiClient;
  /** events are applied in 100 ms batches: live enough, and one render per burst */
  readonly site = new SiteStore(100);
  #storage: TokenStorage;
  #state: SessionState = { phase: 'connecting', connected: true, user: null, notice: null };
  #listeners = new Set<() => void>();

  constructor(transport: Transport, storage: TokenStorage) {
    this.#storage = storage;
    this.client = new ApiClient(transport);
    this.client.onWelcome((w) => void this.#onWelcome(w));
    this.client.onSnapshot((s) => this.site.replace(s));
    this.client.onEvent((e) => this.site.push(e));
    this.client.onConnection((connected) => this.#patch({ connected }));
    this.client.hello(this.#readToken());
  }

  get = (): SessionState => this.#state;

  subscribe = (cb: () => void): (() => void) => {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  };

  async call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>> {
    try {
      return await this.client.call(method, params);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthenticated' && this.#state.phase === 'app') {
        this.#signOutLocally('Your session has ended. Please sign in again.');
      }
      throw e;
    }
  }

  async setup(username: string, password: string, code: string): Promise<void> {
    const { token, user } = await this.client.call('auth.setup', { username, password, code });
    this.#signIn(token, user);
  }

  async login(username: string, password: string): Promise<void> {
    const { token, user } = await this.client.call('auth.login', { username, password });
    this.#signIn(token, user);
  }

  async logout(): Promise<void> {
    try {
      await this.client.call('auth.logout', {});
    } catch {
      // The token is dropped locally whatever the server says: logging out must always work.
    }
    this.#signOutLocally(null);
  }

  #signIn(token: string, user: PublicUser): void {
    this.#writeToken(token);
    this.#patch({ user, notice: null });
    this.client.hello(token);
  }

  #signOutLocally(notice: string | null): void {
    this.#writeToken(null);
    this.site.clear();
    this.#patch({ phase: 'login', user: null, notice });
    this.client.hello(null);
  }

  async #onWelcome(w: Welcome): Promise<void> {
    if (w.needsSetup) {
      this.#patch({ phase: 'setup', user: null });
      return;
    }
    if (!w.authenticated) {
      const hadToken = this.#readToken() !== null;
      if (hadToken) this.#writeToken(null);
      this.site.clear();
      this.#patch({
        phase: 'login',
        user: null,
        notice: hadToken ? 'Your session has ended. Please sign in again.' : this.#state.notice,
      });
      return;
    }
    try {
      const user = await this.client.call('auth.me', {});
      this.#patch({ phase: 'app', user });
      if (!this.site.get().loaded) setTimeout(() => void this.#fetchSnapshotIfMissing(), SNAPSHOT_GRACE_MS);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthenticated') this.#signOutLocally(null);
      // otherwise the connection dropped; the next welcome retries
    }
  }

  /** The server pushes a snapshot after an authenticated welcome; this only covers one that got lost. */
  async #fetchSnapshotIfMissing(): Promise<void> {
    if (this.#state.phase !== 'app' || this.site.get().loaded || !this.client.connected) return;
    try {
      const snapshot = await this.client.call('site.snapshot', {});
      if (!this.site.get().loaded) this.site.replace(snapshot);
    } catch {
      // the next welcome (after a reconnect) brings a snapshot anyway
    }
  }

  #readToken(): string | null {
    try {
      return this.#storage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

  #writeToken(token: string | null): void {
    try {
      if (token === null) this.#storage.removeItem(TOKEN_KEY);
      else this.#storage.setItem(TOKEN_KEY, token);
    } catch {
      // storage may be disabled; the session then lasts for this page only
    }
  }

  #patch(p: Partial<SessionState>): void {
    this.#state = { ...this.#state, ...p };
    for (const cb of [...this.#listeners]) cb();
  }
}

export function useSession(session: Session): SessionState {
  return useSyncExternalStore(session.subscribe, session.get);
}
