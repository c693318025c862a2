import { describe, expect, it } from 'vitest';
import { computeTree } from '../../../../main/core/energy/metering/tree.ts';
import { MeteringTree, exportMeteringTree, importMeteringTree } from '../../../../shared/energy/metering.ts';
import { formatIssues } from '../../../../shared/energy/tariff.ts';

/**
 * site (grid import 120, export 30 kWh)
 * ├─ PV (production 60)
 * ├─ battery (charge 10, discharge 8)
 * ├─ ground floor circuit (50)
 * │   ├─ kitchen zone (20)
 * │   └─ office zone (25)            -> ground floor remainder 5
 * ├─ heat pump (40)
 * └─ upstairs (no meter)
 *     ├─ lamp (3)
 *     └─ fan (2)                      -> upstairs = 5, derived
 * load = 120 - 30 + 60 + 8 - 10 = 148; metered loads 50 + 40 + 5 = 95; site remainder 53
 */
const layout = {
  site: {
    name: 'Office',
    grid: { import: 'grid.in', export: 'grid.out', power: 'grid.w' },
    children: [
      { id: 'pv', name: 'PV', kind: 'submeter', role: 'pv', meter: { export: 'pv.kwh', power: 'pv.w' } },
      {
        id: 'bat',
        name: 'Battery',
        kind: 'submeter',
        role: 'battery',
        meter: { import: 'bat.in', export: 'bat.out', power: 'bat.w' },
      },
      {
        id: 'gf',
        name: 'Ground floor',
        kind: 'circuit',
        meter: { import: 'gf.kwh' },
        children: [
          {
            id: 'kitchen',
            name: 'Kitchen',
            kind: 'zone',
            zoneId: 'zone-kitchen',
            meter: { import: 'kitchen.kwh' },
          },
          { id: 'office', name: 'Office', kind: 'zone', meter: { import: 'office.kwh' } },
        ],
      },
      { id: 'hp', name: 'Heat pump', kind: 'device', role: 'heat_pump', meter: { import: 'hp.kwh' } },
      {
        id: 'up',
        name: 'Upstairs',
        kind: 'circuit',
        children: [
          { id: 'lamp', name: 'Lamp', kind: 'device', meter: { import: 'lamp.kwh' } },
          { id: 'fan', name: 'Fan', kind: 'device', meter: { import: 'fan.kwh' } },
        ],
      },
    ],
  },
};

const energy: Record<string, number> = {
  'grid.in': 120,
  'grid.out': 30,
  'pv.kwh': 60,
  'bat.in': 10,
  'bat.out': 8,
  'gf.kwh': 50,
  'kitchen.kwh': 20,
  'office.kwh': 25,
  'hp.kwh': 40,
  'lamp.kwh': 3,
  'fan.kwh': 2,
};

const tree = MeteringTree.parse(layout);

describe('metering tree', () => {
  it("each node's energy, the unmetered remainders and the site balance", () => {
    const r = computeTree(tree, (id) => energy[id]);
    expect(r.balance).toEqual({
      gridImport: 120,
      gridExport: 30,
      pv: 60,
      batteryCharge: 10,
      batteryDischarge: 8,
      load: 148,
      selfConsumed: 30,
      selfConsumptionRate: 0.5,
      autarky: 1 - 120 / 148,
    });
    expect(r.siteRemainder).toBe(53);
    expect(r.siteRemainderFlag).toBe('ok');
    const gf = r.nodes.find((n) => n.id === 'gf')!;
    expect(gf).toMatchObject({ measured: 50, children: 45, total: 50, remainder: 5, remainderFlag: 'ok' });
    const up = r.nodes.find((n) => n.id === 'up')!;
    expect(up).toMatchObject({ measured: null, children: 5, total: 5, remainder: null });
    expect(r.flags).toEqual([]);
  });

  it('a negative remainder is kept negative and flagged, within meter accuracy or not', () => {
    const r = computeTree(tree, (id) => ({ ...energy, 'office.kwh': 35 })[id]);
    const gf = r.nodes.find((n) => n.id === 'gf')!;
    expect(gf).toMatchObject({ remainder: -5, remainderFlag: 'negative' });
    expect(r.flags).toEqual([
      '"Ground floor": its sub-meters measure 5.00 kWh more than it (remainder -5.00 kWh): check CT direction, phases, or a device counted twice',
    ]);
    const close = computeTree(tree, (id) => ({ ...energy, 'office.kwh': 30.5 })[id]);
    expect(close.nodes.find((n) => n.id === 'gf')).toMatchObject({
      remainder: -0.5,
      remainderFlag: 'negative-within-tolerance',
    });
    expect(close.flags[0]).toMatch(/remainder -0\.50 kWh, within meter accuracy/);
  });

  it('a site whose metered loads exceed its load is flagged at the top', () => {
    const r = computeTree(tree, (id) => ({ ...energy, 'hp.kwh': 110 })[id]);
    expect(r.siteRemainder).toBe(148 - 165);
    expect(r.siteRemainderFlag).toBe('negative');
    expect(r.flags[0]).toBe(
      'site: the metered loads add up to 17.00 kWh more than the building consumed (remainder -17.00 kWh)',
    );
  });

  it('missing data is named, and a load the meters make negative is flagged', () => {
    const r = computeTree(tree, (id) =>
      id === 'kitchen.kwh' ? null : id === 'grid.in' ? 0 : id === 'grid.out' ? 100 : energy[id],
    );
    expect(r.flags).toEqual(
      expect.arrayContaining([
        '"Kitchen": no data from kitchen.kwh',
        "the meters make the building's load negative (-42.00 kWh): grid, PV and battery meters disagree",
      ]),
    );
  });

  it('the live balance from power entities (W): signed grid power, PV power of either sign, battery charging', () => {
    const power: Record<string, number> = { 'grid.w': -1500, 'pv.w': -4000, 'bat.w': 500 };
    const r = computeTree(tree, (id) => power[id], { quantity: 'power' });
    expect(r.balance).toMatchObject({
      gridImport: 0,
      gridExport: 1500,
      pv: 4000,
      batteryCharge: 500,
      load: 2000,
    });
    expect(r.balance.selfConsumptionRate).toBeCloseTo(2500 / 4000, 12);
    expect(r.balance.autarky).toBe(1);
  });
});

describe('metering tree schema', () => {
  const errors = (t: unknown) => {
    const r = MeteringTree.safeParse(t);
    return r.success ? [] : formatIssues(r.error);
  };

  it('an entity may meter one node only; ids are unique', () => {
    const t = structuredClone(layout);
    t.site.children[4]!.children![1]!.meter = { import: 'hp.kwh' };
    t.site.children[4]!.children![0]!.id = 'hp';
    expect(errors(t)).toEqual([
      'site.children[4].children[0].id: id "hp" is used twice',
      'site.children[4].children[1].meter.import: hp.kwh already meters "Heat pump": an entity is counted once',
    ]);
  });

  it('PV and batteries sit at the site and need the right counters; a node needs a meter or children', () => {
    const t = structuredClone(layout) as any;
    t.site.children[2].children.push({
      id: 'roof',
      name: 'Roof PV',
      kind: 'submeter',
      role: 'pv',
      meter: { import: 'roof.in' },
    });
    t.site.children[1].meter = { import: 'bat.in' };
    t.site.children.push({ id: 'empty', name: 'Empty', kind: 'circuit' });
    t.site.grid = { export: 'grid.out' };
    expect(errors(t)).toEqual([
      'site.grid.import: the grid meter needs an import counter',
      'site.children[1].meter: "Battery": a battery needs its charge (import) and discharge (export) counters, or a power entity',
      'site.children[2].children[2].role: "Roof PV": PV is a source at the site\'s connection: place it directly under the site',
      'site.children[2].children[2].meter.export: "Roof PV": bind the PV\'s production counter as export',
      'site.children[5]: "Empty" has neither a meter nor children',
    ]);
  });

  it('round-trips through its versioned JSON file; a newer format is refused', () => {
    const back = importMeteringTree(exportMeteringTree(tree));
    expect(back).toEqual({ ok: true, tree });
    expect(importMeteringTree(JSON.stringify({ ...layout, formatVersion: 9 }))).toEqual({
      ok: false,
      errors: ['formatVersion: this file is metering-tree format 9; this Truss reads format 1'],
    });
    expect(importMeteringTree('{')).toMatchObject({ ok: false });
  });
});
