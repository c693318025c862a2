import { DatabaseSync } from 'node:sqlite';
import { EntityState } from '../../../shared/domain/entity.ts';

/**
 * Each entity's latest state, kept in a table of the database file so a restart shows the last
 * known values (switch positions and modes too, which history, being numeric, does not hold).
 * Changes are written in one transaction per flush: a busy site changes thousands of states a
 * second, and only the latest of each matters.
 */
export class LatestStates {
  readonly #db: DatabaseSync;
  readonly #upsert;
  readonly #delete;
  readonly #dirty = new Map<string, EntityState | null>();
  /** rows that no longer parse (a damaged or older format): skipped at load, counted */
  skipped = 0;

  constructor(file: string) {
    this.#db = new DatabaseSync(file);
    this.#db.exec(`PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS latest_states (entity_id TEXT PRIMARY KEY, state TEXT NOT NULL);`);
    this.#upsert = this.#db.prepare('INSERT OR REPLACE INTO latest_states (entity_id, state) VALUES (?, ?)');
    this.#delete = this.#db.prepare('DELETE FROM latest_states WHERE entity_id = ?');
  }

  load(): Map<string, EntityState> {
    const out = new Map<string, EntityState>();
    const rows = this.#db.prepare('SELECT entity_id, state FROM latest_states').all() as {
      entity_id: string;
      state: string;
    }[];
    for (const row of rows) {
      try {
        const parsed = EntityState.safeParse(JSON.parse(row.state));
        if (parsed.success) out.set(row.entity_id, parsed.data);
        else this.skipped++;
      } catch {
        this.skipped++;
      }
    }
    return out;
  }

  changed(entityId: string, state: EntityState): void {
    this.#dirty.set(entityId, state);
  }

  removed(entityId: string): void {
    this.#dirty.set(entityId, null);
  }

  get pending(): number {
    return this.#dirty.size;
  }

  flush(): void {
    if (this.#dirty.size === 0) return;
    const batch = [...this.#dirty];
    this.#dirty.clear();
    this.#db.exec('BEGIN');
    try {
      for (const [id, state] of batch) {
        if (state) this.#upsert.run(id, JSON.stringify(state));
        else this.#delete.run(id);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      // keep what failed unless a newer change arrived meanwhile
      for (const [id, state] of batch) if (!this.#dirty.has(id)) this.#dirty.set(id, state);
      throw err;
    }
  }

  close(): void {
    this.#db.close();
  }
}
