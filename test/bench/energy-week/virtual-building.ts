import { mulberry32 } from '../bench-kit.ts';
import {
  EV_NEED_KWH,
  EXPORT_PRICE,
  SLOT_MS,
  type ZoneModel,
  baseKw,
  comfort,
  dayAheadPrice,
  hotWaterDrawKwh,
  outdoorC,
  pvKw,
} from './site.ts';

/**
 * The virtual building the simulated week runs on: the physics the optimiser does not see. Its
 * zones differ from the planner's models (R and C off by up to ±20 %, COP 8 % lower, solar and
 * internal gains the model leaves out), its heat pumps are on/off behind thermostats with
 * hysteresis, its battery loses more than its datasheet says, the tank loses more and draws
 * vary, the weather, PV and base load deviate from their forecasts, and the temperatures the
 * controllers read are noisy. Stepped in one-minute sub-steps; deterministic for a seed.
 */
export interface SlotActions {
  /** thermostat setpoints per zone */
  setpointC: number[];
  /** + charge, - discharge, kW; 'self': self-consumption (charge from surplus, cover deficits) */
  battery: number | 'self';
  evKw: number;
  /** heater power, kW, or the tank's own thermostat around `target` */
  tank: number | { thermostat: number };
  /**
   * A site import ceiling held locally, minute by minute, as a wallbox and a hybrid inverter with
   * a grid meter do (dynamic load management): the EV slows down first, then the battery
   * discharges more. Undefined: nothing holds the import.
   */
  importCapKw?: number;
}

export interface Measured {
  zoneC: number[];
  socKwh: number;
  tankC: number;
  ev: { from: number; until: number; needKwh: number } | null;
}

export interface WeekResult {
  energyCost: number;
  demandCost: number;
  cost: number;
  peakKw: number;
  importKwh: number;
  /** degree-hours outside the comfort band, all zones */
  comfortKh: number;
  /** kWh the EV lacked at departure, and degree-hours the tank spent below its minimum */
  evShortKwh: number;
  tankKh: number;
}

const SUB_MS = 60_000;
const HYSTERESIS = 0.25;
const BATTERY = { min: 1, max: 9.5, chargeKw: 4, dischargeKw: 4, eta: Math.sqrt(0.86) };
const TANK = { kwhPerK: 0.23, minC: 45, heaterKw: 3, lossKwPerK: 0.004, ambientC: 18 };
const EV = { minKw: 4.14, maxKw: 11.04, eta: 0.9 };

export class VirtualBuilding {
  readonly #rand: () => number;
  readonly #zones: Array<ZoneModel & { rTrue: number; cTrue: number; copFactor: number; gainKw: number }>;
  readonly #zoneC: number[];
  readonly #heating: boolean[];
  #soc = 5;
  #tankC = 55;
  #tankHeating = false;
  #outdoorErr = 0;
  #ev: { from: number; until: number; needKwh: number } | null = null;
  readonly result: WeekResult = {
    energyCost: 0,
    demandCost: 0,
    cost: 0,
    peakKw: 0,
    importKwh: 0,
    comfortKh: 0,
    evShortKwh: 0,
    tankKh: 0,
  };

  constructor(zones: ZoneModel[], seed = 7) {
    this.#rand = mulberry32(seed);
    this.#zones = zones.map((z) => ({
      ...z,
      rTrue: z.rKPerKw * (0.8 + 0.4 * this.#rand()),
      cTrue: z.cKwhPerK * (0.8 + 0.4 * this.#rand()),
      copFactor: 0.92,
      gainKw: 0.1 + 0.2 * this.#rand(),
    }));
    this.#zoneC = zones.map(() => 20.5 + this.#rand());
    this.#heating = zones.map(() => false);
  }

  measure(): Measured {
    const noise = () => (this.#rand() - 0.5) * 0.2;
    return {
      zoneC: this.#zoneC.map((c) => Math.round((c + noise()) * 10) / 10),
      socKwh: this.#soc,
      tankC: Math.round(this.#tankC * 2) / 2,
      ev: this.#ev ? { ...this.#ev } : null,
    };
  }

  /** one 15-min slot under the controller's actions */
  step(start: number, a: SlotActions): void {
    this.#plugInOut(start);
    let sumImportKw = 0;
    const subs = SLOT_MS / SUB_MS;
    const dt = SUB_MS / 3_600_000;
    for (let k = 0; k < subs; k++) {
      const at = start + k * SUB_MS;
      this.#outdoorErr = 0.995 * this.#outdoorErr + (this.#rand() - 0.5) * 0.1;
      const out = outdoorC(at) + this.#outdoorErr;
      const sun = pvKw(at) / 8;
      let load = Math.max(0, baseKw(at) + (this.#rand() - 0.5) * 0.4);
      this.#zones.forEach((z, i) => {
        const t = this.#zoneC[i]!;
        const sp = a.setpointC[i]!;
        if (t < sp - HYSTERESIS) this.#heating[i] = true;
        else if (t > sp + HYSTERESIS) this.#heating[i] = false;
        const cop = Math.min(8, Math.max(1, (z.copAt7 + z.copSlopePerK * (out - 7)) * z.copFactor));
        const hp = this.#heating[i] ? z.maxKw : 0;
        const gains = z.gainKw + 0.6 * sun;
        this.#zoneC[i] = t + (dt / z.cTrue) * ((out - t) / z.rTrue + cop * hp + gains);
        load += hp;
        const [lo, hi] = comfort(at);
        this.result.comfortKh += dt * (Math.max(0, lo - this.#zoneC[i]!) + Math.max(0, this.#zoneC[i]! - hi));
      });

      let tankKw = 0;
      if (typeof a.tank === 'number') tankKw = Math.min(TANK.heaterKw, Math.max(0, a.tank));
      else {
        if (this.#tankC < a.tank.thermostat - 2.5) this.#tankHeating = true;
        else if (this.#tankC > a.tank.thermostat + 2.5) this.#tankHeating = false;
        tankKw = this.#tankHeating ? TANK.heaterKw : 0;
      }
      if (this.#tankC < 40) tankKw = TANK.heaterKw; // the tank's own safety thermostat
      const draw = (hotWaterDrawKwh(at) / subs) * (0.7 + 0.6 * this.#rand());
      this.#tankC +=
        (tankKw * dt - draw - TANK.lossKwPerK * (this.#tankC - TANK.ambientC) * dt) / TANK.kwhPerK;
      this.result.tankKh += dt * Math.max(0, TANK.minC - this.#tankC);
      load += tankKw;

      const pv = pvKw(at) * (0.85 + 0.3 * this.#rand());
      const planned = typeof a.battery === 'number' ? a.battery : 0;
      if (this.#ev && at >= this.#ev.from && at < this.#ev.until && this.#ev.needKwh > 0) {
        let kw = a.evKw >= EV.minKw - 1e-6 ? Math.min(EV.maxKw, a.evKw, this.#ev.needKwh / (EV.eta * dt)) : 0;
        if (a.importCapKw !== undefined && kw > 0) {
          const over = load + kw + planned - pv - a.importCapKw;
          if (over > 0) kw = kw - over >= EV.minKw ? kw - over : 0;
        }
        this.#ev.needKwh -= kw * EV.eta * dt;
        load += kw;
      }
      let net = load - pv;
      let bat = a.battery === 'self' ? -net : a.battery;
      if (a.importCapKw !== undefined && net + bat > a.importCapKw) bat = a.importCapKw - net;
      if (bat > 0) bat = Math.min(bat, BATTERY.chargeKw, (BATTERY.max - this.#soc) / (BATTERY.eta * dt));
      else bat = -Math.min(-bat, BATTERY.dischargeKw, ((this.#soc - BATTERY.min) * BATTERY.eta) / dt);
      if (a.battery === 'self' && bat < 0) bat = -Math.min(-bat, Math.max(0, net));
      this.#soc += bat > 0 ? bat * BATTERY.eta * dt : (bat * dt) / BATTERY.eta;
      net += bat;
      const imp = Math.max(0, net);
      const exp = Math.min(10, Math.max(0, -net));
      this.result.energyCost += dt * (imp * dayAheadPrice(at) - exp * EXPORT_PRICE);
      this.result.importKwh += dt * imp;
      sumImportKw += imp;
    }
    this.result.peakKw = Math.max(this.result.peakKw, sumImportKw / subs);
  }

  #plugInOut(start: number): void {
    const h = new Date(start).getUTCHours() + new Date(start).getUTCMinutes() / 60;
    if (this.#ev && start >= this.#ev.until) {
      this.result.evShortKwh += Math.max(0, this.#ev.needKwh);
      this.#ev = null;
    }
    if (!this.#ev && h === 18) {
      const day = Math.floor(start / 86_400_000) * 86_400_000;
      this.#ev = {
        from: start,
        until: day + 31 * 3_600_000,
        needKwh: EV_NEED_KWH * (0.75 + 0.5 * this.#rand()),
      };
    }
  }
}
