import { createServer, type Server, type Socket } from 'node:net';
import type { DeviceSpec } from './devices.ts';
import {
  findCmd,
  findCmdByName,
  readParams,
  Structs,
  SUBSYSTEM,
  TYPE,
  UnpiFrame,
  writeParams,
} from './herdsman-internals.ts';
import { ZclDevice, type ZclOut } from './zcl-device.ts';

/**
 * A Z-Stack 3.x coordinator (ZNP) on TCP: MT commands over UNPI framing, as a CC2652 dongle
 * behind ser2net. It keeps its NV memory (so a formed network resumes), forms networks, lets
 * emulated devices join, answers the interview, and runs the devices' ZCL behaviour.
 */

const NV = {
  STARTUP_OPTION: 3,
  NIB: 33,
  EXTENDED_PAN_ID: 45,
  NWK_ACTIVE_KEY_INFO: 58,
  NWK_ALTERN_KEY_INFO: 59,
  PRECFGKEY: 98,
  NWKKEY: 130,
  PANID: 131,
  CHANLIST: 132,
} as const;
const DEV_ZB_COORD = 9;
const ZDO_OK = 0;
const STATUS_FAILURE = 1;
const NV_ITEM_INITIALIZED = 9;
const MAC_NO_ACK = 0xe9;
const ZCL_REPORT = 0x0a;
const OTA_CLUSTER = 0x0019;
/** a device boots its new firmware a moment after the upgrade end response, then announces */
const REBOOT_MS = 50;
const APS_LINK_KEY_TABLE = 76;
/** small tables keep start-up reads few; real dongles have 20-255 entries */
const TABLE_SIZE = 8;

export interface NvSnapshot {
  osal: Record<string, string>;
  ext: Record<string, string>;
}

interface Binding {
  cluster: number;
  target: { ieee: string; endpoint: number } | { group: number };
}

interface Joined {
  device: ZclDevice;
  /** the device's own binding table: where its commands go without the coordinator */
  bindings: Binding[];
  nwk: number;
  online: boolean;
  lqi: number;
  /** interview sabotage for tests: this many active-endpoint requests fail */
  failActiveEp: number;
}

export interface ZnpEmulatorOptions {
  /** coordinator IEEE, 0x + 16 hex */
  ieee?: string;
  nv?: NvSnapshot;
  /** called after every NV change, so a host can persist it */
  onNvChange?: (nv: NvSnapshot) => void;
}

export class ZnpEmulator {
  readonly ieee: string;
  readonly trace: string[] = [];
  #server: Server | null = null;
  #clients = new Set<Socket>();
  #osal = new Map<number, Buffer>();
  #ext = new Map<string, Buffer>();
  #devices = new Map<string, Joined>();
  #endpoints: {
    endpoint: number;
    profile: number;
    deviceId: number;
    inClusters: number[];
    outClusters: number[];
  }[] = [];
  #state = 0;
  #permitUntil = 0;
  #timers = new Set<NodeJS.Timeout>();
  readonly #onNvChange: ((nv: NvSnapshot) => void) | undefined;
  port = 0;
  /** the router the last permit join went through, or null for the coordinator / whole network */
  permitVia: string | null = null;
  /** install codes the host registered, by device IEEE */
  readonly installCodes = new Map<string, string>();

  constructor(opts: ZnpEmulatorOptions = {}) {
    this.ieee = opts.ieee ?? '0x00124b0000c0ffee';
    this.#onNvChange = opts.onNvChange;
    if (opts.nv) this.restore(opts.nv);
    // Z-Stack 3.x on CC26x2 has a 24-byte (aligned) NWKKEY item from the factory.
    if (!this.#osal.has(NV.NWKKEY)) {
      this.#osal.set(NV.NWKKEY, Buffer.alloc(24));
      this.#factoryTables();
    }
  }

  async listen(port = 0): Promise<number> {
    this.#server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.#server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this.port;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.dropLink();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = null;
  }

  /** the serial link breaks (unplugged dongle, ser2net restart): the host sees the socket close */
  dropLink(): void {
    for (const s of this.#clients) s.destroy();
    this.#clients.clear();
  }

  snapshot(): NvSnapshot {
    return {
      osal: Object.fromEntries([...this.#osal].map(([k, v]) => [String(k), v.toString('hex')])),
      ext: Object.fromEntries([...this.#ext].map(([k, v]) => [k, v.toString('hex')])),
    };
  }

  restore(nv: NvSnapshot): void {
    this.#osal = new Map(Object.entries(nv.osal).map(([k, v]) => [Number(k), Buffer.from(v, 'hex')]));
    this.#ext = new Map(Object.entries(nv.ext).map(([k, v]) => [k, Buffer.from(v, 'hex')]));
  }

  get permitJoining(): boolean {
    return Date.now() < this.#permitUntil;
  }

  get networkFormed(): boolean {
    return this.#state === DEV_ZB_COORD;
  }

  devices(): { ieee: string; nwk: number; online: boolean; spec: DeviceSpec }[] {
    return [...this.#devices.values()].map((j) => ({
      ieee: j.device.spec.ieee,
      nwk: j.nwk,
      online: j.online,
      spec: j.device.spec,
    }));
  }

  device(ieee: string): ZclDevice | null {
    return this.#devices.get(ieee)?.device ?? null;
  }

  /**
   * The device joins (needs permit join unless `force`): trust-centre device indication, then
   * the end device announce, as Z-Stack sends them.
   */
  join(
    spec: DeviceSpec,
    opts: { force?: boolean; failActiveEp?: number; lqi?: number; needsInstallCode?: boolean } = {},
  ): number | null {
    if (!opts.force && !this.permitJoining) throw new Error('the network is not open for joining');
    // without its install code the trust centre cannot send it the network key: nothing is heard
    if (opts.needsInstallCode && !this.installCodes.has(spec.ieee)) return null;
    const known = this.#devices.get(spec.ieee);
    const nwk = this.#freeNwk();
    const device = known?.device ?? this.#rebootable(new ZclDevice(spec));
    this.#devices.set(spec.ieee, {
      device,
      nwk,
      online: true,
      lqi: opts.lqi ?? 120 + Math.floor(Math.random() * 120),
      failActiveEp: opts.failActiveEp ?? 0,
      bindings: known?.bindings ?? [],
    });
    this.#areq(SUBSYSTEM.ZDO, 'tcDeviceInd', { nwkaddr: nwk, extaddr: spec.ieee, parentaddr: 0 });
    this.#announce(spec.ieee);
    return nwk;
  }

  /**
   * The device is already on this network (same key, PAN and channel) without any join traffic:
   * what a coordinator migration looks like from the devices' side.
   */
  attach(spec: DeviceSpec, nwk: number): void {
    this.#devices.set(spec.ieee, {
      device: this.#rebootable(new ZclDevice(spec)),
      nwk,
      online: true,
      lqi: 150,
      failActiveEp: 0,
      bindings: [],
    });
  }

  #rebootable(device: ZclDevice): ZclDevice {
    device.onRebooted = () =>
      this.#later(() => {
        if (this.#devices.get(device.spec.ieee)?.device === device) this.#announce(device.spec.ieee);
      }, REBOOT_MS);
    return device;
  }

  /** the device comes back after power loss or a link drop, with its address (device announce) */
  rejoin(ieee: string): void {
    const j = this.#devices.get(ieee);
    if (!j) throw new Error(`unknown device ${ieee}`);
    j.online = true;
    this.#announce(ieee);
  }

  /** the device loses power or range: it stops answering */
  setOnline(ieee: string, online: boolean): void {
    const j = this.#devices.get(ieee);
    if (j) j.online = online;
  }

  /** the device leaves on its own (factory reset button) */
  leave(ieee: string): void {
    const j = this.#devices.get(ieee);
    if (!j) return;
    this.#devices.delete(ieee);
    this.#areq(SUBSYSTEM.ZDO, 'leaveInd', {
      srcaddr: j.nwk,
      extaddr: ieee,
      request: 0,
      removechildren: 0,
      rejoin: 0,
    });
  }

  /** the device reports attribute values (changing its own state) */
  report(ieee: string, endpoint: number, cluster: string, values: Record<string, number | string>): void {
    const j = this.#devices.get(ieee);
    if (!j) throw new Error(`unknown device ${ieee}`);
    const out = j.device.report(endpoint, cluster, values);
    if (out) this.#incoming(j, out);
  }

  /**
   * A button on a remote or switch is pressed: the command goes to whatever the device is bound
   * to, straight over the mesh, whether or not the host is running.
   */
  press(ieee: string, command: 'on' | 'off' | 'toggle'): void {
    const source = this.#devices.get(ieee);
    if (!source) throw new Error(`unknown device ${ieee}`);
    for (const b of source.bindings.filter((x) => x.cluster === 0x0006)) {
      const t = b.target;
      const targets =
        'group' in t
          ? [...this.#devices.values()].filter((j) => j.device.groups.has(t.group))
          : [this.#devices.get(t.ieee)].filter((j): j is Joined => j !== undefined);
      for (const target of targets) {
        if (!target.online) continue;
        const endpoint = 'endpoint' in t ? t.endpoint : (target.device.spec.endpoints[0]?.id ?? 1);
        for (const out of target.device.handle(endpoint, 0x0006, commandFrame(command))) {
          // the default response goes back to the remote; the report reaches the coordinator
          if (out.data[2] === ZCL_REPORT) this.#incoming(target, out);
        }
      }
    }
  }

  bindingsOf(ieee: string): Binding[] {
    return this.#devices.get(ieee)?.bindings ?? [];
  }

  #updateBindings(j: Joined, add: boolean, body: Buffer): void {
    // srcIeee(8) srcEp(1) cluster(2) mode(1), then ieee(8) + endpoint(1) or group(2)
    const cluster = body.readUInt16LE(9);
    const target =
      body[11] === 0x01
        ? { group: body.readUInt16LE(12) }
        : { ieee: `0x${body.readBigUInt64LE(12).toString(16).padStart(16, '0')}`, endpoint: body[20] ?? 1 };
    const same = (b: Binding) => b.cluster === cluster && JSON.stringify(b.target) === JSON.stringify(target);
    j.bindings = j.bindings.filter((b) => !same(b));
    if (add) j.bindings.push({ cluster, target });
  }

  /** hostile input for tests: broken frames the host must survive */
  sendMalformed(kind: 'bad-fcs' | 'garbage' | 'unknown-command' | 'truncated'): void {
    const frames: Record<typeof kind, Buffer> = {
      'bad-fcs': Buffer.from([0xfe, 0x03, 0x45, 0xc4, 0x01, 0x02, 0x03, 0x00]),
      garbage: Buffer.from([0x13, 0x37, 0x00, 0xff, 0xfe, 0x00]),
      'unknown-command': new UnpiFrame(TYPE.AREQ, SUBSYSTEM.ZDO, 0x7e, Buffer.from([1, 2])).toBuffer(),
      truncated: new UnpiFrame(TYPE.AREQ, SUBSYSTEM.AF, 0x81, Buffer.from([0, 0, 6])).toBuffer(),
    };
    this.#write(frames[kind]);
  }

  #accept(socket: Socket): void {
    this.#clients.add(socket);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const sof = buf.indexOf(0xfe);
        if (sof < 0) {
          buf = Buffer.alloc(0);
          return;
        }
        if (sof > 0) buf = buf.subarray(sof);
        if (buf.length < 5) return;
        const len = buf[1]!;
        if (buf.length < len + 5) return;
        const raw = buf.subarray(0, len + 5);
        buf = buf.subarray(len + 5);
        try {
          this.#handle(UnpiFrame.fromBuffer(len, len + 4, raw));
        } catch (err) {
          this.trace.push(`! ${(err as Error).message}`);
        }
      }
    });
    socket.on('close', () => this.#clients.delete(socket));
    socket.on('error', () => this.#clients.delete(socket));
  }

  #write(buf: Buffer): void {
    for (const s of this.#clients) if (!s.destroyed) s.write(buf);
  }

  #areq(subsystem: number, name: string, values: Record<string, unknown>): void {
    const cmd = findCmdByName(subsystem, name);
    this.#write(
      new UnpiFrame(TYPE.AREQ, subsystem, cmd.ID, writeParams(cmd.request ?? [], values)).toBuffer(),
    );
  }

  #areqRaw(subsystem: number, name: string, data: Buffer): void {
    const cmd = findCmdByName(subsystem, name);
    this.#write(new UnpiFrame(TYPE.AREQ, subsystem, cmd.ID, data).toBuffer());
  }

  #later(fn: () => void, ms = 2): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #handle(frame: { type: number; subsystem: number; commandID: number; data: Buffer }): void {
    const cmd = findCmd(frame.subsystem, frame.commandID);
    if (!cmd) {
      this.trace.push(`? ${frame.subsystem}/${frame.commandID}`);
      return;
    }
    this.trace.push(`${frame.subsystem}.${cmd.name}`);
    const srsp = (values: Record<string, unknown>) =>
      this.#write(
        new UnpiFrame(TYPE.SRSP, frame.subsystem, cmd.ID, writeParams(cmd.response ?? [], values)).toBuffer(),
      );
    if (cmd.zdoClusterId !== undefined && frame.type === TYPE.SREQ) {
      this.#zdo(cmd.zdoClusterId, frame.data, (status) =>
        this.#write(new UnpiFrame(TYPE.SRSP, frame.subsystem, cmd.ID, Buffer.from([status])).toBuffer()),
      );
      return;
    }
    const key = `${frame.subsystem}.${cmd.name}`;
    if (key === '15.bdbAddInstallCode') {
      // format(1) ieee(8, little-endian) code(rest): the code has no length prefix to parse by
      const ieee = `0x${Buffer.from(frame.data.subarray(1, 9)).reverse().toString('hex')}`;
      this.installCodes.set(ieee, frame.data.subarray(9).toString('hex'));
      return srsp({ status: 0 });
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- herdsman's MT table types each parameter at runtime
    const p = readParams(frame.data, cmd.request ?? []) as Record<string, any>;
    switch (key) {
      case '1.ping':
        return srsp({ capabilities: 0x0179 });
      case '1.version':
        return srsp({
          transportrev: 2,
          product: 1,
          majorrel: 2,
          minorrel: 7,
          maintrel: 1,
          revision: 20210708,
        });
      case '1.getExtAddr':
        return srsp({ extaddress: this.ieee });
      case '1.osalNvLength':
        return srsp({ length: this.#osal.get(p.id)?.length ?? 0 });
      case '1.osalNvRead':
      case '1.osalNvReadExt': {
        const item = this.#osal.get(p.id);
        if (!item) return srsp({ status: STATUS_FAILURE, len: 0, value: Buffer.alloc(0) });
        const value = item.subarray(p.offset, p.offset + 240);
        return srsp({ status: 0, len: value.length, value });
      }
      case '1.osalNvItemInit': {
        if (this.#osal.has(p.id)) return srsp({ status: 0 });
        const item = Buffer.alloc(p.len);
        (p.initvalue as Buffer).copy(item);
        this.#osal.set(p.id, item);
        this.#nvChanged();
        return srsp({ status: NV_ITEM_INITIALIZED });
      }
      case '1.osalNvWrite':
      case '1.osalNvWriteExt': {
        const item = this.#osal.get(p.id);
        if (!item) return srsp({ status: 0x0a });
        this.#osal.set(p.id, writeInto(item, p.offset, p.value));
        this.#nvChanged();
        return srsp({ status: 0 });
      }
      case '1.osalNvDelete':
        this.#osal.delete(p.id);
        this.#nvChanged();
        return srsp({ status: 0 });
      case '1.nvLength':
        return srsp({ len: this.#ext.get(extKey(p))?.length ?? 0 });
      case '1.nvRead': {
        const item = this.#ext.get(extKey(p));
        if (!item) return srsp({ status: STATUS_FAILURE, len: 0, value: Buffer.alloc(0) });
        const value = item.subarray(p.offset, p.offset + p.len);
        return srsp({ status: 0, len: value.length, value });
      }
      case '1.nvCreate':
        if (!this.#ext.has(extKey(p))) this.#ext.set(extKey(p), Buffer.alloc(p.len));
        this.#nvChanged();
        return srsp({ status: 0 });
      case '1.nvWrite': {
        const item = this.#ext.get(extKey(p)) ?? Buffer.alloc(0);
        this.#ext.set(extKey(p), writeInto(item, p.offset, p.value));
        this.#nvChanged();
        return srsp({ status: 0 });
      }
      case '1.nvDelete':
        this.#ext.delete(extKey(p));
        this.#nvChanged();
        return srsp({ status: 0 });
      case '1.resetReq':
        return this.#reset();
      case '1.setTxPower':
        return srsp({ txpower: p.level });
      case '15.bdbSetChannel':
        return srsp({ status: 0 });
      case '15.bdbStartCommissioning':
        srsp({ status: 0 });
        if (p.mode === 4 || p.mode === 2) this.#later(() => this.#form());
        return;
      case '5.startupFromApp':
        srsp({ status: this.#osal.has(NV.NIB) ? 0 : 1 });
        if (this.#osal.has(NV.NIB)) this.#later(() => this.#goOnline());
        return;
      case '5.extNwkInfo':
        return srsp(this.#nwkInfo());
      case '5.extRouteDisc':
      case '5.extAddGroup':
      case '5.extRemoveGroup':
        return srsp({ status: 0 });
      case '5.extFindGroup':
        return srsp({ status: STATUS_FAILURE, groupid: 0, namelen: 0, groupname: Buffer.alloc(0) });
      case '7.getDeviceInfo':
        return srsp({
          status: 0,
          ieeeaddr: this.ieee,
          shortaddr: 0,
          devicetype: 7,
          devicestate: this.#state,
          numassocdevices: 0,
          assocdeviceslist: [],
        });
      case '4.register':
        this.#endpoints = this.#endpoints.filter((e) => e.endpoint !== p.endpoint);
        this.#endpoints.push({
          endpoint: p.endpoint,
          profile: p.appprofid,
          deviceId: p.appdeviceid,
          inClusters: p.appinclusterlist,
          outClusters: p.appoutclusterlist,
        });
        return srsp({ status: 0 });
      case '4.dataRequest':
      case '4.dataRequestExt': {
        srsp({ status: 0 });
        const group = key === '4.dataRequestExt' && p.dstaddrmode === 1;
        const targets = group
          ? [...this.#devices.values()].filter((j) => j.device.groups.has(Number(BigInt(p.dstaddr))))
          : [...this.#devices.values()].filter((j) => j.nwk === p.dstaddr);
        const target = targets[0];
        const ok = group || (target !== undefined && target.online);
        this.#later(() => {
          this.#areq(SUBSYSTEM.AF, 'dataConfirm', {
            status: ok ? 0 : MAC_NO_ACK,
            endpoint: p.destendpoint,
            transid: p.transid,
          });
          if (!ok) return;
          for (const j of targets) {
            for (const out of j.device.handle(p.destendpoint, p.clusterid, p.data)) {
              // an OTA client answers after a moment, as radios do: herdsman waits for the next
              // request only once its own response is confirmed
              if (out.clusterId === OTA_CLUSTER) this.#later(() => this.#incoming(j, out), 5);
              else this.#incoming(j, out);
            }
          }
        });
        return;
      }
      default:
        // acknowledge what the emulator does not model, so the host never waits on a missing reply
        if (frame.type === TYPE.SREQ) srsp({ status: 0 });
    }
  }

  #zdo(clusterId: number, data: Buffer, srsp: (status: number) => void): void {
    const dst = data.readUInt16LE(0);
    const body = data.subarray(2);
    const reply = (name: string, src: number, payload: Buffer) =>
      this.#later(() => {
        const head = Buffer.alloc(2);
        head.writeUInt16LE(src);
        this.#areqRaw(SUBSYSTEM.ZDO, name, Buffer.concat([head, payload]));
      });
    if (clusterId === 0x0036) {
      // permit join: addrMode(1) dst(2) duration tcSignificance
      const duration = data[3] ?? 0;
      const target = data.readUInt16LE(1);
      // 0xfffc with 16-bit mode means "coordinator only"; another address is one router
      const router = data[0] === 0x02 && target !== 0xfffc ? target : 0;
      this.#permitUntil = duration === 0 ? 0 : Date.now() + duration * 1000;
      this.permitVia =
        router === 0
          ? null
          : ([...this.#devices.values()].find((j) => j.nwk === router)?.device.spec.ieee ?? null);
      srsp(ZDO_OK);
      reply('mgmtPermitJoinRsp', router, Buffer.from([ZDO_OK]));
      return;
    }
    const nwk =
      clusterId === 0x0002 || clusterId === 0x0004 || clusterId === 0x0005 ? body.readUInt16LE(0) : dst;
    const joined = [...this.#devices.values()].find((j) => j.nwk === nwk);
    if (nwk !== 0 && (!joined || !joined.online)) {
      srsp(0xcd); // NWK_NO_ROUTE
      return;
    }
    switch (clusterId) {
      case 0x0002: {
        srsp(ZDO_OK);
        const desc = Buffer.alloc(16);
        desc.writeUInt8(ZDO_OK, 0);
        desc.writeUInt16LE(nwk, 1);
        const router = !joined || joined.device.spec.role === 'router';
        desc.writeUInt8(joined ? (router ? 1 : 2) : 0, 3); // logical type
        desc.writeUInt8(0x40, 4); // 2.4 GHz
        desc.writeUInt8(router ? 0x8e : 0x80, 5);
        desc.writeUInt16LE(joined ? 0x1037 : 0, 6);
        desc.writeUInt8(82, 8);
        desc.writeUInt16LE(82, 9);
        desc.writeUInt16LE(0x2c00, 11);
        desc.writeUInt16LE(82, 13);
        desc.writeUInt8(0, 15);
        reply('nodeDescRsp', nwk, desc);
        return;
      }
      case 0x0005: {
        if (joined && joined.failActiveEp > 0) {
          joined.failActiveEp--;
          srsp(STATUS_FAILURE);
          return;
        }
        srsp(ZDO_OK);
        const eps = joined
          ? joined.device.spec.endpoints.map((e) => e.id)
          : this.#endpoints.map((e) => e.endpoint);
        const out = Buffer.alloc(4 + eps.length);
        out.writeUInt8(ZDO_OK, 0);
        out.writeUInt16LE(nwk, 1);
        out.writeUInt8(eps.length, 3);
        eps.forEach((e, i) => out.writeUInt8(e, 4 + i));
        reply('activeEpRsp', nwk, out);
        return;
      }
      case 0x0004: {
        const ep = body[2] ?? 0;
        const spec = joined
          ? joined.device.spec.endpoints.find((e) => e.id === ep)
          : this.#endpoints
              .map((e) => ({ ...e, id: e.endpoint, profileId: e.profile }))
              .find((e) => e.id === ep);
        if (!spec) {
          srsp(STATUS_FAILURE);
          return;
        }
        srsp(ZDO_OK);
        const ins = spec.inClusters;
        const outs = spec.outClusters;
        const desc = Buffer.alloc(8 + 2 * ins.length + 1 + 2 * outs.length);
        let o = desc.writeUInt8(ep, 0);
        o = desc.writeUInt16LE(spec.profileId, o);
        o = desc.writeUInt16LE(spec.deviceId, o);
        o = desc.writeUInt8(1, o);
        o = desc.writeUInt8(ins.length, o);
        for (const c of ins) o = desc.writeUInt16LE(c, o);
        o = desc.writeUInt8(outs.length, o);
        for (const c of outs) o = desc.writeUInt16LE(c, o);
        const head = Buffer.alloc(4);
        head.writeUInt8(ZDO_OK, 0);
        head.writeUInt16LE(nwk, 1);
        head.writeUInt8(o, 3);
        reply('simpleDescRsp', nwk, Buffer.concat([head, desc.subarray(0, o)]));
        return;
      }
      case 0x0021:
      case 0x0022:
        if (joined) this.#updateBindings(joined, clusterId === 0x0021, body);
        srsp(ZDO_OK);
        reply(clusterId === 0x0021 ? 'bindRsp' : 'unbindRsp', dst, Buffer.from([ZDO_OK]));
        return;
      case 0x0034: {
        srsp(ZDO_OK);
        reply('mgmtLeaveRsp', dst, Buffer.from([ZDO_OK]));
        if (joined) this.#later(() => this.leave(joined.device.spec.ieee), 5);
        return;
      }
      case 0x0031: {
        srsp(ZDO_OK);
        reply('mgmtLqiRsp', dst, this.#lqiTable(nwk, body[0] ?? 0));
        return;
      }
      default:
        srsp(0x84); // NOT_SUPPORTED
    }
  }

  /** neighbours: the coordinator sees every device; a router sees the coordinator */
  #lqiTable(nwk: number, start: number): Buffer {
    const epid = this.#osal.get(NV.EXTENDED_PAN_ID) ?? Buffer.alloc(8);
    const all =
      nwk === 0
        ? [...this.#devices.values()].map((j) => ({
            ieee: j.device.spec.ieee,
            nwk: j.nwk,
            type: j.device.spec.role === 'router' ? 1 : 2,
            lqi: j.lqi,
          }))
        : [
            {
              ieee: this.ieee,
              nwk: 0,
              type: 0,
              lqi: [...this.#devices.values()].find((j) => j.nwk === nwk)?.lqi ?? 0,
            },
          ];
    const page = all.slice(start, start + 3);
    const out = Buffer.alloc(4 + 22 * page.length);
    out.writeUInt8(ZDO_OK, 0);
    out.writeUInt8(all.length, 1);
    out.writeUInt8(start, 2);
    out.writeUInt8(page.length, 3);
    page.forEach((n, i) => {
      const o = 4 + 22 * i;
      epid.copy(out, o, 0, 8);
      out.writeBigUInt64LE(BigInt(n.ieee), o + 8);
      out.writeUInt16LE(n.nwk, o + 16);
      out.writeUInt8(n.type | (n.type === 2 ? 0 : 1 << 2) | (nwk === 0 ? 1 << 4 : 0), o + 18);
      out.writeUInt8(2, o + 19);
      out.writeUInt8(1, o + 20);
      out.writeUInt8(n.lqi, o + 21);
    });
    return out;
  }

  #incoming(j: Joined, out: ZclOut): void {
    this.#areq(SUBSYSTEM.AF, 'incomingMsg', {
      groupid: 0,
      clusterid: out.clusterId,
      srcaddr: j.nwk,
      srcendpoint: out.endpoint,
      dstendpoint: 1,
      wasbroadcast: 0,
      linkquality: j.lqi,
      securityuse: 0,
      timestamp: Date.now() & 0xffffffff,
      transseqnumber: 0,
      len: out.data.length,
      data: out.data,
    });
  }

  #announce(ieee: string): void {
    const j = this.#devices.get(ieee)!;
    const ann = Buffer.alloc(13);
    ann.writeUInt16LE(j.nwk, 0);
    ann.writeUInt16LE(j.nwk, 2);
    ann.writeBigUInt64LE(BigInt(ieee), 4);
    ann.writeUInt8(j.device.spec.role === 'router' ? 0x8e : 0x80, 12);
    this.#later(() => this.#areqRaw(SUBSYSTEM.ZDO, 'endDeviceAnnceInd', ann), 5);
  }

  #reset(): void {
    const opt = this.#osal.get(NV.STARTUP_OPTION)?.[0] ?? 0;
    if (opt & 0x03) {
      const nwkKey = this.#osal.get(NV.NWKKEY)!;
      const startup = this.#osal.get(NV.STARTUP_OPTION);
      this.#osal = new Map([[NV.NWKKEY, nwkKey]]);
      if (startup) this.#osal.set(NV.STARTUP_OPTION, startup);
      this.#ext.clear();
      // the devices are other radios: a coordinator reset does not make them vanish
      this.#factoryTables();
      this.#nvChanged();
    }
    this.#state = 0;
    this.#later(() =>
      this.#areq(SUBSYSTEM.SYS, 'resetInd', {
        reason: 0,
        transportrev: 2,
        productid: 1,
        majorrel: 2,
        minorrel: 7,
        hwrev: 1,
      }),
    );
  }

  /** BDB formation: the NIB and key material come from the commissioning NV items herdsman wrote */
  #form(): void {
    if (!this.#osal.has(NV.NIB)) {
      const channels = this.#osal.get(NV.CHANLIST)?.readUInt32LE(0) ?? 1 << 11;
      const channel = Math.max(11, 31 - Math.clz32(channels & -channels));
      const nib = Structs.nib();
      Object.assign(nib, {
        SequenceNum: 1,
        MaxChildren: 20,
        MaxDepth: 15,
        MaxRouters: 20,
        SecurityLevel: 5,
        nwkProtocolVersion: 2,
        nwkDevAddress: 0,
        nwkLogicalChannel: channel,
        nwkCoordAddress: 0,
        nwkCoordExtAddress: Buffer.from(this.ieee.slice(2), 'hex'),
        nwkPanId: this.#osal.get(NV.PANID)?.readUInt16LE(0) ?? 0x1a62,
        nwkState: 1,
        channelList: channels,
        extendedPANID: Buffer.from(this.#osal.get(NV.EXTENDED_PAN_ID) ?? Buffer.alloc(8)).reverse(),
        nwkKeyLoaded: 1,
        nwkUpdateId: 0,
      });
      this.#osal.set(NV.NIB, nib.serialize('aligned'));
      const key = this.#osal.get(NV.PRECFGKEY)?.subarray(0, 16) ?? Buffer.alloc(16);
      const desc = Structs.nwkKeyDescriptor();
      Object.assign(desc, { keySeqNum: 0, key: Buffer.from(key) });
      this.#osal.set(NV.NWK_ACTIVE_KEY_INFO, desc.serialize('aligned'));
      this.#osal.set(NV.NWK_ALTERN_KEY_INFO, desc.serialize('aligned'));
      this.#nvChanged();
    }
    this.#goOnline();
    this.#areq(SUBSYSTEM.APP_CNF, 'bdbComissioningNotifcation', { status: 0 });
  }

  #goOnline(): void {
    this.#state = DEV_ZB_COORD;
    this.#areq(SUBSYSTEM.ZDO, 'stateChangeInd', { state: DEV_ZB_COORD });
  }

  #nwkInfo(): Record<string, unknown> {
    const nib = this.#osal.get(NV.NIB);
    const parsed = nib
      ? (Structs.nib(nib) as unknown as { nwkPanId: number; nwkLogicalChannel: number })
      : null;
    const epid = this.#osal.get(NV.EXTENDED_PAN_ID) ?? Buffer.alloc(8);
    return {
      shortaddr: 0,
      devstate: this.#state,
      panid: parsed?.nwkPanId ?? 0xffff,
      parentaddr: 0,
      extendedpanid: `0x${Buffer.from(epid).reverse().toString('hex')}`,
      parentextaddr: '0x0000000000000000',
      channel: parsed?.nwkLogicalChannel ?? 0,
    };
  }

  #freeNwk(): number {
    const used = new Set([...this.#devices.values()].map((j) => j.nwk));
    for (;;) {
      const n = 1 + Math.floor(Math.random() * 0xfff0);
      if (!used.has(n)) return n;
    }
  }

  /** the empty key, address and frame-counter tables a factory-fresh Z-Stack 3.x has */
  #factoryTables(): void {
    const entry = (name: string) =>
      (Structs as unknown as Record<string, () => { serialize(a: 'aligned'): Buffer }>)[name]!().serialize(
        'aligned',
      );
    const tables: [number, string][] = [
      [1, 'addressManagerEntry'],
      [4, 'apsTcLinkKeyEntry'],
      [6, 'apsLinkKeyDataEntry'],
      [7, 'nwkSecMaterialDescriptorEntry'],
    ];
    for (const [item, name] of tables) {
      for (let i = 0; i < TABLE_SIZE; i++) this.#ext.set(`1/${item}/${i}`, entry(name));
    }
    this.#osal.set(
      APS_LINK_KEY_TABLE,
      // this one is a single item: a 2-byte entry count, then the entries
      Buffer.concat([
        Buffer.from([TABLE_SIZE, 0]),
        ...Array.from({ length: TABLE_SIZE }, () => entry('securityManagerEntry')),
      ]),
    );
  }

  #nvChanged(): void {
    this.#onNvChange?.(this.snapshot());
  }
}

function commandFrame(command: 'on' | 'off' | 'toggle'): Buffer {
  // cluster-specific, client to server, no default response, tsn 0; off=0 on=1 toggle=2
  return Buffer.from([0x11, 0x00, { off: 0, on: 1, toggle: 2 }[command]]);
}

function extKey(p: Record<string, unknown>): string {
  return `${p.sysid}/${p.itemid}/${p.subid}`;
}

function writeInto(item: Buffer, offset: number, value: Buffer): Buffer {
  const out = Buffer.alloc(Math.max(item.length, offset + value.length));
  item.copy(out);
  value.copy(out, offset);
  return out;
}
