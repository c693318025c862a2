import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, setLogger } from 'zigbee-herdsman';
import * as zhc from 'zigbee-herdsman-converters';
import { AdapterRefusal } from '../../shared/adapter/contract.ts';
import type {
  AdapterContext,
  AdapterHealth,
  AdapterInstance,
  CommissioningCandidate,
  DeviceLinks,
  FirmwareProgress,
  LinkFunction,
  FirmwareUpdates,
  Logger,
  NetworkMap,
} from '../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../shared/domain/command.ts';
import { entitiesFromExposes, type ExposeLike, type ZigbeeEntity } from './entities.ts';
import { BackupKeySeal } from './backup-key.ts';
import type { ZigbeeAdapterConfig } from './manifest.ts';
import { loadOrCreateNetworkKeys } from './network-keys.ts';
import { checkFirmware, progressOfBlockRequest, updateFirmware, type OtaOptions } from './ota.ts';

type ZhDevice = ReturnType<Controller['getDevices']>[number];
type Definition = NonNullable<Awaited<ReturnType<typeof zhc.findByDevice>>>;

interface Known {
  definition: Definition;
  entities: ZigbeeEntity[];
  state: Record<string, unknown>;
}

const RECONNECT_MS = [500, 1000, 2000, 5000, 15_000, 30_000];

/** the ZCL clusters that carry each link function (ZCL spec, chapter 3: General, and 5: Lighting) */
const LINK_CLUSTERS: Record<LinkFunction, string> = {
  on_off: 'genOnOff',
  level: 'genLevelCtrl',
  color: 'lightingColorCtrl',
  scenes: 'genScenes',
};

/** Zigbee group ids 0xFFF8-0xFFFF are reserved (ZCL spec, 3.6: Groups cluster) */
function checkGroupId(groupId: number): void {
  if (!Number.isInteger(groupId) || groupId < 1 || groupId > 0xfff7)
    throw new AdapterRefusal(`Zigbee groups are numbered 1 to 65527 (0xFFF7); ${groupId} is not one.`);
}

/** herdsman's and the converters' loggers are process-wide: route them into the core's logger */
function routeLibraryLogs(log: Logger): void {
  const zh = {
    debug: (m: string | (() => string), ns: string) => log.debug({ ns }, typeof m === 'function' ? m() : m),
    info: (m: string, ns: string) => log.info({ ns }, m),
    warning: (m: string, ns: string) => log.warn({ ns }, m),
    error: (m: string, ns: string) => log.error({ ns }, m),
  };
  setLogger(zh as never);
  zhc.setLogger(zh as never);
}

export function createZigbeeAdapter(ctx: AdapterContext, config: ZigbeeAdapterConfig): ZigbeeAdapter {
  return new ZigbeeAdapter(ctx, config);
}

export class ZigbeeAdapter implements AdapterInstance {
  readonly #ctx: AdapterContext;
  readonly #config: ZigbeeAdapterConfig;
  #controller: Controller | null = null;
  #health: AdapterHealth = { status: 'down', detail: 'starting' };
  #stopped = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #permitTimer: NodeJS.Timeout | null = null;
  #backupTimer: NodeJS.Timeout | null = null;
  /** keeps the network key out of coordinator_backup.json (it lives in the secret store) */
  readonly #keySeal: BackupKeySeal;
  #availabilityTimer: NodeJS.Timeout | null = null;
  #permitUntil: number | null = null;
  #startResult: string | null = null;
  readonly #known = new Map<string, Known>();
  readonly #candidates = new Map<string, CommissioningCandidate>();
  readonly #offline = new Set<string>();
  #adopted: Set<string>;
  #banned: Set<string>;
  /** running firmware updates: the image size and where progress goes */
  readonly #updates = new Map<string, { size: number; report: (p: FirmwareProgress) => void }>();

  constructor(ctx: AdapterContext, config: ZigbeeAdapterConfig) {
    this.#ctx = ctx;
    this.#config = config;
    this.#keySeal = new BackupKeySeal(ctx.files, ctx.secrets, ctx.dataDir);
    this.#adopted = new Set(this.#readList('adopted.json'));
    this.#banned = new Set(this.#readList('banned.json'));
  }

  readonly firmware: FirmwareUpdates = {
    check: async (address, image) =>
      (await checkFirmware(this.#otaDevice(address), image, this.#otaOptions())).check,
    update: async (address, image, onProgress) => {
      const device = this.#otaDevice(address);
      if (this.#updates.has(address))
        throw new AdapterRefusal('An update of this device is already running.');
      this.#updates.set(address, { size: image.length, report: onProgress });
      try {
        const result = await updateFirmware(device, image, this.#otaOptions(), onProgress);
        // the registry learns the new version the way it learnt the first one
        this.#announce(address);
        return result;
      } finally {
        this.#updates.delete(address);
      }
    },
  };

  readonly links: DeviceLinks = {
    bind: (source, target, clusters, opts) => this.bind(source, target, clusters, opts),
    setGroupMembership: (address, groupId, member) => this.setGroupMembership(address, groupId, member),
  };

  #otaDevice(address: string) {
    const device = this.#requireController().getDeviceByIeeeAddr(address);
    if (!device || !this.#adopted.has(address))
      throw new AdapterRefusal(`No device ${address}.`, 'not_found');
    return device;
  }

  #otaOptions(): OtaOptions {
    return { dir: join(this.#ctx.dataDir, 'ota'), blockDelayMs: this.#config.otaBlockDelayMs };
  }

  /** Returns at once: a missing or slow coordinator must not hold up the rest of the building. */
  async start(): Promise<void> {
    routeLibraryLogs(this.#ctx.log.child({ lib: 'zigbee-herdsman' }));
    void this.#connect();
    this.#availabilityTimer = setInterval(
      () => void this.checkAvailability(),
      Math.min(30_000, this.#config.pingAfterS * 1000),
    );
    this.#availabilityTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of [this.#reconnectTimer, this.#permitTimer, this.#backupTimer]) if (t) clearTimeout(t);
    if (this.#availabilityTimer) clearInterval(this.#availabilityTimer);
    await this.#shutdownController();
  }

  /** resolves when the coordinator is up (tests, demo) */
  async ready(timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (this.#health.status !== 'ok') {
      if (Date.now() - t0 > timeoutMs) throw new Error(`zigbee coordinator not up: ${this.#health.detail}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  health(): AdapterHealth {
    return this.#health;
  }

  diagnostics(): Record<string, unknown> {
    const c = this.#controller;
    return {
      port: this.#config.port,
      adapterType: this.#config.adapterType,
      start: this.#startResult,
      permitJoinUntil: this.#permitUntil,
      devices: c
        ? c
            .getDevices()
            .filter((d) => d.type !== 'Coordinator')
            .map((d) => ({
              ieee: d.ieeeAddr,
              nwk: d.networkAddress,
              model: d.modelID ?? null,
              type: d.type,
              lqi: d.linkquality ?? null,
              lastSeen: d.lastSeen ?? null,
              adopted: this.#adopted.has(d.ieeeAddr),
            }))
        : [],
    };
  }

  /** the mesh as the coordinator and routers see it: who hears whom, with link quality */
  async networkMap(): Promise<NetworkMap> {
    const c = this.#requireController();
    const map: NetworkMap = { nodes: [], links: [] };
    for (const d of c.getDevices()) {
      const role = d.type === 'Coordinator' ? 'coordinator' : d.type === 'Router' ? 'router' : 'end_device';
      const known = this.#known.get(d.ieeeAddr);
      map.nodes.push({
        address: d.ieeeAddr,
        role,
        label: known?.definition.model ?? d.modelID ?? d.ieeeAddr,
      });
      if (role === 'end_device') continue;
      try {
        for (const n of await d.lqi()) map.links.push({ from: n.eui64, to: d.ieeeAddr, quality: n.lqi });
      } catch (err) {
        this.#ctx.log.debug({ ieee: d.ieeeAddr, err: String(err) }, 'no LQI table');
      }
    }
    return map;
  }

  /**
   * Device-to-device binding: `source` sends its commands for `functions` straight to `target` (a
   * device address or a group id), so a switch keeps working a light while Truss is down.
   */
  async bind(
    source: string,
    target: string | number,
    functions: LinkFunction[],
    opts: { unbind?: boolean } = {},
  ) {
    if (typeof target === 'number') checkGroupId(target);
    const clusters = functions.map((f) => LINK_CLUSTERS[f]);
    const c = this.#requireController();
    const from = c.getDeviceByIeeeAddr(source)?.endpoints[0];
    if (!from) throw new AdapterRefusal(`no device ${source}`, 'not_found');
    const to =
      typeof target === 'number'
        ? (c.getGroupByID(target) ?? c.createGroup(target))
        : c.getDeviceByIeeeAddr(target)?.endpoints[0];
    if (!to) throw new AdapterRefusal(`no device ${String(target)}`, 'not_found');
    for (const cluster of clusters) {
      if (opts.unbind) await from.unbind(cluster, to);
      else await from.bind(cluster, to);
    }
  }

  /** group membership, so one command (or one bound switch) reaches every light in a room */
  async setGroupMembership(address: string, groupId: number, member: boolean): Promise<void> {
    checkGroupId(groupId);
    const c = this.#requireController();
    const endpoint = c.getDeviceByIeeeAddr(address)?.endpoints[0];
    if (!endpoint) throw new AdapterRefusal(`no device ${address}`, 'not_found');
    const group = c.getGroupByID(groupId) ?? c.createGroup(groupId);
    if (member) await endpoint.addToGroup(group);
    else await endpoint.removeFromGroup(group);
  }

  async execute(address: string, entityKey: string, command: EntityCommand): Promise<void> {
    const c = this.#requireController();
    const known = this.#known.get(address);
    const device = c.getDeviceByIeeeAddr(address);
    const entity = known?.entities.find((e) => e.announcement.key === entityKey);
    if (!known || !device || !entity)
      throw new AdapterRefusal(`unknown zigbee entity ${address}/${entityKey}`, 'not_found');
    const pairs = entity.write(command);
    if (!pairs) throw new AdapterRefusal(`${entityKey} does not take ${command.type}`);
    const endpoint = device.endpoints[0];
    if (!endpoint) throw new Error(`${address} has no endpoint`);
    for (const [key, value] of Object.entries(pairs)) {
      const conv = known.definition.toZigbee.find((t) => !t.key || t.key.includes(key));
      if (!conv?.convertSet)
        throw new AdapterRefusal(`no converter sets ${key} on ${known.definition.model}`);
      const meta = {
        message: { [key]: value },
        device,
        mapped: known.definition,
        options: {},
        state: known.state,
        endpoint_name: undefined,
        publish: () => {},
        membersState: undefined,
      };
      await conv.convertSet(endpoint, key, value, meta as never);
    }
  }

  async remove(address: string, opts: { ban?: boolean } = {}): Promise<void> {
    if (opts.ban) {
      this.#banned.add(address);
      this.#writeList('banned.json', this.#banned);
    }
    this.#adopted.delete(address);
    this.#writeList('adopted.json', this.#adopted);
    this.#known.delete(address);
    this.#dropCandidate(address);
    this.#backupSoon();
    const device = this.#controller?.getDeviceByIeeeAddr(address);
    if (!device) return;
    try {
      await device.removeFromNetwork();
    } catch (err) {
      // an unreachable device cannot be told to leave; forget it so it must rejoin (and be vetted)
      this.#ctx.log.warn({ ieee: address, err: String(err) }, 'leave request failed; forgetting the device');
      device.removeFromDatabase();
    }
  }

  readonly commissioning = {
    open: async (seconds: number, opts: { via?: string | null; installCode?: string } = {}) => {
      const c = this.#requireController();
      if (opts.installCode) {
        try {
          await c.addInstallCode(opts.installCode);
        } catch (err) {
          throw new AdapterRefusal(`That install code was not accepted: ${(err as Error).message}`);
        }
      }
      const via = opts.via ? c.getDeviceByIeeeAddr(opts.via) : undefined;
      if (opts.via && !via) throw new AdapterRefusal(`no router ${opts.via} on this network`, 'not_found');
      await c.permitJoin(seconds, via);
      this.#permitUntil = this.#ctx.now() + seconds * 1000;
      if (this.#permitTimer) clearTimeout(this.#permitTimer);
      this.#permitTimer = setTimeout(() => (this.#permitUntil = null), seconds * 1000);
      this.#permitTimer.unref();
    },
    close: async () => {
      if (this.#permitTimer) clearTimeout(this.#permitTimer);
      this.#permitUntil = null;
      await this.#controller?.permitJoin(0);
    },
    openUntil: () => this.#permitUntil,
    candidates: () => [...this.#candidates.values()],
    adopt: async (candidateId: string, opts: { secret?: string }) => {
      const cand = this.#candidates.get(candidateId);
      if (!cand) throw new AdapterRefusal('no such candidate', 'not_found');
      if (cand.status !== 'ready')
        throw new AdapterRefusal(`the device is ${cand.status}, not ready to adopt`);
      if (opts.secret) {
        await this.#ctx.secrets.set(`installcode:${candidateId}`, opts.secret);
        await this.#controller?.addInstallCode(opts.secret).catch((err: unknown) => {
          throw new AdapterRefusal(`install code refused: ${String(err)}`);
        });
      }
      this.#adopted.add(candidateId);
      this.#writeList('adopted.json', this.#adopted);
      this.#backupSoon();
      this.#dropCandidate(candidateId);
      this.#announce(candidateId);
      return { address: candidateId };
    },
    retry: async (candidateId: string) => {
      const device = this.#controller?.getDeviceByIeeeAddr(candidateId);
      if (!device)
        throw new AdapterRefusal(
          'the device is no longer on the network: permit joining and reset it',
          'not_found',
        );
      this.#setCandidate(device, 'interviewing', null);
      try {
        await device.interview(true);
        await this.#interviewed(device);
      } catch (err) {
        this.#setCandidate(device, 'failed', interviewError(err));
      }
    },
  };

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    try {
      const keys = await loadOrCreateNetworkKeys(this.#ctx.secrets);
      const dir = this.#ctx.dataDir;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      await this.#keySeal.unseal(); // herdsman may restore from the backup: it needs the real key
      const controller = new Controller({
        network: {
          panID: keys.panId,
          extendedPanID: keys.extendedPanId,
          networkKey: keys.networkKey,
          channelList: [this.#config.channel],
        },
        serialPort: { path: this.#config.port, adapter: this.#config.adapterType },
        databasePath: join(dir, 'database.db'),
        databaseBackupPath: join(dir, 'database.db.backup'),
        backupPath: join(dir, 'coordinator_backup.json'),
        adapter: { disableLED: false },
        acceptJoiningDeviceHandler: async (ieee: string) => !this.#banned.has(ieee),
      });
      this.#controller = controller;
      this.#wire(controller);
      this.#startResult = await controller.start();
      await this.#keySeal.seal();
      this.#keySeal.watch((err) => this.#ctx.log.warn({ err: String(err) }, 'sealing the backup key failed'));
      if (this.#stopped) return;
      this.#attempt = 0;
      this.#health = { status: 'ok', detail: null };
      this.#ctx.log.info({ result: this.#startResult }, 'zigbee coordinator up');
      for (const device of controller.getDevicesIterator((d) => d.type !== 'Coordinator')) {
        if (device.interviewState === 'SUCCESSFUL') await this.#interviewed(device);
        else this.#setCandidate(device, 'failed', 'The interview did not finish: retry it.');
      }
    } catch (err) {
      this.#health = { status: 'down', detail: String(err) };
      this.#ctx.log.warn({ err: String(err) }, 'zigbee coordinator unreachable; retrying');
      await this.#shutdownController();
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = RECONNECT_MS[Math.min(this.#attempt++, RECONNECT_MS.length - 1)]!;
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  async #shutdownController(): Promise<void> {
    const c = this.#controller;
    this.#controller = null;
    if (!c) return;
    c.removeAllListeners();
    try {
      if (this.#permitUntil !== null && this.#health.status === 'ok') await c.permitJoin(0);
    } catch {
      // the link may already be gone
    }
    // herdsman skips permitJoin(0) after a disconnect, so its own countdown would outlive stop()
    const timer = (c as unknown as { permitJoinTimer?: NodeJS.Timeout }).permitJoinTimer;
    if (timer) clearTimeout(timer);
    try {
      await c.stop();
    } catch (err) {
      this.#ctx.log.debug({ err: String(err) }, 'controller stop after failure');
    }
    this.#keySeal.stopWatching();
    await this.#keySeal.seal().catch(() => undefined); // herdsman's backup on stop
    this.#permitUntil = null;
  }

  #wire(c: Controller): void {
    c.on('deviceJoined', ({ device }) => {
      if (!this.#adopted.has(device.ieeeAddr)) this.#setCandidate(device, 'joining', null);
    });
    c.on('deviceInterview', ({ status, device }) => {
      if (status === 'started') {
        if (!this.#adopted.has(device.ieeeAddr)) this.#setCandidate(device, 'interviewing', null);
      } else if (status === 'successful') void this.#interviewed(device);
      else if (status === 'failed') this.#setCandidate(device, 'failed', interviewError(null));
    });
    c.on('deviceAnnounce', ({ device }) => this.#seen(device.ieeeAddr));
    c.on('deviceLeave', ({ ieeeAddr }) => {
      this.#dropCandidate(ieeeAddr);
      if (this.#adopted.has(ieeeAddr)) this.#ctx.sink.deviceRemoved(ieeeAddr);
    });
    c.on('message', (msg) => void this.#onMessage(msg as never));
    c.on('adapterDisconnected', () => {
      if (this.#stopped) return;
      this.#health = { status: 'down', detail: 'coordinator link lost; reconnecting' };
      this.#ctx.log.warn({}, 'zigbee coordinator link lost');
      void this.#shutdownController().then(() => this.#scheduleReconnect());
    });
  }

  async #interviewed(device: ZhDevice): Promise<void> {
    try {
      const definition = await zhc.findByDevice(device as never, true);
      if (!definition) throw new Error('no definition');
      const exposes = (
        typeof definition.exposes === 'function'
          ? definition.exposes(device as never, {})
          : definition.exposes
      ) as ExposeLike[];
      const prev = this.#known.get(device.ieeeAddr);
      this.#known.set(device.ieeeAddr, {
        definition,
        entities: entitiesFromExposes(exposes),
        state: prev?.state ?? {},
      });
      if (this.#adopted.has(device.ieeeAddr)) this.#announce(device.ieeeAddr);
      else this.#setCandidate(device, 'ready', null);
      if (definition.configure && !device.meta?.configured) {
        const coordinator = this.#controller?.getDevicesByType('Coordinator')[0]?.endpoints[0];
        if (coordinator) {
          try {
            await definition.configure(device as never, coordinator as never, definition);
            device.meta = { ...device.meta, configured: true };
            device.save();
          } catch (err) {
            this.#ctx.log.warn({ ieee: device.ieeeAddr, err: String(err) }, 'reporting configuration failed');
          }
        }
      }
    } catch (err) {
      this.#setCandidate(device, 'failed', `No usable definition: ${String(err)}`);
    }
  }

  #announce(ieee: string): void {
    const device = this.#controller?.getDeviceByIeeeAddr(ieee);
    const known = this.#known.get(ieee);
    if (!device || !known) return;
    this.#ctx.sink.deviceAnnounced({
      address: ieee,
      name: known.definition.description ?? device.modelID ?? ieee,
      manufacturer: known.definition.vendor ?? device.manufacturerName ?? null,
      model: known.definition.model ?? device.modelID ?? null,
      swVersion: device.softwareBuildID ?? null,
      entities: known.entities.map((e) => e.announcement),
    });
    this.#publish(ieee, known, Object.keys(known.state));
  }

  async #onMessage(msg: {
    type: string;
    cluster: string;
    data: unknown;
    device: ZhDevice;
    endpoint: unknown;
    linkquality: number;
    groupID: number;
    meta: unknown;
  }): Promise<void> {
    const ieee = msg.device.ieeeAddr;
    this.#seen(ieee);
    const update = msg.type === 'commandImageBlockRequest' ? this.#updates.get(ieee) : undefined;
    if (update) {
      const p = progressOfBlockRequest(msg.data, update.size);
      if (p) update.report(p);
    }
    const known = this.#known.get(ieee);
    if (!known || !this.#adopted.has(ieee)) return;
    const out: Record<string, unknown> = {};
    for (const conv of known.definition.fromZigbee) {
      if (conv.cluster !== msg.cluster || ![conv.type].flat().includes(msg.type as never)) continue;
      try {
        const meta = {
          device: msg.device,
          logger: this.#ctx.log,
          state: known.state,
          deviceExposesChanged: () => {},
        };
        const res = await conv.convert(known.definition, msg as never, () => {}, {}, meta as never);
        if (res && typeof res === 'object') Object.assign(out, res);
      } catch (err) {
        this.#ctx.log.warn({ ieee, cluster: msg.cluster, err: String(err) }, 'converter failed on a message');
      }
    }
    if (Object.keys(out).length === 0) return;
    zhc.postProcessConvertedFromZigbeeMessage(known.definition, out, {}, msg.device as never);
    Object.assign(known.state, out);
    this.#publish(ieee, known, Object.keys(out));
  }

  #publish(ieee: string, known: Known, changed: string[]): void {
    const ts = this.#ctx.now();
    for (const e of known.entities) {
      if (!e.properties.some((p) => changed.includes(p))) continue;
      const value = e.read(known.state);
      if (value !== undefined)
        this.#ctx.sink.stateChanged(ieee, e.announcement.key, { value, ts, quality: 'good' });
    }
  }

  #seen(ieee: string): void {
    if (this.#offline.delete(ieee) && this.#adopted.has(ieee)) this.#ctx.sink.availabilityChanged(ieee, true);
  }

  /** mains devices are pinged when quiet; battery devices cannot be, so they time out */
  async checkAvailability(): Promise<void> {
    const c = this.#controller;
    if (!c || this.#health.status !== 'ok') return;
    // the context's clock, so a test can step past a 25-hour timeout without waiting for it
    const now = this.#ctx.now();
    for (const ieee of this.#adopted) {
      const d = c.getDeviceByIeeeAddr(ieee);
      if (!d || this.#offline.has(ieee)) continue;
      const quiet = now - (d.lastSeen ?? 0);
      if (d.powerSource?.toLowerCase().includes('battery') || d.type === 'EndDevice') {
        if (quiet > this.#config.batteryTimeoutS * 1000) this.#markOffline(ieee);
      } else if (quiet > this.#config.pingAfterS * 1000) {
        await d.ping().catch(() => this.#markOffline(ieee));
      }
    }
  }

  #markOffline(ieee: string): void {
    this.#offline.add(ieee);
    this.#ctx.sink.availabilityChanged(ieee, false);
  }

  #setCandidate(device: ZhDevice, status: CommissioningCandidate['status'], error: string | null): void {
    const known = this.#known.get(device.ieeeAddr);
    const cand: CommissioningCandidate = {
      id: device.ieeeAddr,
      address: device.ieeeAddr,
      label: known
        ? `${known.definition.vendor} ${known.definition.model}`
        : (device.modelID ?? `Zigbee device ${device.ieeeAddr}`),
      status,
      error,
      detail: {
        nwk: device.networkAddress,
        type: device.type,
        lqi: device.linkquality ?? null,
        interview: device.interviewState ?? null,
        supported: known ? !('generated' in known.definition && known.definition.generated) : null,
      },
      secret: null,
      lastSeen: this.#ctx.now(),
    };
    this.#candidates.set(cand.id, cand);
    this.#ctx.sink.candidateChanged?.(cand);
  }

  #dropCandidate(id: string): void {
    if (this.#candidates.delete(id)) this.#ctx.sink.candidateRemoved?.(id);
  }

  /**
   * herdsman backs the coordinator up on start, daily and on stop; the network changed now, so
   * back up soon (debounced), or a coordinator lost before the next stop would lose the change
   */
  #backupSoon(): void {
    if (this.#backupTimer) clearTimeout(this.#backupTimer);
    this.#backupTimer = setTimeout(() => {
      this.#backupTimer = null;
      if (this.#health.status !== 'ok') return;
      this.#controller
        ?.backup()
        .catch((err: unknown) => this.#ctx.log.warn({ err: String(err) }, 'coordinator backup failed'));
    }, 2000);
  }

  #requireController(): Controller {
    if (!this.#controller || this.#health.status !== 'ok')
      throw new AdapterRefusal('the Zigbee coordinator is not connected', 'unavailable');
    return this.#controller;
  }

  #readList(file: string): string[] {
    try {
      return JSON.parse(readFileSync(join(this.#ctx.dataDir, file), 'utf8')) as string[];
    } catch {
      return [];
    }
  }

  #writeList(file: string, set: Set<string>): void {
    writeFileSync(join(this.#ctx.dataDir, file), JSON.stringify([...set]), { mode: 0o600 });
  }
}

function interviewError(err: unknown): string {
  const why = err ? ` (${String(err)})` : '';
  return `The device did not answer its interview${why}. Wake it (press its button) and retry.`;
}
