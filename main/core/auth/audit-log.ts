import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../../shared/domain/user.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';

/** Who did what, when, and whether it was allowed: every command and every refusal. */
export class AuditLog {
  readonly #db: TrussDatabase;
  readonly #now: () => number;

  constructor(db: TrussDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
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
