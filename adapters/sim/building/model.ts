import { localTime } from './clock.ts';
import {
  saturationPressurePa,
  co2After,
  relativeHumidityPct,
  vapourPressureAfter,
  OUTDOOR_CO2_PPM,
} from './air.ts';
import { applianceDrawW, lightDrawW } from './loads.ts';
import { occupantsAt } from './occupancy.ts';
import { pvPowerW } from './pv.ts';
import type { PlugSpec, RoomSpec, SiteSpec } from './site.ts';
import type { BuildingSnapshot, ZoneSnapshot } from './snapshot.ts';
import { irradiance, outdoorIlluminance, sunPosition } from './sun.ts';
import type { Irradiance, SunPosition } from './sun.ts';
import {
  SETPOINT_MAX,
  SETPOINT_MIN,
  THERMOSTAT_MODES,
  thermostatDemand,
  zoneTemperatureAfter,
} from './thermal.ts';
import type { Thermostat, ThermostatMode } from './thermal.ts';
import { weatherAt } from './weather.ts';
import type { Weather } from './weather.ts';

/** Longest interval over which inputs are held constant; thermostats act at this resolution. */
const MAX_SUBSTEP_MS = 15_000;
const J_PER_KWH = 3_600_000;
/** sensible heat of a seated adult, W */
const PERSON_W = 90;
/** share of global irradiance on the glazing that ends up as room heat (g-value times geometry) */
const SOLAR_GAIN_FACTOR = 0.12;

interface ZoneState {
  spec: RoomSpec;
  temperature: number;
  co2: number;
  vapourPa: number;
  occupants: number;
  illuminance: number;
  thermostat: Thermostat | null;
  heatingEnergyJ: number;
}
interface LightState {
  roomId: string;
  ratedW: number;
  fullLux: number;
  on: boolean;
  brightness: number;
  powerW: number;
  energyJ: number;
}
interface PlugState {
  spec: PlugSpec;
  on: boolean;
  powerW: number;
  energyJ: number;
}

export class CommandError extends Error {}

/**
 * The whole building. Commands change state at once and the instantaneous powers are recomputed,
 * so a device can echo the new state (and the meter can drop) within the same tick.
 */
export class BuildingModel {
  readonly site: SiteSpec;
  readonly seed: number;
  #timeMs: number;
  #zones = new Map<string, ZoneState>();
  #lights = new Map<string, LightState>();
  #plugs = new Map<string, PlugState>();
  #weather!: Weather;
  #sun!: SunPosition;
  #sky!: Irradiance;
  #pvW = 0;
  #pvJ = 0;
  #importJ = 0;
  #exportJ = 0;

  constructor(site: SiteSpec, seed: number, startMs: number) {
    this.site = site;
    this.seed = seed;
    this.#timeMs = startMs;
    const weather = weatherAt(startMs, seed, site.utcOffsetMinutes);
    for (const spec of site.rooms) {
      const temperature = spec.heaterW > 0 ? spec.defaultSetpoint - 0.5 : weather.outdoorTemperature + 8;
      this.#zones.set(spec.id, {
        spec,
        temperature,
        co2: OUTDOOR_CO2_PPM + 30,
        vapourPa: 0.4 * saturationPressurePa(temperature),
        occupants: 0,
        illuminance: 0,
        thermostat:
          spec.heaterW > 0 ? { mode: 'heat', setpoint: spec.defaultSetpoint, heating: false } : null,
        heatingEnergyJ: 0,
      });
      if (spec.light) {
        this.#lights.set(spec.id, {
          roomId: spec.id,
          ratedW: spec.light.ratedW,
          fullLux: spec.light.fullLux,
          on: false,
          brightness: 200,
          powerW: 0,
          energyJ: 0,
        });
      }
    }
    for (const spec of site.plugs) {
      if (!this.#zones.has(spec.roomId)) throw new Error(`plug ${spec.id}: unknown room ${spec.roomId}`);
      this.#plugs.set(spec.id, { spec, on: true, powerW: 0, energyJ: 0 });
    }
    this.#evaluate();
  }

  get timeMs(): number {
    return this.#timeMs;
  }

  /** Advance model time; long steps are cut into short ones so control and events stay sane. */
  step(dtMs: number): void {
    if (!Number.isFinite(dtMs) || dtMs < 0)
      throw new RangeError(`step: dtMs must be a finite number >= 0, got ${dtMs}`);
    let remaining = dtMs;
    while (remaining > 0) {
      const h = Math.min(MAX_SUBSTEP_MS, remaining);
      this.#integrate(h / 1000);
      this.#timeMs += h;
      remaining -= h;
      this.#evaluate();
    }
  }

  setPlug(plugId: string, on: boolean): void {
    const plug = this.#plugs.get(plugId);
    if (!plug) throw new CommandError(`unknown plug ${plugId}`);
    plug.on = on;
    this.#evaluate();
  }

  setLight(roomId: string, change: { on?: boolean; brightness?: number }): void {
    const light = this.#lights.get(roomId);
    if (!light) throw new CommandError(`no light in ${roomId}`);
    if (change.brightness !== undefined) {
      const b = change.brightness;
      if (!Number.isFinite(b) || b < 0 || b > 255)
        throw new CommandError(`brightness must be 0-255, got ${b}`);
      light.brightness = Math.round(b);
      // Setting a level on a dark light turns it on, as HA JSON lights do.
      if (change.on === undefined && light.brightness > 0) light.on = true;
    }
    if (change.on !== undefined) light.on = change.on;
    this.#evaluate();
  }

  setThermostat(roomId: string, change: { mode?: ThermostatMode; setpoint?: number }): void {
    const t = this.#zones.get(roomId)?.thermostat;
    if (!t) throw new CommandError(`no thermostat in ${roomId}`);
    if (change.mode !== undefined && !THERMOSTAT_MODES.includes(change.mode)) {
      throw new CommandError(`mode must be one of ${THERMOSTAT_MODES.join(', ')}`);
    }
    if (change.setpoint !== undefined) {
      const s = change.setpoint;
      if (!Number.isFinite(s) || s < SETPOINT_MIN || s > SETPOINT_MAX) {
        throw new CommandError(`setpoint must be ${SETPOINT_MIN}-${SETPOINT_MAX} °C, got ${s}`);
      }
      t.setpoint = s;
    }
    if (change.mode !== undefined) t.mode = change.mode;
    this.#evaluate();
  }

  /** Instantaneous inputs at the current time: weather, sun, occupancy, control, every draw. */
  #evaluate(): void {
    const t = this.#timeMs;
    const local = localTime(t, this.site.utcOffsetMinutes);
    this.#weather = weatherAt(t, this.seed, this.site.utcOffsetMinutes);
    this.#sun = sunPosition(t, this.site.lat, this.site.lon);
    this.#sky = irradiance(this.#sun, this.#weather.cloudiness);
    this.#pvW = pvPowerW(this.site.pv, this.#sun, this.#sky);
    const outdoorLux = outdoorIlluminance(this.#sky);
    for (const z of this.#zones.values()) {
      z.occupants = occupantsAt(z.spec.occupancy, z.spec.capacity, z.spec.id, t, local, this.seed);
      if (z.thermostat) z.thermostat.heating = thermostatDemand(z.thermostat, z.temperature);
      const light = this.#lights.get(z.spec.id);
      if (light) light.powerW = lightDrawW(light.ratedW, light.on, light.brightness);
      const artificial = light && light.on ? (light.fullLux * light.brightness) / 255 : 0;
      z.illuminance = z.spec.daylightFactor * outdoorLux + artificial;
    }
    for (const p of this.#plugs.values()) {
      const occupants = this.#zones.get(p.spec.roomId)?.occupants ?? 0;
      p.powerW = p.on
        ? applianceDrawW(p.spec.load, {
            epochMs: t,
            time: local,
            seed: this.seed,
            occupants,
            plugId: p.spec.id,
          })
        : 0;
    }
  }

  #heatingW(z: ZoneState): number {
    return z.thermostat?.heating ? z.spec.heaterW : 0;
  }

  #integrate(dtS: number): void {
    const w = this.#weather;
    for (const z of this.#zones.values()) {
      let gains = this.#heatingW(z) + z.occupants * PERSON_W;
      gains += this.#lights.get(z.spec.id)?.powerW ?? 0;
      for (const p of this.#plugs.values()) if (p.spec.roomId === z.spec.id) gains += p.powerW;
      gains += z.spec.windowM2 * this.#sky.globalHorizontal * SOLAR_GAIN_FACTOR;
      z.heatingEnergyJ += this.#heatingW(z) * dtS;
      z.temperature = zoneTemperatureAfter(
        z.temperature,
        w.outdoorTemperature,
        gains,
        z.spec.uaWPerK,
        z.spec.capacitanceJPerK,
        dtS,
      );
      z.co2 = co2After(z.co2, z.occupants, z.spec.volumeM3, z.spec.airChangesPerHour, dtS);
      z.vapourPa = vapourPressureAfter(
        z.vapourPa,
        w.outdoorTemperature,
        w.outdoorHumidity,
        z.occupants,
        z.spec.volumeM3,
        z.spec.airChangesPerHour,
        dtS,
      );
    }
    for (const l of this.#lights.values()) l.energyJ += l.powerW * dtS;
    for (const p of this.#plugs.values()) p.energyJ += p.powerW * dtS;
    this.#pvJ += this.#pvW * dtS;
    const net = this.#netW();
    if (net >= 0) this.#importJ += net * dtS;
    else this.#exportJ += -net * dtS;
  }

  #totals() {
    let plugsW = 0;
    let lightsW = 0;
    let heatingW = 0;
    for (const p of this.#plugs.values()) plugsW += p.powerW;
    for (const l of this.#lights.values()) lightsW += l.powerW;
    for (const z of this.#zones.values()) heatingW += this.#heatingW(z);
    return { plugsW, lightsW, heatingW };
  }

  #netW(): number {
    const t = this.#totals();
    return t.plugsW + t.lightsW + t.heatingW - this.#pvW;
  }

  snapshot(): BuildingSnapshot {
    const zones: Record<string, ZoneSnapshot> = {};
    for (const z of this.#zones.values()) {
      zones[z.spec.id] = {
        name: z.spec.name,
        floor: z.spec.floor,
        temperature: z.temperature,
        humidity: relativeHumidityPct(z.vapourPa, z.temperature),
        co2: z.co2,
        illuminance: z.illuminance,
        occupants: z.occupants,
        occupied: z.occupants > 0,
        thermostat: z.thermostat ? { ...z.thermostat } : null,
        heatingPowerW: this.#heatingW(z),
        heatingEnergyKWh: z.heatingEnergyJ / J_PER_KWH,
      };
    }
    const lights: BuildingSnapshot['lights'] = {};
    for (const [id, l] of this.#lights) {
      lights[id] = {
        roomId: l.roomId,
        on: l.on,
        brightness: l.brightness,
        powerW: l.powerW,
        energyKWh: l.energyJ / J_PER_KWH,
      };
    }
    const plugs: BuildingSnapshot['plugs'] = {};
    for (const [id, p] of this.#plugs) {
      plugs[id] = { roomId: p.spec.roomId, on: p.on, powerW: p.powerW, energyKWh: p.energyJ / J_PER_KWH };
    }
    const net = this.#netW();
    return {
      timeMs: this.#timeMs,
      outdoor: {
        temperature: this.#weather.outdoorTemperature,
        humidity: this.#weather.outdoorHumidity,
        cloudiness: this.#weather.cloudiness,
        illuminance: outdoorIlluminance(this.#sky),
      },
      sun: { ...this.#sun },
      zones,
      lights,
      plugs,
      pv: { powerW: this.#pvW, energyKWh: this.#pvJ / J_PER_KWH },
      meter: {
        netPowerW: net,
        importPowerW: Math.max(0, net),
        exportPowerW: Math.max(0, -net),
        importEnergyKWh: this.#importJ / J_PER_KWH,
        exportEnergyKWh: this.#exportJ / J_PER_KWH,
      },
      totals: this.#totals(),
    };
  }
}
