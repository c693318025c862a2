import { defineModule } from '../module.ts';
import { createHaExport } from './ha-export.ts';

declare module '../module.ts' {
  interface ModuleApis {
    haExport: { enabled: boolean };
  }
}

const RECENT_FAILURE_MS = 10 * 60_000;

/**
 * Opt-in (mqtt.haExport.enabled): Truss's entities published as Home Assistant MQTT discovery,
 * with commands from tools through their broker ACL.
 */
export const haExportModule = defineModule({
  name: 'haExport',
  async start(ctx) {
    const { enabled, prefix, root } = ctx.config.mqtt.haExport;
    if (!enabled) return { api: { enabled } };
    const registry = ctx.use('registry');
    const states = ctx.use('states');
    const adapters = ctx.use('adapters');
    const exporter = createHaExport({
      bus: ctx.use('broker').bus,
      prefix,
      root,
      log: ctx.log,
      entities: () => registry.entities.values(),
      device: (id) => registry.devices.get(id),
      state: (id) => states.get(id),
      execute: (id, cmd) => adapters.execute(id, cmd),
    });
    let failures = 0;
    let lastFailure: { reason: string; at: number } | null = null;
    const fail = (err: Error) => {
      failures++;
      lastFailure = { reason: err.message, at: ctx.now() };
      ctx.log.warn({ reason: err.message }, 'HA export publish failed');
    };
    ctx.on('entity.changed', ({ entity }) => void exporter.entityChanged(entity).catch(fail));
    ctx.on('state.changed', ({ entityId, state }) => void exporter.stateChanged(entityId, state).catch(fail));
    await exporter.start();
    return {
      api: { enabled },
      stop: () => exporter.stop(),
      health: () =>
        lastFailure && ctx.now() - lastFailure.at < RECENT_FAILURE_MS
          ? { status: 'degraded', detail: `${failures} publishes failed; last: ${lastFailure.reason}` }
          : { status: 'ok', detail: `exporting under ${prefix}/ and ${root}/` },
    };
  },
});
