import type { MeterBinding, MeterNode, MeteringTree, NodeRole } from '../../../../shared/energy/metering.ts';

/**
 * Energy (or power) through every node of the metering tree over one period, the unmetered
 * remainder of each metered node with metered children, and the site balance. Works the same on
 * kWh over a period (counters) and on W now (power entities): pass `quantity`.
 *
 * Remainders are parent minus children and are never clipped: a negative one means the children
 * measure more than their parent (a CT the wrong way round, a sub-meter on another phase, a device
 * counted twice) and is flagged, even when it is within meter accuracy.
 */

export type RemainderFlag = 'ok' | 'negative' | 'negative-within-tolerance';

export interface NodeEnergy {
  id: string;
  name: string;
  role: NodeRole;
  /** the node's own counters (kWh) or power (W); null when not bound or without data */
  importValue: number | null;
  exportValue: number | null;
  /** what the node consumes as measured at it (import - export); null when it has no meter data */
  measured: number | null;
  /** sum of the children's totals */
  children: number;
  /** measured, else the sum of the children */
  total: number | null;
  /** measured - children, for metered nodes with children */
  remainder: number | null;
  remainderFlag: RemainderFlag | null;
  /** bound entities that had no value */
  missing: string[];
  nodes: NodeEnergy[];
}

/** Site balance; every figure in the unit of the inputs (kWh over a period, or W now). */
export interface SiteBalance {
  gridImport: number;
  gridExport: number;
  pv: number;
  batteryCharge: number;
  batteryDischarge: number;
  /** what the building consumed: gridImport - gridExport + pv + batteryDischarge - batteryCharge */
  load: number;
  /** PV used on site: pv - gridExport (negative when the battery exported: not hidden) */
  selfConsumed: number;
  /** selfConsumed / pv; null without PV */
  selfConsumptionRate: number | null;
  /** 1 - gridImport / load: the share of the load not taken from the grid; null when load <= 0 */
  autarky: number | null;
}

export interface TreeEnergy {
  balance: SiteBalance;
  /** the site's load minus the metered loads under it */
  siteRemainder: number;
  siteRemainderFlag: RemainderFlag;
  nodes: NodeEnergy[];
  /** problems in words: negative remainders, missing data, a load the meters make negative */
  flags: string[];
}

export interface TreeOptions {
  /** 'energy': import/export counters (kWh); 'power': power entities (W), positive into the node */
  quantity?: 'energy' | 'power';
  /** a negative remainder this small against its parent is "within tolerance" (default 2 %) */
  tolerance?: number;
}

type Lookup = (entityId: string) => number | null | undefined;

function read(binding: MeterBinding | null, get: Lookup, quantity: 'energy' | 'power', missing: string[]) {
  const one = (id: string | undefined): number | null => {
    if (!id) return null;
    const v = get(id);
    if (v === null || v === undefined || !Number.isFinite(v)) {
      missing.push(id);
      return null;
    }
    return v;
  };
  if (!binding) return { imp: null, exp: null };
  if (quantity === 'energy') return { imp: one(binding.import), exp: one(binding.export) };
  const p = one(binding.power);
  return p === null ? { imp: null, exp: null } : { imp: Math.max(0, p), exp: Math.max(0, -p) };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

export function computeTree(tree: MeteringTree, get: Lookup, opts: TreeOptions = {}): TreeEnergy {
  const quantity = opts.quantity ?? 'energy';
  const tolerance = opts.tolerance ?? 0.02;
  const unit = quantity === 'energy' ? 'kWh' : 'W';
  const flags: string[] = [];

  const classify = (remainder: number, parent: number): RemainderFlag =>
    remainder >= 0
      ? 'ok'
      : -remainder <= tolerance * Math.abs(parent)
        ? 'negative-within-tolerance'
        : 'negative';

  const visit = (n: MeterNode): NodeEnergy => {
    const missing: string[] = [];
    const { imp, exp } = read(n.meter, get, quantity, missing);
    const nodes = n.children.map(visit);
    const children = nodes.reduce((s, c) => s + (c.total ?? 0), 0);
    const measured = imp === null && exp === null ? null : (imp ?? 0) - (exp ?? 0);
    const total = measured ?? (nodes.length ? children : null);
    let remainder: number | null = null;
    let remainderFlag: RemainderFlag | null = null;
    if (measured !== null && nodes.length > 0) {
      remainder = measured - children;
      remainderFlag = classify(remainder, measured);
      if (remainderFlag !== 'ok')
        flags.push(
          `"${n.name}": its sub-meters measure ${fmt(-remainder)} ${unit} more than it (remainder ${fmt(remainder)} ${unit}${remainderFlag === 'negative-within-tolerance' ? ', within meter accuracy' : ''}): check CT direction, phases, or a device counted twice`,
        );
    }
    if (missing.length) flags.push(`"${n.name}": no data from ${missing.join(', ')}`);
    return {
      id: n.id,
      name: n.name,
      role: n.role,
      importValue: imp,
      exportValue: exp,
      measured,
      children,
      total,
      remainder,
      remainderFlag,
      missing,
      nodes,
    };
  };

  const gridMissing: string[] = [];
  const grid = read(tree.site.grid, get, quantity, gridMissing);
  if (gridMissing.length) flags.push(`grid meter: no data from ${gridMissing.join(', ')}`);
  const nodes = tree.site.children.map(visit);
  let pv = 0;
  let charge = 0;
  let discharge = 0;
  let loads = 0;
  for (const n of nodes) {
    if (n.role === 'pv')
      pv += quantity === 'power' ? Math.abs(n.measured ?? 0) : (n.exportValue ?? 0) - (n.importValue ?? 0);
    else if (n.role === 'battery') {
      charge += n.importValue ?? 0;
      discharge += n.exportValue ?? 0;
    } else loads += n.total ?? 0;
  }
  const gridImport = grid.imp ?? 0;
  const gridExport = grid.exp ?? 0;
  const load = gridImport - gridExport + pv + discharge - charge;
  if (load < 0)
    flags.push(
      `the meters make the building's load negative (${fmt(load)} ${unit}): grid, PV and battery meters disagree`,
    );
  const selfConsumed = pv - gridExport;
  const balance: SiteBalance = {
    gridImport,
    gridExport,
    pv,
    batteryCharge: charge,
    batteryDischarge: discharge,
    load,
    selfConsumed,
    selfConsumptionRate: pv > 0 ? selfConsumed / pv : null,
    autarky: load > 0 ? 1 - gridImport / load : null,
  };
  const siteRemainder = load - loads;
  const siteRemainderFlag = classify(siteRemainder, load);
  if (siteRemainderFlag !== 'ok')
    flags.unshift(
      `site: the metered loads add up to ${fmt(-siteRemainder)} ${unit} more than the building consumed (remainder ${fmt(siteRemainder)} ${unit}${siteRemainderFlag === 'negative-within-tolerance' ? ', within meter accuracy' : ''})`,
    );
  return { balance, siteRemainder, siteRemainderFlag, nodes, flags };
}
