import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../shared/api/commissioning.ts';
import { applyCommissioningEvent, candidateOrder } from '../../../renderer/store/commissioning-store.ts';

const cand = (id: string, status: Candidate['status'], lastSeen = 1): Candidate => ({
  id,
  address: id,
  label: `Device ${id}`,
  status,
  error: status === 'failed' ? 'interview timed out' : null,
  detail: {},
  secret: null,
  lastSeen,
});

describe('commissioning store', () => {
  it('follows windows and candidates live, per adapter', () => {
    let s = applyCommissioningEvent([], { type: 'commissioning.window', adapter: 'zigbee', openUntil: 1000 });
    expect(s).toEqual([{ adapter: 'zigbee', openUntil: 1000, candidates: [] }]);
    s = applyCommissioningEvent(s, { type: 'candidate', adapter: 'zigbee', candidate: cand('a', 'joining') });
    s = applyCommissioningEvent(s, {
      type: 'candidate',
      adapter: 'zigbee',
      candidate: cand('a', 'interviewing'),
    });
    s = applyCommissioningEvent(s, { type: 'candidate', adapter: 'ble', candidate: cand('b', 'discovered') });
    expect(s.find((x) => x.adapter === 'zigbee')!.candidates.map((c) => c.status)).toEqual(['interviewing']);
    expect(s.find((x) => x.adapter === 'ble')!.candidates).toHaveLength(1);
    s = applyCommissioningEvent(s, { type: 'candidate.removed', adapter: 'zigbee', candidateId: 'a' });
    expect(s.find((x) => x.adapter === 'zigbee')!.candidates).toEqual([]);
    // Other events leave it alone.
    expect(applyCommissioningEvent(s, { type: 'zone.removed', zoneId: 'z' })).toBe(s);
  });

  it('lists failures first, then ready devices, then the most recently heard', () => {
    const list = [
      cand('x', 'discovered', 5),
      cand('y', 'ready', 1),
      cand('z', 'failed', 1),
      cand('w', 'discovered', 9),
    ];
    expect(list.sort(candidateOrder).map((c) => c.id)).toEqual(['z', 'y', 'w', 'x']);
  });
});
