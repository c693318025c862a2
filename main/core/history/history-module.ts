import { CoreError } from '../errors.ts';
import { defineModule, type ModuleHealth } from '../module.ts';
import { openTimeSeriesStore } from './store.ts';
import type { TimeSeriesStats, TimeSeriesStore } from './types.ts';

declare module '../module.ts' {
  interface ModuleApis {
    history: TimeSeriesStore;
  }
}

/**
 * Telemetry history: raw samples and rollups in the database file's time-series tables. The store
 * schedules its own flushes and retention sweeps; `close()` flushes, so a graceful stop writes
 * every buffered sample.
 */
export const historyModule = defineModule({
  name: 'history',
  async start(ctx) {
    const store = openTimeSeriesStore({
      file: ctx.dbFile,
      flushIntervalMs: ctx.config.history.flushIntervalMs,
      now: ctx.now,
      log: ctx.log,
    });
    return {
      api: store,
      health: () => historyHealth(store.stats()),
      stop: async () => store.close(),
      handlers: {
        'history.query': async (p) => {
          if (!ctx.use('registry').entities.has(p.entityId))
            throw new CoreError('not_found', `No entity ${p.entityId}.`);
          if (!(p.to > p.from))
            throw new CoreError('bad_request', '"to" must be after "from".', [
              { path: 'to', message: 'before from' },
            ]);
          const r = store.query({
            entityId: p.entityId,
            from: p.from,
            to: p.to,
            resolution: p.resolution,
            maxPoints: p.maxPoints,
          });
          return { resolution: r.resolution, points: r.points };
        },
      },
    };
  },
});

/** Down while writes fail; degraded once samples were lost or the buffer fills. */
export function historyHealth(s: TimeSeriesStats): ModuleHealth {
  const counts = `${s.written} samples written, ${s.buffered} buffered, ${s.rejected} rejected`;
  if (s.writeError !== null)
    return { status: 'down', detail: `writes failing (${s.writeError}); ${counts}, ${s.dropped} dropped` };
  if (s.dropped > 0)
    return { status: 'degraded', detail: `${s.dropped} samples lost while writes failed; ${counts}` };
  if (s.buffered > s.maxBuffered / 2)
    return { status: 'degraded', detail: `writes falling behind; ${counts}` };
  return { status: 'ok', detail: counts };
}
