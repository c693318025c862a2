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

  async record(entry: Omit<AuditEntry, 'id' | 'ts'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: `aud_${randomUUID()}`, ts: this.#now(), ...entry };
    await this.#db.audit.insert(full);
    return full;
  }

  async list(limit: number, before?: number): Promise<AuditEntry[]> {
    const docs = await this.#db.audit
      .find({ selector: before === undefined ? {} : { ts: { $lt: before } }, sort: [{ ts: 'desc' }], limit })
      .exec();
    return docs.map((d) => plain<AuditEntry>(d));
  }
}
