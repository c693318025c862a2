import { DatabaseSync } from 'node:sqlite';
import { existsSync } from 'node:fs';

export interface IntegrityReport {
  ok: boolean;
  /** SQLite's own words: "ok", or the first problems it found (pages, indexes, tables) */
  problems: string[];
  ms: number;
}

/**
 * SQLite's `PRAGMA quick_check` on the database file, before anything else opens it: a damaged
 * page otherwise starts "ok" and fails later, one query at a time (the probe's damaged history
 * page answered 31 of 94 history queries with a 500 and made audit writes fail silently).
 * quick_check is the O(N) form of integrity_check (https://sqlite.org/pragma.html#pragma_quick_check).
 */
export function checkDatabaseFile(file: string, maxProblems = 10): IntegrityReport {
  const t0 = performance.now();
  if (!existsSync(file)) return { ok: true, problems: [], ms: 0 };
  let db: DatabaseSync | null = null;
  try {
    db = new DatabaseSync(file);
    const rows = db.prepare(`PRAGMA quick_check(${maxProblems})`).all() as Array<Record<string, unknown>>;
    const problems = rows.map((r) => String(Object.values(r)[0]));
    const ok = problems.length === 1 && problems[0] === 'ok';
    return { ok, problems: ok ? [] : problems, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { ok: false, problems: [(err as Error).message], ms: Math.round(performance.now() - t0) };
  } finally {
    db?.close();
  }
}
