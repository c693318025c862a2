import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../../shared/domain/user.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';
import { RefusalAggregator } from './refusal-aggregator.ts';

/** What the audit log may keep: the newest entries within a disk budget and an age. */
export interface AuditRetention {
  /** bytes the audit log may take; turned into a row cap with AUDIT_ROW_BYTES */
  budgetBytes: number;
  maxAgeMs: number;
}

/** a stored audit row costs about this much in SQLite (document, index entries, overhead) */
export const AUDIT_ROW_BYTES = 600;
export const DEFAULT_AUDIT_RETENTION: AuditRetention = {
  budgetBytes: 64 * 1024 * 1024,
  maxAgeMs: 400 * 24 * 3600_000,
};

/**
 * Who did what, when, and whether it was allowed: every command and every refusal. Anonymous
 * refusals are aggregated per source address, and the log is pruned to its retention, so a
 * flood of refused calls cannot fill the disk.
 */
export class AuditLog {
  readonly #db: TrussDatabase;
  readonly #now: () => number;
  readonly #refusals = new RefusalAggregator();
  readonly #retention: AuditRetention;
  /** refusals counted into a summary instead of written one by one, since start */
  aggregated = 0;
  pruned = 0;

  constructor(db: TrussDatabase, now: () => number = Date.now, retention = DEFAULT_AUDIT_RETENTION) {
    this.#db = db;
    this.#now = now;
    this.#retention = retention;
  }

  /**
   * A refusal of a caller without a session. The first from a source in a minute is recorded in
   * full; the rest are counted and summarised (flushRefusals) in one row per source.
   */
  async recordAnonymousRefusal(
    entry: Omit<AuditEntry, 'id' | 'ts'>,
    source: string | undefined,
  ): Promise<void> {
    const from = source ?? 'local';
    if (!this.#refusals.admit(from, entry.action, this.#now())) {
      this.aggregated++;
      return;
    }
    await this.record({ ...entry, detail: `${entry.detail ?? 'refused'} (from ${from})` });
  }

  /** writes one summary row per source whose window ended (every source with `all`) */
  async flushRefusals(all = false): Promise<number> {
    const summaries = this.#refusals.drain(this.#now(), all);
    for (const s of summaries) {
      await this.record({
        actor: 'anonymous',
        role: 'none',
        action: 'refusals.aggregated',
        target: `source=${s.source}`,
        outcome: 'denied',
        detail: `${s.count} more refusals from ${s.source} in ${Math.round((s.to - s.from) / 1000)} s (${s.actions.join(', ')})`,
      });
    }
    return summaries.length;
  }

  /** Drops entries past the age, then the oldest past the row budget. */
  async prune(): Promise<number> {
    const cutoff = this.#now() - this.#retention.maxAgeMs;
    let removed = 0;
    const old = await this.#db.audit.find({ selector: { ts: { $lt: cutoff } }, limit: 5000 }).exec();
    if (old.length > 0)
      removed += (await this.#db.audit.bulkRemove(old.map((d) => d.primary))).success.length;
    const maxRows = Math.max(1000, Math.floor(this.#retention.budgetBytes / AUDIT_ROW_BYTES));
    const count = await this.#db.audit.count().exec();
    if (count > maxRows) {
      const oldest = await this.#db.audit
        .find({ sort: [{ ts: 'asc' }], limit: Math.min(count - maxRows, 5000) })
        .exec();
      removed += (await this.#db.audit.bulkRemove(oldest.map((d) => d.primary))).success.length;
    }
    this.pruned += removed;
    return removed;
  }

  /** the last write that failed, until one succeeds again (health shows it) */
  lastFailure: { reason: string; at: number } | null = null;
  written = 0;

  async record(entry: Omit<AuditEntry, 'id' | 'ts'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: `aud_${randomUUID()}`, ts: this.#now(), ...entry };
    try {
      await this.#db.audit.insert(full);
    } catch (err) {
      this.lastFailure = { reason: (err as Error).message, at: full.ts };
      throw err;
    }
    this.lastFailure = null;
    this.written++;
    return full;
  }

  async list(limit: number, before?: number): Promise<AuditEntry[]> {
    const docs = await this.#db.audit
      .find({ selector: before === undefined ? {} : { ts: { $lt: before } }, sort: [{ ts: 'desc' }], limit })
      .exec();
    return docs.map((d) => plain<AuditEntry>(d));
  }
}
