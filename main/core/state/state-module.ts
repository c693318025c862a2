import type { Snapshot } from '../../../shared/api/methods.ts';
import { defineModule } from '../module.ts';
import type { DeviceRegistry } from '../registry/device-registry.ts';
import { LatestStates } from './latest-states.ts';
import { StateStore } from './state-store.ts';

declare module '../module.ts' {
  interface ModuleApis {
    states: StateStore;
  }
}

const SAVE_MS = 1000;

/** Everything a freshly connected UI needs to draw the site. */
export function siteSnapshot(registry: DeviceRegistry, states: StateStore): Snapshot {
  return {
    zones: [...registry.zones.values()],
    devices: [...registry.devices.values()],
    entities: [...registry.entities.values()],
    states: states.all(),
  };
}

/**
 * The latest state of every entity, recorded in history as it changes, kept across restarts (a
 * restored value is "stale" until its device reports again) and dropped with its device.
 */
export const stateModule = defineModule({
  name: 'states',
  async start(ctx) {
    const registry = ctx.use('registry');
    const latest = new LatestStates(ctx.dbFile);
    ctx.own(() => latest.close());
    const states = new StateStore(ctx.bus, ctx.use('history'));
    const restored = states.restore(latest.load(), (id) => registry.entities.has(id));
    ctx.log.info({ restored, skipped: latest.skipped }, 'latest states restored');
    let saveError: string | null = null;
    let frozen = false;
    const save = () => {
      try {
        latest.flush();
        saveError = null;
      } catch (err) {
        saveError = (err as Error).message;
        throw err;
      }
    };
    ctx.on('state.changed', ({ entityId, state }) => {
      if (!frozen) latest.changed(entityId, state);
    });
    ctx.on('device.removed', ({ entityIds }) => {
      states.forget(entityIds);
      for (const id of entityIds) latest.removed(id);
    });
    ctx.every(SAVE_MS, 'latest-state storage', save);
    return {
      api: states,
      // what is stored is the site as it ran, not as it looked while shutting down
      quiesce: () => {
        frozen = true;
        save();
      },
      stop: async () => save(),
      health: () =>
        saveError
          ? {
              status: 'degraded',
              detail: `latest states not stored (${saveError}); ${latest.pending} waiting`,
            }
          : {
              status: 'ok',
              detail: `${Object.keys(states.all()).length} entities${latest.skipped ? `, ${latest.skipped} unreadable rows skipped at start` : ''}`,
            },
      handlers: {
        'site.snapshot': async () => siteSnapshot(registry, states),
      },
      events: (emit) =>
        ctx.bus.on('state.changed', ({ entityId, state }) => emit({ type: 'state', entityId, state })),
    };
  },
});
