import type { EventBulk, RxStorageChangeEvent, RxDocumentData, RxStorageDefaultCheckpoint } from 'rxdb';

export type ChangeBulk = EventBulk<RxStorageChangeEvent<RxDocumentData<unknown>>, RxStorageDefaultCheckpoint>;
type Listener = (bulk: ChangeBulk) => void;

/**
 * Carries change events between storage instances that share one SQLite file in this process.
 * Two RxDatabases (e.g. the core and an IPC-exposed one) open separate instances of the same
 * collection; without this, a live query on one would never see writes made through the other.
 * Only instances of the same database, collection and schema version hear each other.
 */
export class ChangeHub {
  readonly #listeners = new Map<string, Set<Listener>>();

  subscribe(key: string, listener: Listener): () => void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
    };
  }

  /** Delivers to every listener of `key` except the sender, which emits its own events itself. */
  publish(key: string, sender: Listener, bulk: ChangeBulk): void {
    const set = this.#listeners.get(key);
    if (!set) return;
    for (const listener of [...set]) {
      if (listener !== sender) listener(bulk);
    }
  }
}
