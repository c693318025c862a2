import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDatabaseDamage } from '../../../main/core/api/api-service.ts';

/** A real damaged SQLite file (a torn page), read the way history reads its chunks. */
function damagedReadError(): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'truss-damage-'));
  const file = join(dir, 'x.db');
  try {
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE ts_raw_chunk (series INTEGER, t_min INTEGER, data BLOB)');
    const insert = db.prepare('INSERT INTO ts_raw_chunk VALUES (?, ?, ?)');
    for (let i = 0; i < 2000; i++) insert.run(i % 7, i, Buffer.alloc(64, i & 255));
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096 * (Math.floor(statSync(file).size / 4096) - 3));
    closeSync(fd);
    const again = new DatabaseSync(file);
    try {
      again.prepare('SELECT sum(length(data)) FROM ts_raw_chunk').all();
      return null;
    } catch (err) {
      return err;
    } finally {
      again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('database damage is recognised (answered 503, not 500)', () => {
  it("recognises node:sqlite's SQLITE_CORRUPT, also wrapped as a cause", () => {
    const err = damagedReadError();
    expect(err).not.toBeNull();
    expect(isDatabaseDamage(err)).toBe(true);
    expect(isDatabaseDamage(new Error('wrapped', { cause: err }))).toBe(true);
    expect(isDatabaseDamage(new Error('something else'))).toBe(false);
    expect(isDatabaseDamage(null)).toBe(false);
  });
});
