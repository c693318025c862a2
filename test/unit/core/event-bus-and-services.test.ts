import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/core/bus/event-bus.ts';
import { ServiceHost } from '../../../main/core/lifecycle/service-host.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';
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

describe('ServiceHost', () => {
  const recorder = () => {
    const log: string[] = [];
    const svc = (name: string, failStart = false) => ({
      name,
      start: async () => {
        if (failStart) throw new Error('boom');
        log.push(`start ${name}`);
      },
      stop: async () => {
        log.push(`stop ${name}`);
      },
    });
    return { log, svc };
  };

  it('starts in order and stops in reverse, once', async () => {
    const { log, svc } = recorder();
    const host = new ServiceHost(silentLogger());
    ['db', 'broker', 'adapters'].forEach((n) => host.add(svc(n)));
    await host.start();
    await Promise.all([host.stop(), host.stop()]);
    expect(log).toEqual([
      'start db',
      'start broker',
      'start adapters',
      'stop adapters',
      'stop broker',
      'stop db',
    ]);
  });

  it('undoes a partial start when a service fails', async () => {
    const { log, svc } = recorder();
    const host = new ServiceHost(silentLogger());
    host.add(svc('db'));
    host.add(svc('broker', true));
    host.add(svc('adapters'));
    await expect(host.start()).rejects.toThrow(/broker failed to start: boom/);
    expect(log).toEqual(['start db', 'stop db']);
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
