import { defineModule } from '../module.ts';
import { DeviceRegistry } from './device-registry.ts';

declare module '../module.ts' {
  interface ModuleApis {
    registry: DeviceRegistry;
  }
}

/** how often clients hear about last-seen times, and how often they are stored */
const SEEN_EVENT_MS = 1000;
const SEEN_SAVE_MS = 60_000;

/** Devices, entities and zones: stable ids, names, placement, last seen. */
export const registryModule = defineModule({
  name: 'registry',
  async start(ctx) {
    const registry = new DeviceRegistry(ctx.use('database'), ctx.bus, ctx.now);
    await registry.load();
    ctx.every(SEEN_EVENT_MS, 'last-seen events', () => registry.publishSeen());
    ctx.every(SEEN_SAVE_MS, 'last-seen storage', () => registry.saveSeen());
    return {
      api: registry,
      stop: async () => {
        registry.publishSeen();
        await registry.saveSeen();
      },
      handlers: {
        'device.update': async (p) => registry.updateDevice(p.deviceId, { name: p.name, zoneId: p.zoneId }),
        'zone.create': async (p) => registry.createZone({ name: p.name, kind: p.kind, parentId: p.parentId }),
        'zone.update': async (p) => registry.updateZone(p.zoneId, { name: p.name, parentId: p.parentId }),
        'zone.delete': async (p) => {
          await registry.deleteZone(p.zoneId);
          return { ok: true };
        },
      },
      events: (emit) => {
        const { bus } = ctx;
        const offs = [
          bus.on('device.changed', ({ device }) => emit({ type: 'device', device })),
          bus.on('device.removed', ({ deviceId }) => emit({ type: 'device.removed', deviceId })),
          bus.on('device.seen', ({ seen }) => emit({ type: 'device.seen', seen })),
          bus.on('entity.changed', ({ entity }) => emit({ type: 'entity', entity })),
          bus.on('zone.changed', ({ zone }) => emit({ type: 'zone', zone })),
          bus.on('zone.removed', ({ zoneId }) => emit({ type: 'zone.removed', zoneId })),
        ];
        return () => offs.forEach((off) => off());
      },
    };
  },
});
