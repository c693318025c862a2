import { z } from 'zod';
import type { EntityKind } from '../domain/entity.ts';
import { formatIssues } from './tariff.ts';

/**
 * Metering as data: which entities measure energy and power, the metering tree an installer lays
 * out, and the correction log's entries. Directions are from the metered node's side: `import` is
 * energy flowing into the node from its parent (a load's consumption, a battery's charge, what the
 * site takes from the grid), `export` flows out of it (PV production, battery discharge, feed-in).
 */

// ---- classification ----------------------------------------------------------------------------

export type MeterFlow = 'import' | 'export' | 'net';

/**
 * How a counter behaves: `total_increasing` only grows except at resets (HA's state class; Tasmota
 * ENERGY.Total, Shelly aenergy, Zigbee seMetering); `total` may also go down (a net meter);
 * `daily` resets at local midnight (Tasmota ENERGY.Today): usable, but a total is better.
 */
export type CounterKind = 'total_increasing' | 'total' | 'daily';

export type MeterClass =
  | {
      quantity: 'energy';
      flow: MeterFlow;
      counter: CounterKind;
      /** multiply a reading by this to get kWh */
      toKWh: number;
      /** true when the direction came from no explicit signal (then: import) */
      flowGuessed: boolean;
      /** which rule recognised it, for the installer */
      rule: string;
    }
  | {
      quantity: 'power';
      flow: MeterFlow;
      /** multiply a reading by this to get W */
      toW: number;
      flowGuessed: boolean;
      rule: string;
    };

/** What classification needs of an entity (a subset of shared/domain/entity.ts's Entity). */
export interface EnergyEntityInfo {
  key: string;
  name: string;
  kind: EntityKind;
  deviceClass: string | null;
  unit: string | null;
  /** HA discovery's state_class where the adapter kept it */
  stateClass?: string | null;
}

export const ENERGY_UNITS: Record<string, number> = {
  mWh: 1e-6,
  Wh: 0.001,
  kWh: 1,
  MWh: 1000,
  GWh: 1e6,
  kJ: 1 / 3600,
  MJ: 1 / 3.6,
  GJ: 1000 / 3.6,
};
export const POWER_UNITS: Record<string, number> = { mW: 0.001, W: 1, kW: 1000, MW: 1e6 };

const EXPORT_WORDS =
  /(export|return|\bret\b|_ret\b|ret_|feed|produc|generat|inject|sold|to[_ ]grid|total_act_ret|discharg|solar|\bpv\b|pv[_ ]|yield)/i;
const IMPORT_WORDS = /(import|consum|purchas|bought|from[_ ]grid|delivered|\bcharg)/i;

function flowOf(text: string): { flow: MeterFlow; guessed: boolean } {
  if (EXPORT_WORDS.test(text)) return { flow: 'export', guessed: false };
  if (IMPORT_WORDS.test(text)) return { flow: 'import', guessed: false };
  return { flow: 'import', guessed: true };
}

/**
 * Recognises energy counters and power entities from what every family announces:
 * - Tasmota (hatasmota / tele SENSOR): `ENERGY.Total` (kWh counter), `ENERGY.Today` (daily counter),
 *   `ENERGY.ExportActive` (export counter), `ENERGY.Power` (W); `ENERGY.Yesterday` is a daily total,
 *   not a counter, and is not a meter.
 * - Shelly Gen2 (shelly-api-docs: Switch `aenergy`/`ret_aenergy`, EM `total_act_power`, EMData
 *   `total_act`/`total_act_ret`, EM1Data `total_act_energy`/`total_act_ret_energy`): keys
 *   `<component>/energy`, `<component>/ret_energy`, `emdata:N/total_act(_ret)`, `<component>/power`;
 *   the power of `em`/`em1` (grid meters) is signed, so it is `net`.
 * - Zigbee via zigbee-herdsman-converters exposes: `energy` (seMetering currentSummDelivered, kWh),
 *   `produced_energy`/`energy_produced` (currentSummReceived), `power` (haElectricalMeasurement
 *   activePower, W, signed on bidirectional meters); apparent (VA) and reactive (VAR) power are not
 *   active power and are not meters.
 * - Home Assistant MQTT discovery: `device_class` energy (state_class total_increasing or total) or
 *   power (measurement), any HA unit; the direction from the name or key (export/return/produced...).
 * - BTHome: energy (0x0a, 0x4d; kWh) and power (0x0b, 0x5c; W).
 * Returns null for anything else, including energy with state_class measurement (HA refuses it too).
 */
export function classifyEnergyEntity(e: EnergyEntityInfo): MeterClass | null {
  if (e.kind !== 'sensor') return null;
  const cls = (e.deviceClass ?? '').toLowerCase();
  const unit = e.unit ?? '';
  const text = `${e.key} ${e.name}`;
  // Tasmota ENERGY group
  if (/^ENERGY\.Yesterday$/.test(e.key)) return null;
  if (e.key === 'ENERGY.Total' || e.key === 'ENERGY.Today' || e.key === 'ENERGY.ExportActive') {
    const toKWh = ENERGY_UNITS[unit] ?? 1;
    return {
      quantity: 'energy',
      flow: e.key === 'ENERGY.ExportActive' ? 'export' : 'import',
      counter: e.key === 'ENERGY.Today' ? 'daily' : 'total_increasing',
      toKWh,
      flowGuessed: false,
      rule: `tasmota ${e.key}`,
    };
  }
  // Shelly EMData / EM1Data counters
  const shelly =
    /^(emdata|em1data):\d+\/(total_act_ret|total_act|total_act_energy|total_act_ret_energy)$/.exec(e.key);
  if (shelly)
    return {
      quantity: 'energy',
      flow: shelly[2]!.includes('ret') ? 'export' : 'import',
      counter: 'total_increasing',
      toKWh: ENERGY_UNITS[unit] ?? 0.001,
      flowGuessed: false,
      rule: `shelly ${shelly[1]} ${shelly[2]}`,
    };
  if (cls === 'energy' || cls === 'produced_energy' || cls === 'energy_produced') {
    const toKWh = ENERGY_UNITS[unit];
    if (toKWh === undefined) return null;
    if (e.stateClass === 'measurement') return null;
    const counter: CounterKind = e.stateClass === 'total' ? 'total' : 'total_increasing';
    if (cls !== 'energy')
      return {
        quantity: 'energy',
        flow: 'export',
        counter,
        toKWh,
        flowGuessed: false,
        rule: `zigbee ${cls}`,
      };
    const f = /\/ret_energy$|\/returned_energy$/.test(e.key)
      ? { flow: 'export' as const, guessed: false }
      : /^(switch|pm1):\d+\/energy$/.test(e.key)
        ? { flow: 'import' as const, guessed: false }
        : flowOf(text);
    return {
      quantity: 'energy',
      flow: f.flow,
      counter,
      toKWh,
      flowGuessed: f.guessed,
      rule: `device_class energy (${counter})`,
    };
  }
  if (cls === 'power' || /^power_phase_[bc]$/.test(cls) || e.key === 'ENERGY.Power') {
    const toW = POWER_UNITS[unit];
    if (toW === undefined) return null;
    if (/^(em|em1):\d+\/power$/.test(e.key))
      return {
        quantity: 'power',
        flow: 'net',
        toW,
        flowGuessed: false,
        rule: 'shelly em signed active power',
      };
    const f =
      /^(switch|pm1):\d+\/power$/.test(e.key) || e.key === 'ENERGY.Power'
        ? { flow: 'import' as const, guessed: false }
        : flowOf(text);
    return { quantity: 'power', flow: f.flow, toW, flowGuessed: f.guessed, rule: `device_class ${cls}` };
  }
  return null;
}

// ---- the metering tree -------------------------------------------------------------------------

export const METERING_TREE_FORMAT = 'truss.metering-tree';
export const METERING_TREE_FORMAT_VERSION = 1;

const EntityRef = z.string().min(1).max(200);

/** The entities that meter one node: energy counters in and out of it, and optionally its power. */
export const MeterBinding = z
  .object({
    /** energy counter into the node (consumption, battery charge, grid import) */
    import: EntityRef.optional(),
    /** energy counter out of the node (PV production, battery discharge, grid export) */
    export: EntityRef.optional(),
    /** power entity (W), for the live balance; positive = into the node unless its class says net */
    power: EntityRef.optional(),
  })
  .strict()
  .refine((b) => b.import || b.export || b.power, 'bind at least one entity');
export type MeterBinding = z.infer<typeof MeterBinding>;

export const NODE_KINDS = ['submeter', 'circuit', 'zone', 'device'] as const;
/** loads and their kinds (the optimiser's assets), and the sources at the site's connection */
export const NODE_ROLES = ['load', 'ev', 'heat_pump', 'hot_water', 'pv', 'battery'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export interface MeterNode {
  id: string;
  name: string;
  kind: (typeof NODE_KINDS)[number];
  role: NodeRole;
  zoneId: string | null;
  deviceId: string | null;
  meter: MeterBinding | null;
  children: MeterNode[];
}

export const MeterNode: z.ZodType<MeterNode, z.input<z.ZodTypeAny>> = z.lazy(() =>
  z
    .object({
      id: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "-" and "_" (at most 64)'),
      name: z.string().trim().min(1, 'give it a name').max(120),
      kind: z.enum(NODE_KINDS),
      role: z.enum(NODE_ROLES).default('load'),
      zoneId: z.string().max(200).nullable().default(null),
      deviceId: z.string().max(200).nullable().default(null),
      meter: MeterBinding.nullable().default(null),
      children: z.array(MeterNode).max(200).default([]),
    })
    .strict(),
) as z.ZodType<MeterNode, z.input<z.ZodTypeAny>>;

export const MeteringTree = z
  .object({
    format: z.literal(METERING_TREE_FORMAT).default(METERING_TREE_FORMAT),
    formatVersion: z.literal(METERING_TREE_FORMAT_VERSION).default(METERING_TREE_FORMAT_VERSION),
    site: z
      .object({
        name: z.string().trim().min(1).max(120),
        /** the grid connection: import and export counters of the main meter */
        grid: MeterBinding,
        children: z.array(MeterNode).max(200).default([]),
      })
      .strict(),
  })
  .strict()
  .superRefine((t, ctx) => checkTree(t.site.grid, t.site.children, ctx));
export type MeteringTree = z.infer<typeof MeteringTree>;

const MAX_DEPTH = 8;
const MAX_NODES = 2000;

function checkTree(grid: MeterBinding, children: MeterNode[], ctx: z.RefinementCtx): void {
  if (!grid.import)
    ctx.addIssue({
      code: 'custom',
      path: ['site', 'grid', 'import'],
      message: 'the grid meter needs an import counter',
    });
  const ids = new Map<string, string>();
  const entities = new Map<string, string>();
  let count = 0;
  const useEntity = (entity: string | undefined, owner: string, path: (string | number)[]) => {
    if (!entity) return;
    const prev = entities.get(entity);
    if (prev)
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${entity} already meters ${prev}: an entity is counted once`,
      });
    else entities.set(entity, owner);
  };
  for (const k of ['import', 'export', 'power'] as const) useEntity(grid[k], 'the grid', ['site', 'grid', k]);
  const walk = (nodes: MeterNode[], path: (string | number)[], depth: number, parentIsSite: boolean) => {
    nodes.forEach((n, i) => {
      const p = [...path, i];
      count++;
      if (count === MAX_NODES + 1)
        ctx.addIssue({ code: 'custom', path: p, message: `at most ${MAX_NODES} nodes in a tree` });
      if (depth > MAX_DEPTH) {
        ctx.addIssue({ code: 'custom', path: p, message: `at most ${MAX_DEPTH} levels below the site` });
        return;
      }
      const seen = ids.get(n.id);
      if (seen) ctx.addIssue({ code: 'custom', path: [...p, 'id'], message: `id "${n.id}" is used twice` });
      ids.set(n.id, n.name);
      if ((n.role === 'pv' || n.role === 'battery') && !parentIsSite)
        ctx.addIssue({
          code: 'custom',
          path: [...p, 'role'],
          message: `"${n.name}": ${n.role === 'pv' ? 'PV' : 'a battery'} is a source at the site's connection: place it directly under the site`,
        });
      if ((n.role === 'pv' || n.role === 'battery') && n.children.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: [...p, 'children'],
          message: `"${n.name}": a source has no children`,
        });
      if (n.role === 'pv' && n.meter && !n.meter.export && !n.meter.power)
        ctx.addIssue({
          code: 'custom',
          path: [...p, 'meter', 'export'],
          message: `"${n.name}": bind the PV's production counter as export`,
        });
      if (n.role === 'battery' && n.meter && !(n.meter.import && n.meter.export) && !n.meter.power)
        ctx.addIssue({
          code: 'custom',
          path: [...p, 'meter'],
          message: `"${n.name}": a battery needs its charge (import) and discharge (export) counters, or a power entity`,
        });
      if (!n.meter && n.children.length === 0)
        ctx.addIssue({ code: 'custom', path: p, message: `"${n.name}" has neither a meter nor children` });
      if (n.meter)
        for (const k of ['import', 'export', 'power'] as const)
          useEntity(n.meter[k], `"${n.name}"`, [...p, 'meter', k]);
      walk(n.children, [...p, 'children'], depth + 1, false);
    });
  };
  walk(children, ['site', 'children'], 1, true);
}

// ---- the correction log ------------------------------------------------------------------------

export const CORRECTION_RULES = [
  'reset',
  'rollover',
  'spike',
  'level-shift',
  'gap',
  'unit-change',
  'out-of-order',
  'non-finite',
] as const;
export type CorrectionRule = (typeof CORRECTION_RULES)[number];

/** One repair of a meter's readings, as an auditor reads it. */
export interface MeterCorrection {
  /** the entity id of the counter */
  meterId: string;
  /** time of the reading the rule acted on */
  at: number;
  /** when the correction was made */
  loggedAt: number;
  rule: CorrectionRule;
  raw: {
    /** the last accepted reading before it (null for the first) */
    prevTs: number | null;
    prevValue: number | null;
    prevUnit: string | null;
    ts: number;
    value: number;
    unit: string | null;
  };
  corrected: {
    /** energy counted for the step from the previous reading, kWh (null: the reading was dropped) */
    deltaKWh: number | null;
    /** the repaired counter after it, kWh (null: dropped) */
    totalKWh: number | null;
  };
  /** what was wrong and what was done, in words */
  detail: string;
}

// ---- import / export of the tree ---------------------------------------------------------------

export type MeteringTreeImport = { ok: true; tree: MeteringTree } | { ok: false; errors: string[] };

/** Reads a metering-tree file (JSON text); errors name the field, a newer format says so. */
export function importMeteringTree(text: string): MeteringTreeImport {
  if (text.length > 2_000_000) return { ok: false, errors: ['the file is larger than 2 MB'] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not JSON: ${(err as Error).message}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, errors: ['not a metering tree: expected a JSON object'] };
  const { format, formatVersion } = json as Record<string, unknown>;
  if (format !== undefined && format !== METERING_TREE_FORMAT)
    return { ok: false, errors: [`format: "${String(format).slice(0, 40)}" is not a Truss metering tree`] };
  if (typeof formatVersion === 'number' && formatVersion > METERING_TREE_FORMAT_VERSION)
    return {
      ok: false,
      errors: [
        `formatVersion: this file is metering-tree format ${formatVersion}; this Truss reads format ${METERING_TREE_FORMAT_VERSION}`,
      ],
    };
  const parsed = MeteringTree.safeParse(json);
  return parsed.success ? { ok: true, tree: parsed.data } : { ok: false, errors: formatIssues(parsed.error) };
}

export function exportMeteringTree(tree: MeteringTree): string {
  return `${JSON.stringify(MeteringTree.parse(tree), null, 2)}\n`;
}
