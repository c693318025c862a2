import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeChunk } from '../../../main/core/history/raw-chunk.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const CHILD = join(import.meta.dirname, 'ingest-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'truss-history-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  at: number;
  seq: number;
}

/** Runs the ingest child, SIGKILLs it after `killAfterMs` of ingest; returns what it reported and when it died. */
async function ingestThenKill(file: string, base: number, killAfterMs: number) {
  const child = spawn(NODE, [CHILD, file, String(base)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const reports: Report[] = [];
  let stderr = '';
  let partial = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const at = Date.now();
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) reports.push({ at, seq: Number(line) });
  });
  const exited = new Promise<NodeJS.Signals | null>((res) =>
    child.on('exit', (_code, signal) => res(signal)),
  );
  await new Promise<void>((res, rej) => {
    const started = setInterval(() => {
      if (reports.length > 0) {
        clearInterval(started);
        res();
      }
    }, 10);
    child.on('exit', () => {
      clearInterval(started);
      rej(new Error(`ingest child exited before ingesting: ${stderr}`));
    });
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  const killedAt = Date.now();
  process.kill(child.pid!, 'SIGKILL');
  const signal = await exited;
  return { reports, killedAt, signal, stderr };
}

function readRaw(db: DatabaseSync): Map<number, number[]> {
  const bySeries = new Map<number, number[]>();
  for (const row of db.prepare('SELECT series, data FROM ts_raw_chunk').all() as unknown as {
    series: number;
    data: Uint8Array;
  }[]) {
    const { values } = decodeChunk(row.data);
    const list = bySeries.get(row.series) ?? [];
    for (const v of values) list.push(v);
    bySeries.set(row.series, list);
  }
  return bySeries;
}

describe('history store survives kill -9 during heavy ingest', () => {
  const killPoints = [2000 + Math.random() * 1000, 3000 + Math.random() * 1000, 4000 + Math.random() * 1500];
  for (const [run, killAfterMs] of killPoints.entries()) {
    it(`run ${run + 1}: killed after ~${Math.round(killAfterMs)} ms loses at most the last second`, async () => {
      const file = join(dir, `kill-${run}.db`);
      const base = Date.now() - 3_600_000;
      const { reports, killedAt, signal, stderr } = await ingestThenKill(file, base, killAfterMs);
      expect(signal, stderr).toBe('SIGKILL');

      // Every sample reported (hence appended) more than 1 s before the kill must be on disk.
      const safe = reports.filter((r) => r.at <= killedAt - 1000);
      expect(safe.length, 'the child reported progress before the last second').toBeGreaterThan(0);
      const mustHave = Math.max(...safe.map((r) => r.seq));

      const db = new DatabaseSync(file);
      try {
        expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);

        const raw = readRaw(db);
        const all = [...raw.values()].flat().sort((a, b) => a - b);
        // Batches commit in append order, so what survived is exactly a prefix of the sequence.
        expect(all.length).toBeGreaterThan(mustHave);
        expect(all[0]).toBe(0);
        expect(all.every((v, i) => v === i)).toBe(true);
        // No upper bound against the last report: the child may commit batches whose progress
        // report was still in its stdout pipe when it was killed.

        // Rollups agree with the raw samples they were computed from, bucket by bucket.
        const idOf = new Map(
          (
            db.prepare('SELECT id, entity_id FROM ts_series').all() as { id: number; entity_id: string }[]
          ).map((r) => [r.id, r.entity_id]),
        );
        const expected = new Map<
          string,
          { min: number; max: number; sum: number; count: number; last: number }
        >();
        for (const [series, values] of raw) {
          expect(idOf.get(series)).toMatch(/^sensor\.k\d$/);
          for (const v of values) {
            const ts = base + v;
            for (const [res, size] of [
              [0, 60_000],
              [1, 3_600_000],
              [2, 86_400_000],
            ] as const) {
              const key = `${series}/${res}/${Math.floor(ts / size) * size}`;
              const e = expected.get(key) ?? { min: v, max: v, sum: 0, count: 0, last: v };
              e.min = Math.min(e.min, v);
              e.max = Math.max(e.max, v);
              e.sum += v;
              e.count++;
              e.last = v; // values ascend with ts within a series
              expected.set(key, e);
            }
          }
        }
        const rollups = db
          .prepare('SELECT series, res, bucket, min, max, sum, count, last FROM ts_rollup')
          .all() as {
          series: number;
          res: number;
          bucket: number;
          min: number;
          max: number;
          sum: number;
          count: number;
          last: number;
        }[];
        expect(rollups.length).toBe(expected.size);
        for (const r of rollups) {
          const e = expected.get(`${r.series}/${r.res}/${r.bucket}`);
          expect(e, `rollup ${r.series}/${r.res}/${r.bucket} has raw samples`).toBeDefined();
          expect({ min: r.min, max: r.max, sum: r.sum, count: r.count, last: r.last }).toEqual(e);
        }
        console.log(
          `run ${run + 1}: ${all.length} samples on disk, last report said ${Math.max(...reports.map((r) => r.seq)) + 1}; ` +
            `needed >= ${mustHave + 1}`,
        );
      } finally {
        db.close();
      }
    });
  }
});
