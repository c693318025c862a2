import { connectAsync, type MqttClient } from 'mqtt';
import type { Logger } from '../../../shared/adapter/contract.ts';

/**
 * Devices of the virtual building that speak their vendor's own firmware protocol instead of HA
 * discovery: a Tasmota plug with energy metering and a Shelly Plus 1PM (Gen2 RPC over MQTT).
 * Their payloads follow the vendors' documentation, so the demo exercises the real parsers.
 */

export interface SimFirmwareSpec {
  nodeId: string;
  name: string;
  /** the address the MQTT adapter announces the device under */
  address: string;
  acl: { publish: string[]; subscribe: string[] };
}

export interface SimFirmwareDevice {
  spec(): SimFirmwareSpec;
  connect(url: string, credentials: { username: string; password: string }): Promise<void>;
  /** advances the device's own meter by `dtMs` and publishes its telemetry */
  tick(dtMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** a plug load: some watts while on, a trickle while off */
class Meter {
  on = true;
  totalKwh: number;
  todayKwh = 0;
  readonly #watts: number;
  constructor(watts: number, totalKwh: number) {
    this.#watts = watts;
    this.totalKwh = totalKwh;
  }
  get power(): number {
    return this.on ? this.#watts : 0.4;
  }
  advance(dtMs: number): void {
    const kwh = (this.power * dtMs) / 3_600_000_000;
    this.totalKwh += kwh;
    this.todayKwh += kwh;
  }
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

class SimTasmotaPlug implements SimFirmwareDevice {
  readonly #t = 'sim-kitchen-kettle';
  readonly #mac = '5CCF7F0A1B2C';
  readonly #meter = new Meter(1850, 42.5);
  readonly #log: Logger;
  #client: MqttClient | null = null;

  constructor(log: Logger) {
    this.#log = log.child({ nodeId: this.#t });
  }

  spec(): SimFirmwareSpec {
    const t = this.#t;
    return {
      nodeId: t,
      name: 'Kitchen kettle (Tasmota)',
      address: `tasmota:${this.#mac}`,
      acl: {
        publish: [`tasmota/discovery/${this.#mac}/#`, `tele/${t}/#`, `stat/${t}/#`],
        subscribe: [`cmnd/${t}/#`],
      },
    };
  }

  async connect(url: string, c: { username: string; password: string }): Promise<void> {
    const t = this.#t;
    this.#meter.on = false;
    const client = await connectAsync(url, {
      clientId: c.username,
      username: c.username,
      password: c.password,
      reconnectPeriod: 1000,
      will: { topic: `tele/${t}/LWT`, payload: Buffer.from('Offline'), qos: 1, retain: true },
    });
    this.#client = client;
    client.on('message', (topic, payload) => void this.#command(topic, payload.toString()));
    await client.subscribeAsync(`cmnd/${t}/#`, { qos: 1 });
    // https://tasmota.github.io/docs/Home-Assistant/ (native discovery, SetOption19 0)
    const config = {
      ip: '192.168.50.21',
      dn: 'Kitchen kettle',
      fn: ['Kettle', null, null, null, null, null, null, null],
      hn: 'tasmota-0A1B2C-6956',
      mac: this.#mac,
      md: 'Sonoff Pow R2',
      ofln: 'Offline',
      onln: 'Online',
      sw: '14.2.0',
      t,
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
      rl: [1, 0, 0, 0, 0, 0, 0, 0],
      lt_st: 0,
      ver: 1,
    };
    await client.publishAsync(`tasmota/discovery/${this.#mac}/config`, JSON.stringify(config), {
      qos: 1,
      retain: true,
    });
    await client.publishAsync(
      `tasmota/discovery/${this.#mac}/sensors`,
      JSON.stringify({ sn: this.#sensor(), ver: 1 }),
      {
        qos: 1,
        retain: true,
      },
    );
    await client.publishAsync(`tele/${t}/LWT`, 'Online', { qos: 1, retain: true });
    await this.#publishPower();
  }

  #sensor(): Record<string, unknown> {
    const m = this.#meter;
    return {
      Time: new Date().toISOString().slice(0, 19),
      ENERGY: {
        Total: round(m.totalKwh, 3),
        Yesterday: 0.8,
        Today: round(m.todayKwh, 3),
        Power: round(m.power, 1),
        Voltage: 230,
        Current: round(m.power / 230, 3),
      },
    };
  }

  async #publishPower(): Promise<void> {
    await this.#client?.publishAsync(
      `stat/${this.#t}/RESULT`,
      JSON.stringify({ POWER: this.#meter.on ? 'ON' : 'OFF' }),
      {
        qos: 1,
      },
    );
  }

  async #command(topic: string, payload: string): Promise<void> {
    const leaf = topic.split('/').pop() ?? '';
    if (!/^POWER1?$/i.test(leaf)) return;
    const p = payload.toUpperCase();
    if (p === 'ON' || p === '1') this.#meter.on = true;
    else if (p === 'OFF' || p === '0') this.#meter.on = false;
    else if (p === 'TOGGLE' || p === '2') this.#meter.on = !this.#meter.on;
    else return;
    await this.#publishPower().catch((err: Error) => this.#log.warn({ err: err.message }, 'publish failed'));
  }

  async tick(dtMs: number): Promise<void> {
    this.#meter.advance(dtMs);
    await this.#client?.publishAsync(`tele/${this.#t}/SENSOR`, JSON.stringify(this.#sensor()), { qos: 0 });
  }

  async stop(): Promise<void> {
    const c = this.#client;
    this.#client = null;
    await c?.endAsync(true);
  }
}

class SimShellyPlus1pm implements SimFirmwareDevice {
  readonly #id = 'sim-office-shelly';
  readonly #src = 'shellyplus1pm-c4d8d5a0b1c2';
  readonly #meter = new Meter(120, 310.2);
  readonly #log: Logger;
  #client: MqttClient | null = null;

  constructor(log: Logger) {
    this.#log = log.child({ nodeId: this.#id });
  }

  spec(): SimFirmwareSpec {
    return {
      nodeId: this.#id,
      name: 'Office fan (Shelly Plus 1PM)',
      address: `shelly:${this.#id}`,
      acl: { publish: [`${this.#id}/#`], subscribe: [`${this.#id}/rpc`] },
    };
  }

  /** https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#status */
  #switchStatus(): Record<string, unknown> {
    const m = this.#meter;
    return {
      id: 0,
      source: 'MQTT',
      output: m.on,
      apower: round(m.power, 1),
      voltage: 230.4,
      current: round(m.power / 230.4, 3),
      aenergy: {
        total: round(m.totalKwh * 1000, 3),
        by_minute: [0, 0, 0],
        minute_ts: Math.floor(Date.now() / 1000),
      },
      temperature: { tC: 41.3, tF: 106.3 },
    };
  }

  async #notify(method: 'NotifyStatus' | 'NotifyFullStatus', params: Record<string, unknown>): Promise<void> {
    const frame = {
      src: this.#src,
      dst: `${this.#id}/events`,
      method,
      params: { ts: Date.now() / 1000, ...params },
    };
    await this.#client?.publishAsync(`${this.#id}/events/rpc`, JSON.stringify(frame), { qos: 1 });
  }

  async connect(url: string, c: { username: string; password: string }): Promise<void> {
    const client = await connectAsync(url, {
      clientId: c.username,
      username: c.username,
      password: c.password,
      reconnectPeriod: 1000,
      will: { topic: `${this.#id}/online`, payload: Buffer.from('false'), qos: 1, retain: true },
    });
    this.#client = client;
    client.on('message', (_t, payload) => void this.#rpc(payload.toString()));
    await client.subscribeAsync(`${this.#id}/rpc`, { qos: 1 });
    await client.publishAsync(`${this.#id}/online`, 'true', { qos: 1, retain: true });
    await this.#notify('NotifyFullStatus', {
      sys: { mac: 'C4D8D5A0B1C2', fw_id: '20241011-114455/1.4.4-g6d2a586' },
      'switch:0': this.#switchStatus(),
    });
  }

  /** https://shelly-api-docs.shelly.cloud/gen2/General/RPCProtocol : answer on `<src>/rpc` */
  async #rpc(text: string): Promise<void> {
    let req: { id?: unknown; src?: unknown; method?: unknown; params?: { on?: unknown } };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return;
    }
    if (typeof req.src !== 'string' || !req.src.startsWith(`${this.#id}/`)) return;
    let result: unknown = null;
    if (req.method === 'Switch.Set' && typeof req.params?.on === 'boolean') {
      result = { was_on: this.#meter.on };
      this.#meter.on = req.params.on;
    } else if (req.method === 'Switch.Toggle') {
      result = { was_on: this.#meter.on };
      this.#meter.on = !this.#meter.on;
    } else if (req.method === 'Shelly.GetStatus') result = { 'switch:0': this.#switchStatus() };
    else return;
    const c = this.#client;
    if (!c) return;
    await c.publishAsync(
      `${req.src}/rpc`,
      JSON.stringify({ id: req.id, src: this.#src, dst: req.src, result }),
      { qos: 1 },
    );
    if (req.method !== 'Shelly.GetStatus')
      await this.#notify('NotifyStatus', { 'switch:0': { id: 0, output: this.#meter.on } }).catch(
        (err: Error) => this.#log.warn({ err: err.message }, 'publish failed'),
      );
  }

  async tick(dtMs: number): Promise<void> {
    this.#meter.advance(dtMs);
    const s = this.#switchStatus();
    await this.#notify('NotifyStatus', { 'switch:0': { id: 0, apower: s.apower, aenergy: s.aenergy } });
  }

  async stop(): Promise<void> {
    const c = this.#client;
    this.#client = null;
    await c?.endAsync(true);
  }
}

export function createFirmwareDevices(log: Logger): SimFirmwareDevice[] {
  return [new SimTasmotaPlug(log), new SimShellyPlus1pm(log)];
}
