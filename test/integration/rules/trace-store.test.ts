import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../../shared/rules/trace.ts';
import { TraceStore } from '../../../main/core/rules/trace-store.ts';

const dirs: string[] = [];
const file = () => {
  const d = mkdtempSync(join(tmpdir(), 'truss-traces-'));
  dirs.push(d);
  return join(d, 'truss.db');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const trace = (id: string, ruleId: string, startedAt: number): Trace => ({
  id,
  ruleId,
  startedAt,
  finishedAt: startedAt + 5,
  trigger: { index: 0, type: 'state', detail: 'x' },
  result: 'ran',
  steps: [{ path: 'actions.0', type: 'command', outcome: 'ok', at: startedAt, durationMs: 5, detail: null }],
  conflicts: [],
});
const DAY = 86_400_000;

describe('trace store (SQLite)', () => {
  it('keeps traces newest first, drops them by age and by per-rule count', () => {
    const now = Date.UTC(2025, 5, 1);
    const s = new TraceStore(file(), { maxAgeDays: 7, maxPerRule: 100 });
    for (let i = 0; i < 300; i++) s.add(trace(`a${i}`, 'a', now - i * 60_000));
    for (let i = 0; i < 10; i++) s.add(trace(`old${i}`, 'b', now - 10 * DAY - i));
    s.add(trace('fresh', 'b', now));
    expect(s.list('a', 5).map((t) => t.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(s.sweep(now)).toBe(200 + 10);
    expect(s.list('a', 500)).toHaveLength(100);
    expect(s.list('b', 500).map((t) => t.id)).toEqual(['fresh']);
    expect(s.get('a0')).toMatchObject({ ruleId: 'a', steps: [{ outcome: 'ok' }] });
    expect(s.list('a', 2, now - 60_000 * 50).map((t) => t.id)).toEqual(['a51', 'a52']);
    s.close();
  });

  it('buffered traces and pending delays survive close and reopen', () => {
    const f = file();
    const s = new TraceStore(f);
    s.add(trace('t1', 'r', Date.now()));
    s.pending.save({
      runId: 'run1',
      ruleId: 'r',
      resumeAt: 123,
      nextIndex: 2,
      trigger: { index: 0, type: 'state', detail: null },
    });
    s.close();
    const s2 = new TraceStore(f);
    expect(s2.get('t1')).not.toBeNull();
    expect(s2.pending.list()).toEqual([
      {
        runId: 'run1',
        ruleId: 'r',
        resumeAt: 123,
        nextIndex: 2,
        trigger: { index: 0, type: 'state', detail: null },
      },
    ]);
    s2.pending.remove('run1');
    expect(s2.pending.list()).toEqual([]);
    s2.close();
  });
});
