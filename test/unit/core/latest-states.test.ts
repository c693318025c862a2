import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntityState } from '../../../shared/domain/entity.ts';
import { EventBus } from '../../../main/core/bus/event-bus.ts';
import { LatestStates } from '../../../main/core/state/latest-states.ts';
import { StateStore } from '../../../main/core/state/state-store.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const file = () => {
  const d = mkdtempSync(join(tmpdir(), 'truss-latest-'));
  dirs.push(d);
  return join(d, 'truss.db');
};
const st = (value: EntityState['value'], quality: EntityState['quality'] = 'good'): EntityState => ({
  value,
  ts: 1000,
  source: 'mqtt',
  quality,
});

describe('latest states', () => {
  it('stores the last change per entity in one transaction and reads it back, non-numeric ones too', () => {
    const f = file();
    const a = new LatestStates(f);
    a.changed('switch.plug', st(false));
    a.changed('switch.plug', st(true));
    a.changed('climate.office', st({ mode: 'heat', setpoint: 21 }));
    a.changed('sensor.gone', st(3));
    a.removed('sensor.gone');
    expect(a.pending).toBe(3);
    a.flush();
    expect(a.pending).toBe(0);
    a.close();
    const b = new LatestStates(f);
    expect(Object.fromEntries(b.load())).toEqual({
      'switch.plug': st(true),
      'climate.office': st({ mode: 'heat', setpoint: 21 }),
    });
    b.close();
  });

  it('skips and counts rows that no longer parse instead of failing the start', () => {
    const f = file();
    new LatestStates(f).close();
    const raw = new DatabaseSync(f);
    raw.prepare('INSERT INTO latest_states VALUES (?, ?)').run('a', '{not json');
    raw.prepare('INSERT INTO latest_states VALUES (?, ?)').run('b', JSON.stringify({ value: 1 }));
    raw.prepare('INSERT INTO latest_states VALUES (?, ?)').run('c', JSON.stringify(st(2)));
    raw.close();
    const l = new LatestStates(f);
    expect([...l.load().keys()]).toEqual(['c']);
    expect(l.skipped).toBe(2);
    l.close();
  });

  it('restores states as stale (unavailable and bad stay as they were) for entities that still exist', () => {
    const events: string[] = [];
    const bus = new EventBus(() => {});
    bus.on('state.changed', ({ entityId }) => events.push(entityId));
    const store = new StateStore(bus, { append() {} });
    const n = store.restore(
      new Map([
        ['switch.plug', st(true)],
        ['sensor.off', st(5, 'unavailable')],
        ['sensor.removed', st(1)],
      ]),
      (id) => id !== 'sensor.removed',
    );
    expect(n).toBe(2);
    expect(store.get('switch.plug')).toEqual(st(true, 'stale'));
    expect(store.get('sensor.off')).toEqual(st(5, 'unavailable'));
    expect(store.get('sensor.removed')).toBeUndefined();
    expect(events).toEqual([]);
    store.forget(['switch.plug']);
    expect(store.get('switch.plug')).toBeUndefined();
  });
});
