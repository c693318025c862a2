import { createVirtualBuilding, type VirtualBuilding } from '../../adapters/sim/index.ts';
import { defaultSite, type SiteSpec } from '../../adapters/sim/building/site.ts';
import { SimPriceFeed } from '../../adapters/sim/mqtt/price-feed.ts';
import type { Config } from '../core/config/config-schema.ts';
import type { Core } from '../core/core.ts';
import type { DemoBle } from './demo-ble.ts';
import { configureDemoEnergy } from './demo-energy.ts';
import { configureDemoPlan } from './demo-plan.ts';
import type { DemoZigbee } from './demo-zigbee.ts';

const FLOOR_NAMES = ['Ground floor', 'First floor', 'Second floor', 'Third floor'];

/**
 * Demo mode: the virtual building's devices, each a real MQTT client with its own broker
 * credential and ACL, connected to the embedded broker. On the first start it also lays out
 * the site's zones and places the devices in their rooms, as an installer would.
 */
export class DemoSite {
  readonly #core: Core;
  readonly #site: SiteSpec;
  readonly building: VirtualBuilding;
  /** BLE sensors on a private BlueZ, when the rig is installed */
  readonly ble: DemoBle | null;
  /** Zigbee devices behind an emulated Z-Stack coordinator */
  readonly zigbee: DemoZigbee | null;
  readonly #tickMs: number;
  /** the day-ahead prices of the demo's dynamic tariff, published on the broker */
  readonly priceFeed: SimPriceFeed;

  constructor(
    core: Core,
    opts: Config['demo'],
    ble: DemoBle | null = null,
    zigbee: DemoZigbee | null = null,
  ) {
    this.#core = core;
    this.ble = ble;
    this.zigbee = zigbee;
    this.#tickMs = opts.tickMs;
    this.#site = defaultSite();
    this.building = createVirtualBuilding({
      seed: opts.seed,
      tickMs: opts.tickMs,
      log: core.log.child({ service: 'demo' }),
    });
    this.priceFeed = new SimPriceFeed({ log: core.log.child({ service: 'demo' }), seed: opts.seed });
  }

  async start(): Promise<void> {
    const credentials: Record<string, { username: string; password: string }> = {};
    // Passwords are stored only as hashes, so each start issues fresh ones to the simulated devices.
    for (const spec of [...this.building.devices(), ...this.building.firmwareDevices()]) {
      credentials[spec.nodeId] = await this.#core.use('broker').issueCredential(spec.nodeId, spec.acl);
    }
    await this.building.connect({ url: `mqtt://127.0.0.1:${this.#core.mqttPort}`, credentials });
    await this.#waitForDevices();
    await this.#layOutZonesOnce();
    await this.ble?.run(this.#core, this.#tickMs);
    await this.zigbee?.run(this.#core, this.#tickMs);
    // after every family has joined, so the metering tree can bind the Zigbee metering plug too
    await configureDemoEnergy(this.#core, this.#site, this.zigbee !== null);
    await configureDemoPlan(this.#core, this.#site);
    const feed = this.priceFeed.spec();
    const credential = await this.#core.use('broker').issueCredential(feed.nodeId, feed.acl);
    await this.priceFeed.connect(`mqtt://127.0.0.1:${this.#core.mqttPort}`, credential);
  }

  async stop(): Promise<void> {
    await this.priceFeed.stop();
    await this.ble?.stop();
    await this.zigbee?.stop();
    await this.building.stop();
  }

  /** Discovery is asynchronous: wait (bounded) until the core has registered every simulated device. */
  async #waitForDevices(): Promise<void> {
    const adapters = this.#core.adapters;
    const registry = this.#core.use('registry');
    const expected = this.#placed().map((d) => d.address);
    for (let i = 0; i < 100; i++) {
      await adapters.settled();
      if (expected.every((id) => registry.deviceByAddress('mqtt', id))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#core.log.warn({ expected: expected.length }, 'not every simulated device was discovered in time');
  }

  async #layOutZonesOnce(): Promise<void> {
    const registry = this.#core.use('registry');
    if (registry.zones.size > 0) return;
    const site = await registry.createZone({ name: this.#site.name, kind: 'site', parentId: null });
    const building = await registry.createZone({
      name: 'Main building',
      kind: 'building',
      parentId: site.id,
    });
    const floors = new Map<number, string>();
    for (const floor of [...new Set(this.#site.rooms.map((r) => r.floor))].sort()) {
      const z = await registry.createZone({
        name: FLOOR_NAMES[floor] ?? `Floor ${floor}`,
        kind: 'floor',
        parentId: building.id,
      });
      floors.set(floor, z.id);
    }
    const rooms = new Map<string, string>();
    for (const room of this.#site.rooms) {
      const z = await registry.createZone({
        name: room.name,
        kind: 'room',
        parentId: floors.get(room.floor) ?? building.id,
      });
      rooms.set(room.id, z.id);
    }
    for (const spec of this.#placed()) {
      const device = registry.deviceByAddress('mqtt', spec.address);
      if (!device || device.zoneId) continue;
      const roomId = this.#roomOf(spec.nodeId);
      await registry.updateDevice(device.id, { zoneId: (roomId && rooms.get(roomId)) ?? building.id });
    }
  }

  /** every simulated MQTT device with the address the adapter registers it under */
  #placed(): Array<{ nodeId: string; address: string }> {
    return [
      ...this.building.devices().map((d) => ({ nodeId: d.nodeId, address: d.nodeId })),
      ...this.building.firmwareDevices(),
    ];
  }

  /** Simulated node ids are `sim-<room>-...` or `sim-<plug id>`. */
  #roomOf(nodeId: string): string | null {
    const rest = nodeId.replace(/^sim-/, '');
    const plug = this.#site.plugs.find((p) => rest === p.id);
    if (plug) return plug.roomId;
    return this.#site.rooms.find((r) => rest === r.id || rest.startsWith(`${r.id}-`))?.id ?? null;
  }
}
