import { DatabaseSync } from 'node:sqlite';
import type { Trace } from '../../../shared/rules/trace.ts';
import type { PendingDelay } from './engine.ts';

export interface TraceRetention {
  /** traces older than this are deleted */
  maxAgeDays: number;
  /** and at most this many are kept per rule */
  maxPerRule: number;
}
export const DEFAULT_TRACE_RETENTION: TraceRetention = { maxAgeDays: 14, maxPerRule: 500 };

const FLUSH_MS = 250;

/**
 * Traces are high-volume (one per run), so they live in a SQLite table of their own in the same
 * file as the rest, written in batched transactions, with retention by age and count. Pending
 * delays sit beside them and are written at once: they must survive a crash.
 */
export class TraceStore {
  readonly #db: DatabaseSync;
  readonly #retention: TraceRetention;
  #buffer: Trace[] = [];
  readonly #timer: NodeJS.Timeout;
  #sinceSweep = 0;
  readonly #insert;
  readonly #savePending;
  readonly #removePending;

  constructor(file: string, retention: TraceRetention = DEFAULT_TRACE_RETENTION) {
    this.#retention = retention;
    this.#db = new DatabaseSync(file);
    this.#db.exec(`PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS rule_traces (
        id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, started_at INTEGER NOT NULL, result TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS rule_traces_rule ON rule_traces (rule_id, started_at);
      CREATE INDEX IF NOT EXISTS rule_traces_time ON rule_traces (started_at);
      CREATE TABLE IF NOT EXISTS rule_pending (
        run_id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, resume_at INTEGER NOT NULL, next_index INTEGER NOT NULL, trigger TEXT NOT NULL);`);
    this.#insert = this.#db.prepare(
      'INSERT OR REPLACE INTO rule_traces (id, rule_id, started_at, result, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.#savePending = this.#db.prepare(
      'INSERT OR REPLACE INTO rule_pending (run_id, rule_id, resume_at, next_index, trigger) VALUES (?, ?, ?, ?, ?)',
    );
    this.#removePending = this.#db.prepare('DELETE FROM rule_pending WHERE run_id = ?');
    this.#timer = setInterval(() => this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  add(trace: Trace): void {
    this.#buffer.push(trace);
    if (this.#buffer.length >= 2000) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#db.exec('BEGIN');
    try {
      for (const t of batch) this.#insert.run(t.id, t.ruleId, t.startedAt, t.result, JSON.stringify(t));
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    this.#sinceSweep += batch.length;
    if (this.#sinceSweep >= 5000) this.sweep(Date.now());
  }

  list(ruleId: string, limit = 100, before?: number): Trace[] {
    this.flush();
    const rows = this.#db
      .prepare(
        'SELECT body FROM rule_traces WHERE rule_id = ? AND started_at < ? ORDER BY started_at DESC, rowid DESC LIMIT ?',
      )
      .all(ruleId, before ?? Number.MAX_SAFE_INTEGER, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Trace);
  }

  get(id: string): Trace | null {
    this.flush();
    const row = this.#db.prepare('SELECT body FROM rule_traces WHERE id = ?').get(id) as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Trace) : null;
  }

  /** Deletes traces past their age, then the oldest beyond the per-rule cap. */
  sweep(now: number): number {
    this.#sinceSweep = 0;
    let deleted = Number(
      this.#db
        .prepare('DELETE FROM rule_traces WHERE started_at < ?')
        .run(now - this.#retention.maxAgeDays * 86_400_000).changes,
    );
    const over = this.#db
      .prepare('SELECT rule_id, COUNT(*) AS n FROM rule_traces GROUP BY rule_id HAVING n > ?')
      .all(this.#retention.maxPerRule) as { rule_id: string; n: number }[];
    for (const { rule_id } of over) {
      deleted += Number(
        this.#db
          .prepare(
            `DELETE FROM rule_traces WHERE rule_id = ? AND id NOT IN
             (SELECT id FROM rule_traces WHERE rule_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?)`,
          )
          .run(rule_id, rule_id, this.#retention.maxPerRule).changes,
      );
    }
    return deleted;
  }

  readonly pending = {
    save: (p: PendingDelay): void => {
      this.#savePending.run(p.runId, p.ruleId, p.resumeAt, p.nextIndex, JSON.stringify(p.trigger));
    },
    remove: (runId: string): void => {
      this.#removePending.run(runId);
    },
    list: (): PendingDelay[] => {
      const rows = this.#db.prepare('SELECT * FROM rule_pending ORDER BY resume_at').all() as {
        run_id: string;
        rule_id: string;
        resume_at: number;
        next_index: number;
        trigger: string;
      }[];
      return rows.map((r) => ({
        runId: r.run_id,
        ruleId: r.rule_id,
        resumeAt: r.resume_at,
        nextIndex: r.next_index,
        trigger: JSON.parse(r.trigger) as PendingDelay['trigger'],
      }));
    },
  };

  close(): void {
    clearInterval(this.#timer);
    this.flush();
    this.#db.close();
  }
}
