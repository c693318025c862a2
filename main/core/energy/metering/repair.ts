import { type CounterKind, ENERGY_UNITS, type MeterCorrection } from '../../../../shared/energy/metering.ts';

/**
 * Repair of cumulative energy counters. Readings go in as the meter sent them; out come readings
 * of one repaired, continuous counter in kWh, and a correction for every reading that needed one:
 *
 * - unit change: the reading's unit differs from the last one's (declared), or the counter jumped by
 *   a factor of 1000 and stayed there (Wh reported as kWh or the reverse): converted;
 * - rollover: the counter fell from near its maximum (stated, else 2^16 Wh or 2^32 Wh) to a small
 *   value: the wrap is counted;
 * - reset: the counter fell and kept counting from the lower value: counted from there on (to zero:
 *   the new value since the reset; to a higher-than-plausible value, e.g. a replaced meter: the
 *   recent rate over the step);
 * - spike: a reading implausible given the circuit's power limit, with the next one plausible again:
 *   dropped;
 * - level shift: a jump up beyond the power limit that the next readings confirm: the recent rate is
 *   counted for the step, the rest of the jump is not energy;
 * - gap: no reading for longer than `gapMs`: the energy counted across it is kept and spread evenly
 *   (`intervalEnergy` flags those intervals interpolated);
 * - out-of-order and non-finite readings: dropped.
 *
 * A break (fall, or jump beyond the limit) is decided once `confirmSamples` further readings show
 * whether it was a spike or a new level, so the last readings of a batch may wait in `pending`.
 */

export interface CounterConfig {
  /** the circuit's power limit, W (e.g. 230 V x 63 A x 3 = 43.5 kW for a 63 A three-phase main) */
  maxPowerW: number;
  counter: CounterKind;
  /** the entity's declared unit (Wh, kWh, ...) */
  unit: string;
  /** the counter's maximum in its raw unit when the meter states one; otherwise 2^16 and 2^32 Wh are tried */
  rolloverAt?: number | null;
  /** a silence longer than this is a gap (default 15 minutes) */
  gapMs?: number;
  /** readings that must confirm a new level before a break is taken as reset/level shift (default 2) */
  confirmSamples?: number;
}

export interface RawReading {
  ts: number;
  value: number;
  /** the entity's unit when this reading was taken, if known */
  unit?: string | null;
}

export interface RepairedReading {
  ts: number;
  /** the repaired counter, kWh; starts at the first reading's value */
  totalKWh: number;
  /** true when this reading ends a gap (the energy before it is spread over the silence) */
  afterGap: boolean;
}

/** What the repair carries from one batch to the next (persisted by MeterRepairService). */
export interface RepairState {
  /** last accepted reading: time, raw value, its kWh factor and unit */
  lastTs: number | null;
  lastRaw: number | null;
  lastFactor: number;
  lastUnit: string | null;
  /** factor correction found by an undeclared unit change (1, 1000 or 0.001) */
  scaleFix: number;
  totalKWh: number;
  /** recent rate, kWh per ms (for resets to a lower value and level shifts) */
  rateKWhPerMs: number;
  pending: RawReading[];
  /** the unit fix (0.001 or 1000) under which the pending readings would continue the counter; 1: none */
  pendingFix: number;
}

export function initialRepairState(): RepairState {
  return {
    lastTs: null,
    lastRaw: null,
    lastFactor: 1,
    lastUnit: null,
    scaleFix: 1,
    totalKWh: 0,
    rateKWhPerMs: 0,
    pending: [],
    pendingFix: 1,
  };
}

const WRAPS_KWH = [65.536, 4_294_967.296]; // 2^16 Wh, 2^32 Wh
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

export class CounterRepair {
  readonly #meterId: string;
  readonly #cfg: Required<Omit<CounterConfig, 'rolloverAt'>> & { rolloverAt: number | null };
  #s: RepairState;
  #out: RepairedReading[] = [];
  #log: MeterCorrection[] = [];
  #now: () => number;

  constructor(meterId: string, config: CounterConfig, state?: RepairState, now: () => number = Date.now) {
    if (!(config.maxPowerW > 0)) throw new Error('maxPowerW must be positive');
    if (ENERGY_UNITS[config.unit] === undefined)
      throw new Error(`unit "${config.unit}" is not an energy unit`);
    this.#meterId = meterId;
    this.#cfg = {
      maxPowerW: config.maxPowerW,
      counter: config.counter,
      unit: config.unit,
      rolloverAt: config.rolloverAt ?? null,
      gapMs: config.gapMs ?? 15 * 60_000,
      confirmSamples: config.confirmSamples ?? 2,
    };
    this.#s = state ? structuredClone(state) : initialRepairState();
    this.#now = now;
  }

  get state(): RepairState {
    return structuredClone(this.#s);
  }

  /** Feeds readings (in time order; out-of-order ones are dropped and logged). */
  push(readings: readonly RawReading[]): { readings: RepairedReading[]; corrections: MeterCorrection[] } {
    this.#out = [];
    this.#log = [];
    for (const r of readings) this.#one(r);
    return { readings: this.#out, corrections: this.#log };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  #factor(r: RawReading): number {
    const unit = r.unit ?? this.#cfg.unit;
    return (ENERGY_UNITS[unit] ?? ENERGY_UNITS[this.#cfg.unit]!) * this.#s.scaleFix;
  }

  #kwh(r: RawReading, factor = this.#factor(r)): number {
    return r.value * factor;
  }

  /** Most energy plausible over dt at the power limit, with a margin and the meter's resolution. */
  #maxStep(dt: number): number {
    return (this.#cfg.maxPowerW * Math.max(dt, 60_000) * 1.1) / 3_600_000_000;
  }

  #tol(v: number): number {
    return 0.002 + Math.abs(v) * 1e-9;
  }

  #lastKWh(): number {
    return this.#s.lastRaw! * this.#s.lastFactor;
  }

  /** Is `to` a plausible reading after `from` (both kWh) over dt? */
  #plausible(from: number, to: number, dt: number): boolean {
    const d = to - from;
    const tol = this.#tol(to);
    if (this.#cfg.counter === 'total') return Math.abs(d) <= this.#maxStep(dt) + tol;
    return d >= -tol && d <= this.#maxStep(dt) + tol;
  }

  #correct(r: RawReading, rule: MeterCorrection['rule'], deltaKWh: number | null, detail: string): void {
    this.#log.push({
      meterId: this.#meterId,
      at: r.ts,
      loggedAt: this.#now(),
      rule,
      raw: {
        prevTs: this.#s.lastTs,
        prevValue: this.#s.lastRaw,
        prevUnit: this.#s.lastUnit,
        ts: r.ts,
        value: r.value,
        unit: r.unit ?? this.#cfg.unit,
      },
      corrected: { deltaKWh, totalKWh: deltaKWh === null ? null : this.#s.totalKWh + deltaKWh },
      detail,
    });
  }

  /** Takes `r` as the new last reading, counting `delta` kWh for the step. */
  #accept(r: RawReading, delta: number, factor = this.#factor(r)): void {
    const s = this.#s;
    const dt = s.lastTs === null ? 0 : r.ts - s.lastTs;
    const afterGap = s.lastTs !== null && dt > this.#cfg.gapMs;
    if (afterGap)
      this.#correct(
        r,
        'gap',
        delta,
        `no reading for ${Math.round(dt / 60_000)} min: the ${fmt(delta)} kWh counted across the gap are spread evenly over it (interpolated)`,
      );
    s.totalKWh = s.lastTs === null ? this.#kwh(r, factor) : s.totalKWh + delta;
    if (dt > 0 && delta >= 0 && !afterGap) s.rateKWhPerMs = delta / dt;
    s.lastTs = r.ts;
    s.lastRaw = r.value;
    s.lastFactor = factor;
    s.lastUnit = r.unit ?? this.#cfg.unit;
    this.#out.push({ ts: r.ts, totalKWh: s.totalKWh, afterGap });
  }

  #one(r: RawReading): void {
    const s = this.#s;
    if (!Number.isFinite(r.value) || !Number.isFinite(r.ts)) {
      this.#correct(r, 'non-finite', null, `reading ${String(r.value)} is not a number: dropped`);
      return;
    }
    const lastSeen = s.pending.length ? s.pending[s.pending.length - 1]!.ts : s.lastTs;
    if (lastSeen !== null && r.ts <= lastSeen) {
      this.#correct(
        r,
        'out-of-order',
        null,
        `reading at or before the previous one (${new Date(lastSeen).toISOString()}): dropped`,
      );
      return;
    }
    if (s.lastTs === null) {
      this.#accept(r, 0);
      return;
    }
    if (s.pending.length === 0) {
      this.#step(r);
      return;
    }
    this.#whilePending(r);
  }

  /** A reading after an accepted one, with nothing pending. */
  #step(r: RawReading): void {
    const s = this.#s;
    const factor = this.#factor(r);
    const unit = r.unit ?? this.#cfg.unit;
    const prev = this.#lastKWh();
    const v = this.#kwh(r, factor);
    const dt = r.ts - s.lastTs!;
    if (factor !== s.lastFactor && unit !== s.lastUnit) {
      // a declared unit change: compare in kWh and say so
      if (this.#plausible(prev, v, dt)) {
        const delta = this.#delta(prev, v);
        this.#correct(
          r,
          'unit-change',
          delta,
          `unit changed from ${s.lastUnit} to ${unit}: readings converted to kWh`,
        );
        this.#accept(r, delta, factor);
        return;
      }
    }
    if (this.#plausible(prev, v, dt)) {
      this.#accept(r, this.#delta(prev, v), factor);
      return;
    }
    if (this.#cfg.counter === 'daily' && v < prev) {
      // the daily counter restarted at midnight: expected, counted from zero, not an anomaly
      this.#accept(r, Math.max(0, v), factor);
      return;
    }
    const wrap = this.#rollover(prev, v, dt, factor);
    if (wrap !== null) {
      const delta = wrap - prev + v;
      this.#correct(
        r,
        'rollover',
        delta,
        `counter wrapped at ${fmt(wrap)} kWh (from ${fmt(prev)} to ${fmt(v)}): counted ${fmt(delta)} kWh across the wrap`,
      );
      this.#accept(r, delta, factor);
      return;
    }
    // a break: wait for the next readings; note whether a factor of 1000 would explain it
    this.#s.pending = [r];
    this.#s.pendingFix = [0.001, 1000].find((f) => this.#plausible(prev, v * f, dt)) ?? 1;
  }

  #delta(prev: number, v: number): number {
    return this.#cfg.counter === 'total' ? v - prev : Math.max(0, v - prev);
  }

  /** The wrap value (kWh) that explains a fall from `prev` to `v`, or null. */
  #rollover(prev: number, v: number, dt: number, factor: number): number | null {
    if (v >= prev || this.#cfg.counter === 'total') return null;
    const wraps = this.#cfg.rolloverAt !== null ? [this.#cfg.rolloverAt * factor] : WRAPS_KWH;
    for (const w of wraps) {
      if (prev > w + this.#tol(w)) continue;
      if (w - prev + v <= this.#maxStep(dt) + this.#tol(w)) return w;
    }
    return null;
  }

  /** Readings arriving while a break waits for confirmation. */
  #whilePending(r: RawReading): void {
    const s = this.#s;
    const prev = this.#lastKWh();
    const v = this.#kwh(r);
    if (this.#plausible(prev, v, r.ts - s.lastTs!)) {
      // back to the old level: the pending readings were spikes
      for (const p of s.pending)
        this.#correct(
          p,
          'spike',
          null,
          `reading ${fmt(this.#kwh(p))} kWh is implausible after ${fmt(prev)} kWh within ${Math.round((p.ts - s.lastTs!) / 1000)} s at most ${this.#cfg.maxPowerW} W, and the next reading returned: dropped`,
        );
      s.pending = [];
      s.pendingFix = 1;
      this.#step(r);
      return;
    }
    const last = s.pending[s.pending.length - 1]!;
    const f = s.pendingFix;
    if (this.#plausible(this.#kwh(last) * f, v * f, r.ts - last.ts)) {
      s.pending.push(r);
      if (s.pending.length > this.#cfg.confirmSamples) this.#resolveBreak();
      return;
    }
    // neither level: the oldest pending reading was a spike; look again at the rest
    const [spike, ...rest] = s.pending;
    this.#correct(
      spike!,
      'spike',
      null,
      `reading ${fmt(this.#kwh(spike!))} kWh fits neither the previous nor the following readings: dropped`,
    );
    s.pending = [];
    s.pendingFix = 1;
    for (const p of [...rest, r]) this.#one(p);
  }

  /** A confirmed new level: a unit change, a reset, or a level shift. */
  #resolveBreak(): void {
    const s = this.#s;
    const [first, ...rest] = s.pending;
    const fix = s.pendingFix;
    s.pending = [];
    s.pendingFix = 1;
    const prev = this.#lastKWh();
    const dt = first!.ts - s.lastTs!;
    const v = this.#kwh(first!);
    if (fix !== 1) {
      s.scaleFix *= fix;
      const delta = this.#delta(prev, v * fix);
      const seen = fix === 0.001 ? 'Wh read as kWh' : 'kWh read as Wh';
      this.#correct(
        first!,
        'unit-change',
        delta,
        `readings jumped by a factor of ${fix === 0.001 ? 1000 : '1/1000'} and stayed (${seen}): converted from now on`,
      );
      this.#accept(first!, delta);
      for (const p of rest) this.#step(p);
      return;
    }
    const estimate = Math.min(s.rateKWhPerMs * dt, this.#maxStep(dt));
    if (v < prev) {
      const toZero = v <= this.#maxStep(dt) + this.#tol(v);
      const delta = toZero ? v : estimate;
      this.#correct(
        first!,
        'reset',
        delta,
        toZero
          ? `counter reset from ${fmt(prev)} to ${fmt(v)} kWh: counting on from the reset, ${fmt(v)} kWh since it`
          : `counter fell from ${fmt(prev)} to ${fmt(v)} kWh (reset to a lower value, e.g. a replaced meter): counted ${fmt(delta)} kWh for the step at the recent rate`,
      );
      this.#accept(first!, delta);
    } else {
      this.#correct(
        first!,
        'level-shift',
        estimate,
        `counter jumped from ${fmt(prev)} to ${fmt(v)} kWh, more than ${this.#cfg.maxPowerW} W could deliver in ${Math.round(dt / 1000)} s, and stayed: counted ${fmt(estimate)} kWh for the step at the recent rate, the rest is not energy`,
      );
      this.#accept(first!, estimate);
    }
    for (const p of rest) this.#step(p);
  }
}
