import { z } from 'zod';

/**
 * The planner's settings: what it may do (off, advise, execute), its horizon, and the building's
 * flexible assets with the entities that measure and command them. Zod-validated at the API; a
 * bad value is refused with its path and nothing is lost.
 */
const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, "-" and "_"');
const Name = z.string().trim().min(1).max(80);
const EntityId = z.string().min(1).max(200);
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day "HH:MM"');
const Kw = z.number().finite().positive().max(1000);
const Temp = z.number().finite().min(-30).max(95);
const Fraction = z.number().finite().gt(0).max(1);

const TopicName = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (t) => !/[+#]/.test(t) && !t.includes('\u0000') && !t.startsWith('$'),
    'a topic without wildcards, not starting with "$"',
  );

export const BatterySettings = z
  .object({
    id: Id,
    name: Name,
    /** state of charge, % */
    socEntity: EntityId,
    /** inverter mode ('charge' | 'discharge' | 'idle') and power as % of its limit */
    modeEntity: EntityId.nullable().default(null),
    powerEntity: EntityId.nullable().default(null),
    capacityKwh: z.number().finite().positive().max(10_000),
    socMinPct: z.number().min(0).max(100).default(10),
    socMaxPct: z.number().min(0).max(100).default(95),
    maxChargeKw: Kw,
    maxDischargeKw: Kw,
    roundTripEfficiency: Fraction.default(0.9),
    cyclingCostPerKwh: z.number().finite().min(0).max(10).default(0.02),
  })
  .strict()
  .refine((b) => b.socMinPct < b.socMaxPct, {
    message: 'socMinPct must be below socMaxPct',
    path: ['socMinPct'],
  });

export const EvSettings = z
  .object({
    id: Id,
    name: Name,
    /** plugged in (binary sensor) */
    pluggedEntity: EntityId,
    /** charging on/off, and the charge current (A, set as a setpoint) */
    switchEntity: EntityId,
    currentEntity: EntityId.nullable().default(null),
    minCurrentA: z.number().min(6).max(80).default(6),
    maxCurrentA: z.number().min(6).max(80).default(16),
    phases: z.union([z.literal(1), z.literal(3)]).default(3),
    voltage: z.number().min(100).max(400).default(230),
    efficiency: Fraction.default(0.92),
    /** when the car usually leaves, and the energy it needs by then, per plug-in */
    departure: Clock.default('07:00'),
    needKwh: z.number().finite().positive().max(200).default(20),
  })
  .strict()
  .refine((e) => e.minCurrentA <= e.maxCurrentA, {
    message: 'minCurrentA must not exceed maxCurrentA',
    path: ['minCurrentA'],
  });

export const HotWaterSettings = z
  .object({
    id: Id,
    name: Name,
    tempEntity: EntityId,
    switchEntity: EntityId,
    volumeL: z.number().finite().positive().max(10_000),
    minC: Temp.default(45),
    maxC: Temp.default(65),
    heaterKw: Kw,
    efficiency: z.number().finite().positive().max(6).default(1),
    lossKwPerK: z.number().finite().min(0).max(1).default(0.003),
    ambientC: Temp.default(18),
    /** expected draws: kWh of heat at a time of day */
    draws: z
      .array(z.object({ at: Clock, kwh: z.number().finite().min(0).max(100) }).strict())
      .max(48)
      .default([]),
  })
  .strict()
  .refine((h) => h.minC < h.maxC, { message: 'minC must be below maxC', path: ['minC'] });

export const ComfortPeriod = z
  .object({ from: Clock, to: Clock, lowC: Temp, highC: Temp })
  .strict()
  .refine((c) => c.lowC <= c.highC, { message: 'lowC must not exceed highC', path: ['lowC'] });

export const ZoneSettings = z
  .object({
    id: Id,
    name: Name,
    mode: z.enum(['heat', 'cool']).default('heat'),
    /** the zone's thermostat (commanded with set_setpoint) and the temperature it measures */
    thermostatEntity: EntityId,
    tempEntity: EntityId,
    /** the zone's heat pump or heater power (W), for identifying R and C from history */
    heatPowerEntity: EntityId.nullable().default(null),
    /** 1R1C: resistance to outside (K/kW) and heat capacity (kWh/K), identified from history */
    rKPerKw: z.number().finite().positive().max(1000),
    cKwhPerK: z.number().finite().positive().max(10_000),
    maxKw: Kw,
    copAt7: z.number().finite().min(1).max(8).default(3.2),
    copSlopePerK: z.number().finite().min(-0.5).max(0.5).default(0.08),
    /** the band outside the periods, and the periods' bands (a period may cross midnight) */
    lowC: Temp.default(17),
    highC: Temp.default(25),
    comfort: z.array(ComfortPeriod).max(24).default([]),
  })
  .strict()
  .refine((z) => z.lowC <= z.highC, { message: 'lowC must not exceed highC', path: ['lowC'] });

export const ApplianceSettings = z
  .object({
    id: Id,
    name: Name,
    /** the smart plug that releases the appliance's run */
    switchEntity: EntityId,
    powerKw: Kw,
    durationMinutes: z
      .number()
      .int()
      .min(15)
      .max(24 * 60),
    /** it may run between these times of day (the window may cross midnight) */
    from: Clock,
    to: Clock,
  })
  .strict();

export const PlanSettings = z
  .object({
    /** off: no plans; advise: plans shown, nothing commanded; execute: the plan runs the assets */
    mode: z.enum(['off', 'advise', 'execute']).default('advise'),
    horizonHours: z.number().int().min(6).max(48).default(36),
    replanMinutes: z.number().int().min(5).max(240).default(15),
    timeLimitS: z.number().min(0.5).max(120).default(10),
    /** a measured zone temperature this far from the plan's triggers a re-plan, K */
    deviationK: z.number().min(0.2).max(5).default(1),
    /** demand-response events on the broker (JSON {capKw, from, to, id?}); the ACL and this list decide who may publish */
    drTopic: TopicName.nullable().default(null),
    drPublishers: z.array(z.string().min(1).max(128)).max(20).default([]),
    battery: BatterySettings.nullable().default(null),
    ev: EvSettings.nullable().default(null),
    hotWater: HotWaterSettings.nullable().default(null),
    zones: z.array(ZoneSettings).max(40).default([]),
    appliances: z.array(ApplianceSettings).max(20).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = [
      s.battery?.id,
      s.ev?.id,
      s.hotWater?.id,
      ...s.zones.map((z) => z.id),
      ...s.appliances.map((a) => a.id),
    ];
    const seen = new Set<string>();
    ids.forEach((id) => {
      if (id === undefined) return;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `asset id "${id}" is used twice`, path: [] });
      seen.add(id);
    });
  });
export type PlanSettings = z.infer<typeof PlanSettings>;
export type ZoneSettings = z.infer<typeof ZoneSettings>;

/** R and C identified from a zone's history (`plan.identifyZone`) */
export interface ZoneIdentification {
  zoneId: string;
  rKPerKw: number;
  cKwhPerK: number;
  gainsKw: number;
  pairs: number;
  rmseK: number;
  from: number;
  to: number;
  /** whether the fit was saved into the zone's settings */
  applied: boolean;
}

/** A person's override: "charge the EV now", "hold 22 °C in the meeting room". */
export const PlanOverride = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ev_charge_now'), asset: Id, until: z.number().int().positive() }).strict(),
  z
    .object({
      kind: z.literal('hold_temperature'),
      asset: Id,
      tempC: Temp,
      until: z.number().int().positive(),
    })
    .strict(),
]);
export type PlanOverride = z.infer<typeof PlanOverride>;

/** A demand-response event: import capped at `capKw` over [from, to). */
export const DemandResponse = z
  .object({
    id: z.string().min(1).max(64).optional(),
    capKw: z.number().finite().min(0).max(100_000),
    from: z.number().int().positive(),
    to: z.number().int().positive(),
  })
  .strict()
  .refine((d) => d.to > d.from, { message: 'to must be after from', path: ['to'] })
  .refine((d) => d.to - d.from <= 7 * 86_400_000, { message: 'a window of at most 7 days', path: ['to'] });
export type DemandResponse = z.infer<typeof DemandResponse>;

export interface DrEventView {
  id: string;
  capKw: number;
  from: number;
  to: number;
  source: string;
  receivedAt: number;
  /** after the window: how well import stayed under the cap */
  compliance: { intervals: number; compliant: number; maxKw: number; excessKwh: number } | null;
}
