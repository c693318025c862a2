import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/core/bus/event-bus.ts';
import { proposeEntityId, slug } from '../../../main/core/registry/entity-id.ts';

describe('EventBus', () => {
  it('delivers to every subscriber even when one throws, and reports the throw', () => {
    const errors: string[] = [];
    const bus = new EventBus((_err, event) => errors.push(event));
    const seen: string[] = [];
    bus.on('zone.removed', () => {
      throw new Error('bad subscriber');
    });
    const off = bus.on('zone.removed', ({ zoneId }) => seen.push(zoneId));
    bus.emit('zone.removed', { zoneId: 'z1' });
    off();
    bus.emit('zone.removed', { zoneId: 'z2' });
    expect(seen).toEqual(['z1']);
    expect(errors).toEqual(['zone.removed', 'zone.removed']);
  });
});

describe('entity ids', () => {
  it('are readable slugs, unique within the site', () => {
    expect(slug('Büro Temperatur (2. OG)')).toBe('buro_temperatur_2_og');
    expect(slug('***')).toBe('entity');
    const taken = new Set(['sensor.office_temperature']);
    expect(proposeEntityId('sensor', 'Office', 'Temperature', (id) => taken.has(id))).toBe(
      'sensor.office_temperature_2',
    );
    expect(proposeEntityId('switch', 'Plug', 'Plug power', () => false)).toBe('switch.plug_power');
  });
});
