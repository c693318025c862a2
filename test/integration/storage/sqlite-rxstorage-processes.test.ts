import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../main/core/storage/sqlite-rxstorage/index.ts';
import { createDeviceInstance, deviceRow, makeTempDir, type TempDir } from './fixtures.ts';

let temp: TempDir;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  temp.remove();
});

function runWriter(
  databaseFile: string,
  prefix: string,
  batches: number,
): Promise<{ won: number; lost: number }> {
  const script = path.join(import.meta.dirname, 'concurrent-writer.ts');
  const child = spawn(process.execPath, [script, databaseFile, prefix, String(batches)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { won: number; lost: number });
      else reject(new Error(`writer exited with ${code}: ${err}`));
    });
  });
}

describe('node:sqlite RxStorage: two processes on one file', () => {
  it('loses no write and detects every conflict when a second process writes concurrently', async () => {
    const databaseFile = temp.file('processes.sqlite');
    const batches = 60;
    const instance = await createDeviceInstance(
      getRxStorageNodeSqlite({ databaseFile }),
      'shared',
      'devices',
    );
    const child = runWriter(databaseFile, 'child', batches);

    // Start racing only once the child is writing, so the two really overlap.
    const started = Date.now();
    while ((await instance.findDocumentsById(['child-0-0'], true)).length === 0) {
      if (Date.now() - started > 20_000) throw new Error('child never wrote');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    let won = 0;
    let lost = 0;
    for (let batch = 0; batch < batches; batch++) {
      const rows = Array.from({ length: 10 }, (_, i) => ({
        document: deviceRow({ id: `parent-${batch}-${i}`, name: 'parent', floor: batch, online: true }),
      }));
      rows.push({
        document: deviceRow({ id: `contested-${batch}`, name: 'parent', floor: batch, online: true }),
      });
      const result = await instance.bulkWrite(rows, 'parent');
      lost += result.error.length;
      won += 1 - result.error.length;
      expect(result.error.every((e) => e.status === 409 && e.documentId === `contested-${batch}`)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const fromChild = await child;

    // Every contested id has exactly one winner across both processes.
    expect(won + fromChild.won).toBe(batches);
    expect(lost + fromChild.lost).toBe(batches);
    const ids = [
      ...Array.from({ length: batches * 10 }, (_, n) => `parent-${Math.floor(n / 10)}-${n % 10}`),
      ...Array.from({ length: batches * 10 }, (_, n) => `child-${Math.floor(n / 10)}-${n % 10}`),
      ...Array.from({ length: batches }, (_, n) => `contested-${n}`),
    ];
    expect((await instance.findDocumentsById(ids, true)).length).toBe(ids.length);
    await instance.close();
  });
});
