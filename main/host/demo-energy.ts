import { DEMO_PRICE_TOPIC } from '../../adapters/sim/mqtt/price-feed.ts';
import type { SiteSpec } from '../../adapters/sim/building/site.ts';
import { meteringPlug } from '../../adapters/sim/zigbee/devices.ts';
import type { MeterNode, MeteringTree } from '../../shared/energy/metering.ts';
import { EnergySettings } from '../../shared/energy/site.ts';
import { Tariff, type TariffInput } from '../../shared/energy/tariff.ts';
import type { Core } from '../core/core.ts';

export const DEMO_TARIFF_ID = 'demo-dynamic';
export const DEMO_PRICE_SERIES = 'demo-dayahead';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'] as const;

/**
 * The demo site's tariff: day-ahead prices (from the simulated feed) plus a supplier margin, with
 * time-of-use bands where no day-ahead price is known, a demand charge on the month's highest
 * 15-minute import (as commercial connections in Germany pay it), a grid fee, a meter charge and
 * VAT; feed-in paid at a flat rate.
 */
export const DEMO_TARIFF: TariffInput = {
  id: DEMO_TARIFF_ID,
  name: 'Demo dynamic tariff with demand charge',
  currency: 'EUR',
  versions: [
    {
      validFrom: '2020-01-01',
      seasons: [
        {
          name: 'All year',
          from: '01-01',
          to: '12-31',
          bands: [
            { name: 'Day', days: [...ALL_DAYS], from: '07:00', to: '21:00', importPrice: 0.14 },
            { name: 'Night', days: [...ALL_DAYS], from: '21:00', to: '07:00', importPrice: 0.09 },
          ],
        },
      ],
      exportPrice: 0.081,
      demandCharges: [{ name: 'Monthly peak demand', pricePerKw: 11.5 }],
      fixedCharges: [{ name: 'Meter operation', amount: 12, per: 'month' }],
      taxes: { vatPercent: 19, levies: [{ name: 'Grid fee and levies', perKWh: 0.11 }], vatOnExport: false },
      billing: { periodStartDay: 1 },
      holidays: { dates: [], country: 'DE', region: 'HE' },
      dynamic: { series: DEMO_PRICE_SERIES, import: { multiplier: 1, adder: 0.018 }, export: null },
    },
  ],
};

/** an entity of a device (by adapter and address) whose key ends with `suffix` */
function entityOf(core: Core, address: string, suffix: string, adapter = 'mqtt'): string | undefined {
  const registry = core.use('registry');
  const device = registry.deviceByAddress(adapter, address);
  if (!device) return undefined;
  const entities = registry.entitiesOf(device.id);
  // the exact key first (Zigbee `energy` beside `produced_energy`), then a key ending in it
  return (
    entities.find((e) => e.key === suffix) ??
    entities.find((e) => e.key.endsWith(`/${suffix}`) || e.key.endsWith(`_${suffix}`)) ??
    entities.find((e) => e.key.endsWith(suffix))
  )?.id;
}

/** The demo's metering tree: the main meter, the PV inverter, and the metered plugs by room. */
function demoTree(core: Core, site: SiteSpec): MeteringTree | null {
  const gridImport = entityOf(core, 'sim-main-meter', 'import_energy');
  if (!gridImport) return null;
  const grid = {
    import: gridImport,
    ...(entityOf(core, 'sim-main-meter', 'export_energy')
      ? { export: entityOf(core, 'sim-main-meter', 'export_energy')! }
      : {}),
    ...(entityOf(core, 'sim-main-meter', 'grid_power')
      ? { power: entityOf(core, 'sim-main-meter', 'grid_power')! }
      : {}),
  };
  const children: MeterNode[] = [];
  const pvExport = entityOf(core, 'sim-pv-inverter', 'energy');
  const pvPower = entityOf(core, 'sim-pv-inverter', 'power');
  if (pvExport || pvPower)
    children.push({
      id: 'pv',
      name: 'PV roof',
      kind: 'submeter',
      role: 'pv',
      zoneId: null,
      deviceId: null,
      meter: { ...(pvExport ? { export: pvExport } : {}), ...(pvPower ? { power: pvPower } : {}) },
      children: [],
    });
  for (const room of site.rooms) {
    const plugs: MeterNode[] = [];
    for (const plug of site.plugs.filter((p) => p.roomId === room.id)) {
      const imp = entityOf(core, `sim-${plug.id}`, 'energy');
      if (!imp) continue;
      const power = entityOf(core, `sim-${plug.id}`, 'power');
      plugs.push({
        id: plug.id,
        name: plug.name,
        kind: 'device',
        role: 'load',
        zoneId: null,
        deviceId: null,
        meter: { import: imp, ...(power ? { power } : {}) },
        children: [],
      });
    }
    // the Zigbee metering plug (seMetering / haElectricalMeasurement) in the kitchen, when the
    // emulated coordinator runs
    const zigbeeEnergy =
      room.id === 'kitchen' ? entityOf(core, meteringPlug().ieee, 'energy', 'zigbee') : undefined;
    if (zigbeeEnergy) {
      const power = entityOf(core, meteringPlug().ieee, 'power', 'zigbee');
      plugs.push({
        id: 'kettle-zigbee',
        name: 'Kettle plug (Zigbee)',
        kind: 'device',
        role: 'load',
        zoneId: null,
        deviceId: null,
        meter: { import: zigbeeEnergy, ...(power ? { power } : {}) },
        children: [],
      });
    }
    if (plugs.length)
      children.push({
        id: `zone-${room.id}`,
        name: room.name,
        kind: 'zone',
        role: 'load',
        zoneId: null,
        deviceId: null,
        meter: null,
        children: plugs,
      });
  }
  return { format: 'truss.metering-tree', formatVersion: 1, site: { name: site.name, grid, children } };
}

/**
 * Sets up the demo site's energy on its first start, as an installer would: the dynamic tariff
 * with its demand charge, the price feed's topic, the PV array, the outdoor sensor and the
 * metering tree. What a person has changed since is left alone.
 */
export async function configureDemoEnergy(core: Core, site: SiteSpec, withZigbee = false): Promise<void> {
  const energy = core.use('energy');
  // the Zigbee plug's entities appear once its interview is done: wait for them (bounded)
  for (let i = 0; withZigbee && !energy.tree() && i < 100; i++) {
    if (entityOf(core, meteringPlug().ieee, 'energy', 'zigbee')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!energy.repo.tariff(DEMO_TARIFF_ID)) await energy.tariffs.save(Tariff.parse(DEMO_TARIFF), 'demo');
  if (energy.settings().tariffId === null) {
    const pv = site.pv;
    await energy.saveSettings(
      EnergySettings.parse({
        tariffId: DEMO_TARIFF_ID,
        prices: { series: DEMO_PRICE_SERIES, topic: DEMO_PRICE_TOPIC, publishers: ['sim-price-feed'] },
        gridLimits: { importW: 43_500, exportW: pv.capacityW },
        pv: {
          arrays: [
            { name: 'South roof', tiltDeg: pv.tiltDeg, azimuthDeg: pv.azimuthDeg, kWp: pv.capacityW / 1000 },
          ],
          inverterKw: pv.capacityW / 1000,
        },
        outdoorTempEntity: entityOf(core, 'sim-outdoor-sensor', 'temperature') ?? null,
      }),
    );
  }
  if (!energy.tree()) {
    const tree = demoTree(core, site);
    if (tree) await energy.saveTree(tree);
  }
}
