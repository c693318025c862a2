import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CounterReading } from './rollup.ts';
import type { RetentionPolicy } from './types.ts';

export interface SeriesInfo {
  id: number;
  entityId: string;
  counter: boolean;
  retention: Partial<RetentionPolicy>;
  /** counters only: newest committed reading */
  lastReading: CounterReading | null;
}

interface SeriesRow {
  id: number;
  entity_id: string;
  counter: number;
  retention: string | null;
  last_ts: number | null;
  last_value: number | null;
}

/** Entity id -> series, cached: every flush needs the id of each series it touches. */
export class SeriesRegistry {
  readonly #byEntity = new Map<string, SeriesInfo>();
  readonly #insert: StatementSync;
  readonly #saveConfig: StatementSync;
  readonly #saveReading: StatementSync;

  constructor(db: DatabaseSync) {
    for (const row of db.prepare('SELECT * FROM ts_series').all() as unknown as SeriesRow[]) {
      this.#byEntity.set(row.entity_id, fromRow(row));
    }
    this.#insert = db.prepare('INSERT INTO ts_series (entity_id) VALUES (?) RETURNING *');
    this.#saveConfig = db.prepare('UPDATE ts_series SET counter = ?, retention = ? WHERE id = ?');
    this.#saveReading = db.prepare('UPDATE ts_series SET last_ts = ?, last_value = ? WHERE id = ?');
  }

  get(entityId: string): SeriesInfo | undefined {
    return this.#byEntity.get(entityId);
  }

  all(): IterableIterator<SeriesInfo> {
    return this.#byEntity.values();
  }

  /** Call inside the caller's transaction: a rollback must not leave a cached id behind. */
  ensure(entityId: string): SeriesInfo {
    let info = this.#byEntity.get(entityId);
    if (!info) {
      info = fromRow(this.#insert.get(entityId) as unknown as SeriesRow);
      this.#byEntity.set(entityId, info);
    }
    return info;
  }

  /** Drops series created by a transaction that rolled back. */
  forgetAbove(maxKnownId: number): void {
    for (const [entityId, info] of this.#byEntity) if (info.id > maxKnownId) this.#byEntity.delete(entityId);
  }

  maxId(): number {
    let max = 0;
    for (const info of this.#byEntity.values()) if (info.id > max) max = info.id;
    return max;
  }

  saveConfig(info: SeriesInfo): void {
    this.#saveConfig.run(info.counter ? 1 : 0, JSON.stringify(info.retention), info.id);
  }

  saveReading(info: SeriesInfo, reading: CounterReading | null): void {
    if (reading) this.#saveReading.run(reading.ts, reading.value, info.id);
  }
}

function fromRow(row: SeriesRow): SeriesInfo {
  return {
    id: row.id,
    entityId: row.entity_id,
    counter: row.counter === 1,
    retention: row.retention ? (JSON.parse(row.retention) as Partial<RetentionPolicy>) : {},
    lastReading:
      row.last_ts !== null && row.last_value !== null ? { ts: row.last_ts, value: row.last_value } : null,
  };
}
