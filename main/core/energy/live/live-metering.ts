import type { Entity, EntityState } from '../../../../shared/domain/entity.ts';
import {
  ENERGY_UNITS,
  type MeterClass,
  type MeteringTree,
  classifyEnergyEntity,
} from '../../../../shared/energy/metering.ts';
import type { Logger } from '../../../../shared/adapter/contract.ts';
import type { MeterRepairStore } from '../metering/repair-store.ts';
import type { RawReading } from '../metering/repair.ts';
import { type TreeEnergy, computeTree } from '../metering/tree.ts';
import type { ReadingStore } from './reading-store.ts';

/** A power reading older than this is not "live": the balance shows the meter as missing. */
export const POWER_STALE_MS = 10 * 60_000;
/** At most this many readings wait per meter between flushes (a flood is cut, and logged). */
const MAX_QUEUED = 2_000;

export interface MeteredEntity {
  entityId: string;
  deviceId: string;
  name: string;
  unit: string | null;
  meter: MeterClass;
}

export interface LiveMeteringStats {
  readings: number;
  corrections: number;
  /** readings refused before repair (flood) */
  dropped: number;
  /** the last repair store failure, while it keeps failing */
  storeError: string | null;
  storeErrorAt: number | null;
}

/**
 * The live side of metering: every state change of an energy counter goes through counter repair
 * (its corrections logged) into the store of repaired counters; every power state is kept for the
 * live balance. Classification is what `classifyEnergyEntity` says of the entity as its adapter
 * registered it (Tasmota ENERGY, Shelly Gen2, Zigbee, HA discovery, BTHome).
 */
export class LiveMetering {
  readonly #repair: MeterRepairStore;
  readonly #readings: ReadingStore;
  readonly #log: Logger;
  readonly #maxPowerW: () => number;
  readonly #classes = new Map<string, MeteredEntity>();
  readonly #queue = new Map<string, RawReading[]>();
  readonly #power = new Map<string, { w: number; ts: number }>();
  readonly stats: LiveMeteringStats = {
    readings: 0,
    corrections: 0,
    dropped: 0,
    storeError: null,
    storeErrorAt: null,
  };

  constructor(opts: {
    repair: MeterRepairStore;
    readings: ReadingStore;
    log: Logger;
    maxPowerW: () => number;
  }) {
    this.#repair = opts.repair;
    this.#readings = opts.readings;
    this.#log = opts.log;
    this.#maxPowerW = opts.maxPowerW;
  }

  /** (Re)classifies an entity as it is now registered. */
  entityChanged(e: Entity): void {
    const meter = classifyEnergyEntity(e);
    if (meter)
      this.#classes.set(e.id, { entityId: e.id, deviceId: e.deviceId, name: e.name, unit: e.unit, meter });
    else this.#classes.delete(e.id);
  }

  entityRemoved(entityId: string): void {
    this.#classes.delete(entityId);
    this.#power.delete(entityId);
    this.#queue.delete(entityId);
  }

  meters(): MeteredEntity[] {
    return [...this.#classes.values()];
  }

  meter(entityId: string): MeteredEntity | undefined {
    return this.#classes.get(entityId);
  }

  stateChanged(entityId: string, state: EntityState): void {
    const m = this.#classes.get(entityId);
    if (!m || state.quality === 'unavailable' || state.value === null) return;
    const v = state.value;
    // a counter that reports garbage is logged by the repair as non-finite; records are not numbers at all
    const value = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : null;
    if (value === null) return;
    if (m.meter.quantity === 'power') {
      if (Number.isFinite(value)) this.#power.set(entityId, { w: value * m.meter.toW, ts: state.ts });
      return;
    }
    let q = this.#queue.get(entityId);
    if (!q) this.#queue.set(entityId, (q = []));
    if (q.length >= MAX_QUEUED) {
      this.stats.dropped++;
      return;
    }
    q.push({ ts: state.ts, value, unit: m.unit });
  }

  /** Repairs and stores what arrived since the last flush. Failures are kept for health, never thrown. */
  flush(): void {
    for (const [entityId, readings] of this.#queue) {
      if (readings.length === 0) continue;
      this.#queue.set(entityId, []);
      const m = this.#classes.get(entityId);
      if (!m || m.meter.quantity !== 'energy') continue;
      try {
        const out = this.#repair.ingest(
          entityId,
          { maxPowerW: this.#maxPowerW(), counter: m.meter.counter, unit: unitOf(m) },
          readings,
        );
        this.#readings.add(entityId, out.readings);
        this.stats.readings += readings.length;
        this.stats.corrections += out.corrections.length;
        for (const c of out.corrections)
          this.#log.info(
            { meterId: c.meterId, rule: c.rule, at: c.at, detail: c.detail },
            'meter reading repaired',
          );
        this.stats.storeError = null;
      } catch (err) {
        this.stats.storeError = (err as Error).message;
        this.stats.storeErrorAt = Date.now();
        this.#log.error({ entityId, reason: (err as Error).message }, 'meter repair failed');
      }
    }
  }

  /** The latest power (W, as classified: into the node unless net) of an entity, null when stale. */
  powerW(entityId: string, now: number): number | null {
    const p = this.#power.get(entityId);
    return p && now - p.ts <= POWER_STALE_MS ? p.w : null;
  }

  /** The live balance of the metering tree from its power entities. */
  liveTree(tree: MeteringTree, now: number): TreeEnergy {
    return computeTree(tree, (id) => this.powerW(id, now), { quantity: 'power' });
  }
}

/** The unit the repair reads a counter in: the entity's own, or the classification's factor's. */
function unitOf(m: MeteredEntity): string {
  if (m.unit && ENERGY_UNITS[m.unit] !== undefined) return m.unit;
  const toKWh = m.meter.quantity === 'energy' ? m.meter.toKWh : 1;
  return Object.entries(ENERGY_UNITS).find(([, f]) => f === toKWh)?.[0] ?? 'kWh';
}
