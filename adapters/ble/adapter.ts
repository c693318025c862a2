import dbus from 'dbus-next';
import type {
  AdapterContext,
  AdapterHealth,
  AdapterInstance,
  CommissioningCandidate,
  DeviceAnnouncement,
  EntityAnnouncement,
} from '../../shared/adapter/contract.ts';
import { AdapterRefusal } from '../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../shared/domain/command.ts';
import { AdoptedStore } from './adopted-store.ts';
import { PassiveMonitor } from './bluez/advertisement-monitor.ts';
import { BluezWatcher, type BleAdapterInfo, type BleDeviceSnapshot } from './bluez/bluez-watcher.ts';
import { toCandidate } from './candidates.ts';
import { decodeAdvertisement } from './decode-advertisement.ts';
import { GattLink } from './gatt/gatt-link.ts';
import { nodeBleOn, type BleAdapterHandle, type NodeBle } from './gatt/node-ble-facade.ts';
import { GATT_PROFILES, isGattProfileService } from './gatt/profiles.ts';
import type { BleAdapterConfig } from './manifest.ts';
import type { Measurement, ParseResult } from './measurement.ts';
import { ReplayGuard } from './replay-guard.ts';

const FORMAT_MODEL: Record<string, string> = {
  bthome: 'BTHome v2 sensor',
  pvvx: 'pvvx custom firmware',
  atc: 'ATC1441 custom firmware',
  mibeacon: 'Xiaomi MiBeacon',
  ruuvi: 'RuuviTag (RAWv2)',
  gatt: 'GATT sensor',
};

const bindKeyName = (mac: string) => `bindkey:${mac}`;
/** a scan in a crowded place (or a flood of random MACs) must not grow without bound */
const MAX_CANDIDATES = 500;
/** an unchanged candidate is re-sent this often, so the UI's "last seen" stays fresh */
const CANDIDATE_REFRESH_MS = 5000;

function toEntity(m: Measurement): EntityAnnouncement {
  return {
    key: m.key,
    name: m.name,
    kind: m.kind,
    deviceClass: m.deviceClass,
    unit: m.unit,
    writable: false,
  };
}

interface Counters {
  advertisements: number;
  decoded: number;
  duplicates: number;
  rejected: number;
  hostile: number;
  gattNotifications: number;
  lastRejections: string[];
}

/**
 * BLE sensors through BlueZ: advertisements of adopted devices become entity states; scans feed
 * the commissioning list (never stored); GATT devices are kept connected. BlueZ leaving, the
 * controller being unplugged or powered off degrade the adapter's health; nothing here throws
 * into the core.
 */
export function createBleAdapter(ctx: AdapterContext, config: BleAdapterConfig): AdapterInstance {
  const { log, sink } = ctx;
  const store = new AdoptedStore(ctx.files);
  const guard = new ReplayGuard();
  const bindKeys = new Map<string, Uint8Array>();
  const announced = new Map<string, Map<string, EntityAnnouncement>>();
  const lastSeen = new Map<string, number>();
  const online = new Map<string, boolean>();
  const gattLinks = new Map<string, GattLink>();
  const candidates = new Map<string, CommissioningCandidate>();
  /** last decode of each candidate, so adopt can check a bindkey against real data */
  const candidateAdverts = new Map<string, BleDeviceSnapshot>();
  const candidateNotified = new Map<string, { fingerprint: string; at: number }>();
  const counters: Counters = {
    advertisements: 0,
    decoded: 0,
    duplicates: 0,
    rejected: 0,
    hostile: 0,
    gattNotifications: 0,
    lastRejections: [],
  };
  let watcher: BluezWatcher | null = null;
  let nodeBle: NodeBle | null = null;
  let selected: BleAdapterInfo | null = null;
  let adapterHandle: BleAdapterHandle | null = null;
  let openUntil: number | null = null;
  let monitor: PassiveMonitor | null = null;
  let passiveState: string | null = null;
  let health: AdapterHealth = { status: 'down', detail: 'not started' };
  let timers: NodeJS.Timeout[] = [];
  let stopped = false;
  let connectRetry: NodeJS.Timeout | null = null;

  const rejectNote = (mac: string, reason: string) => {
    counters.rejected++;
    counters.lastRejections = [`${mac}: ${reason}`, ...counters.lastRejections].slice(0, 10);
  };

  function announce(mac: string, measurements: Measurement[]): void {
    const dev = store.devices.get(mac);
    if (!dev) return;
    const entities = announced.get(mac) ?? new Map<string, EntityAnnouncement>();
    const fresh = measurements.filter((m) => !entities.has(m.key));
    if (fresh.length === 0 && announced.has(mac)) return;
    for (const m of fresh) entities.set(m.key, toEntity(m));
    announced.set(mac, entities);
    const ann: DeviceAnnouncement = {
      address: mac,
      name: dev.name,
      manufacturer: null,
      model: FORMAT_MODEL[dev.format] ?? dev.format,
      swVersion: null,
      entities: [...entities.values()],
    };
    sink.deviceAnnounced(ann);
  }

  function report(mac: string, measurements: Measurement[]): void {
    announce(mac, measurements);
    const ts = ctx.now();
    for (const m of measurements) sink.stateChanged(mac, m.key, { value: m.value, ts, quality: 'good' });
  }

  function heard(mac: string): void {
    lastSeen.set(mac, ctx.now());
    if (online.get(mac) === false) sink.availabilityChanged(mac, true);
    online.set(mac, true);
  }

  function gattProfilesOf(dev: BleDeviceSnapshot): string[] {
    return dev.uuids
      .filter(isGattProfileService)
      .map((u) => (u.startsWith('0000181a') ? 'Environmental Sensing' : 'Battery'));
  }

  function onDevice(dev: BleDeviceSnapshot, changed: ReadonlySet<string>): void {
    if (selected && dev.adapter !== selected.name) return;
    const adopted = store.devices.get(dev.mac);
    const link = gattLinks.get(dev.mac);
    if (link && changed.has('Connected') && !dev.connected) link.linkLost();
    const advert = changed.has('RSSI') || changed.has('ServiceData') || changed.has('ManufacturerData');
    if (!advert) return;
    counters.advertisements++;
    if (adopted) {
      heard(dev.mac);
      if (!changed.has('ServiceData') && !changed.has('ManufacturerData')) return;
      const result = decodeAdvertisement(dev, bindKeys.get(dev.mac));
      if (!result) return;
      if (!result.ok) {
        rejectNote(dev.mac, result.reason);
        return;
      }
      const fresh = guard.check(dev.mac, result.packetId, result.counter);
      if (!fresh.ok) {
        if (fresh.reason.startsWith('duplicate')) counters.duplicates++;
        else rejectNote(dev.mac, fresh.reason);
        return;
      }
      counters.decoded++;
      report(dev.mac, result.measurements);
      return;
    }
    if (openUntil === null || store.banned.has(dev.mac)) return;
    const result = decodeAdvertisement(dev);
    if (result && !result.ok && !result.needsKey) rejectNote(dev.mac, result.reason);
    const gatt = gattProfilesOf(dev);
    if (!result && gatt.length === 0) return;
    const previous = candidates.get(dev.mac);
    if (!previous && candidates.size >= MAX_CANDIDATES) {
      counters.hostile++;
      return;
    }
    const candidate = toCandidate(dev, result, gatt, ctx.now());
    // a failed adoption stays visible (with its reason) until the installer retries or adopts
    if (previous?.status === 'failed') Object.assign(candidate, { status: 'failed', error: previous.error });
    candidates.set(dev.mac, candidate);
    candidateAdverts.set(dev.mac, { ...dev });
    // Every advertisement is reported (DuplicateData): tell the UI only what it would notice.
    const last = candidateNotified.get(dev.mac);
    const { rssi: _rssi, ...stable } = candidate.detail;
    const fingerprint = JSON.stringify([candidate.status, candidate.error, candidate.label, stable]);
    if (!last || last.fingerprint !== fingerprint || candidate.lastSeen - last.at >= CANDIDATE_REFRESH_MS) {
      candidateNotified.set(dev.mac, { fingerprint, at: candidate.lastSeen });
      sink.candidateChanged?.(candidate);
    }
  }

  function selectAdapter(): void {
    const list = [...(watcher?.adapters.values() ?? [])];
    const pick = config.adapter
      ? list.find((a) => a.name === config.adapter)
      : (list.find((a) => a.powered) ?? list[0]);
    const previous = selected?.path;
    selected = pick ?? null;
    if (previous !== selected?.path || !selected?.powered) monitor?.forget();
    if (!selected) {
      adapterHandle = null;
      health = {
        status: 'degraded',
        detail: config.adapter
          ? `Bluetooth adapter ${config.adapter} is not present`
          : 'no Bluetooth adapter present',
      };
      for (const l of gattLinks.values()) l.linkLost();
      return;
    }
    if (!selected.powered) {
      health = { status: 'degraded', detail: `Bluetooth adapter ${selected.name} is powered off` };
      for (const l of gattLinks.values()) l.linkLost();
      return;
    }
    health = { status: 'ok', detail: `scanning on ${selected.name} (${config.scanMode})` };
    if (previous !== selected.path || !selected.discovering) void startDiscovery(selected);
    void nodeBle
      ?.getAdapter(selected.name)
      .then((h) => {
        adapterHandle = h;
        for (const l of gattLinks.values()) l.retryNow();
      })
      .catch((err: unknown) => log.warn({ err }, 'node-ble could not open the adapter'));
    // Devices BlueZ already knows: adopted ones count as heard only when they advertise.
  }

  async function startDiscovery(a: BleAdapterInfo): Promise<void> {
    if (!watcher) return;
    if (config.scanMode === 'passive') {
      try {
        await monitor?.register(a.path);
        passiveState = `monitor registered on ${a.name}`;
      } catch (err) {
        passiveState = `advertisement monitor refused: ${err instanceof Error ? err.message : String(err)}`;
        log.warn({ adapter: a.name, reason: passiveState }, 'passive scanning unavailable (BlueZ needs -E)');
      }
      return;
    }
    try {
      // DuplicateData: every advertisement, not only changed ones; filters are per D-Bus client.
      await watcher.call(a.path, 'org.bluez.Adapter1', 'SetDiscoveryFilter', 'a{sv}', [
        {
          Transport: new dbus.Variant('s', 'le'),
          DuplicateData: new dbus.Variant('b', true),
        },
      ]);
      await watcher.call(a.path, 'org.bluez.Adapter1', 'StartDiscovery');
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      if (!/InProgress|in progress/i.test(text))
        log.warn({ err: text, adapter: a.name }, 'could not start discovery');
    }
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const w = new BluezWatcher({
      busAddress: config.busAddress,
      log,
      events: {
        bluez(up) {
          if (!up) {
            monitor?.forget();
            selected = null;
            adapterHandle = null;
            health = { status: 'down', detail: 'BlueZ (bluetoothd) is not running' };
            log.warn({}, 'BlueZ left the bus');
            for (const l of gattLinks.values()) l.linkLost();
          } else {
            log.info({}, 'BlueZ is on the bus');
            selectAdapter();
          }
        },
        adapterChanged: () => selectAdapter(),
        device: onDevice,
        deviceRemoved(dev) {
          // BlueZ forgot the device (out of range long enough, adapter gone): the link is down.
          gattLinks.get(dev.mac)?.linkLost();
        },
        disconnected(reason) {
          health = { status: 'down', detail: `D-Bus connection lost: ${reason}` };
          log.warn({ reason }, 'D-Bus connection lost; reconnecting');
          selected = null;
          adapterHandle = null;
          for (const l of gattLinks.values()) l.linkLost();
          w.stop();
          if (watcher === w) watcher = null;
          if (!stopped) connectRetry = setTimeout(() => void connect(), 5000);
        },
        malformed(what) {
          counters.hostile++;
          log.debug({ what }, 'malformed BlueZ data ignored');
        },
      },
    });
    watcher = w;
    // before start(): BlueZ may be found (and the adapter selected) during it
    nodeBle = nodeBleOn(w.bus);
    monitor = new PassiveMonitor(w.bus);
    try {
      await w.start(3000);
      if (!w.bluezUp) health = { status: 'down', detail: 'BlueZ (bluetoothd) is not running' };
    } catch (err) {
      health = {
        status: 'down',
        detail: `D-Bus is not reachable: ${err instanceof Error ? err.message : String(err)}`,
      };
      log.warn({ err }, 'D-Bus not reachable; retrying');
      w.stop();
      watcher = null;
      connectRetry = setTimeout(() => void connect(), 5000);
    }
  }

  function startGattLink(mac: string): void {
    if (gattLinks.has(mac)) return;
    const link = new GattLink({
      mac,
      log,
      adapter: () => adapterHandle,
      backoffMs: config.gattBackoffMs,
      maxBackoffMs: config.gattMaxBackoffMs,
      connectTimeoutMs: 15_000,
      onMeasurement(m) {
        counters.gattNotifications++;
        heard(mac);
        report(mac, [m]);
      },
      onConnected(up) {
        if (up) heard(mac);
        else {
          online.set(mac, false);
          sink.availabilityChanged(mac, false);
        }
      },
    });
    gattLinks.set(mac, link);
    link.start();
  }

  function tick(): void {
    const now = ctx.now();
    for (const mac of store.devices.keys()) {
      if (gattLinks.get(mac)?.connected) continue;
      const seen = lastSeen.get(mac);
      if (
        online.get(mac) !== false &&
        seen !== undefined &&
        now - seen > config.availabilityTimeoutSec * 1000
      ) {
        online.set(mac, false);
        sink.availabilityChanged(mac, false);
      }
    }
    for (const [id, c] of candidates) {
      if (now - c.lastSeen > config.candidateTtlSec * 1000) {
        candidates.delete(id);
        candidateAdverts.delete(id);
        candidateNotified.delete(id);
        sink.candidateRemoved?.(id);
      }
    }
    if (openUntil !== null && now >= openUntil) void commissioning.close();
  }

  function parseKey(secret: string | undefined): Uint8Array | null {
    const hex = (secret ?? '').trim().replaceAll(/[\s:-]/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }

  const commissioning = {
    async open(seconds: number): Promise<void> {
      openUntil = ctx.now() + seconds * 1000;
      if (selected?.powered && !selected.discovering) await startDiscovery(selected);
      // devices heard before the window opened are offered at their next advertisement
    },
    async close(): Promise<void> {
      openUntil = null;
      for (const id of candidates.keys()) sink.candidateRemoved?.(id);
      candidates.clear();
      candidateAdverts.clear();
      candidateNotified.clear();
    },
    openUntil: () => openUntil,
    candidates: () => [...candidates.values()],
    async retry(candidateId: string): Promise<void> {
      const c = candidates.get(candidateId);
      if (!c) return;
      const fresh = { ...c, status: 'discovered' as const, error: null };
      candidates.set(candidateId, fresh);
      sink.candidateChanged?.(fresh);
    },
    async adopt(candidateId: string, opts: { secret?: string }): Promise<{ address: string }> {
      const candidate = candidates.get(candidateId);
      const snap = candidateAdverts.get(candidateId);
      if (!candidate || !snap)
        throw new AdapterRefusal('That device is no longer in the scan list.', 'not_found');
      const mac = candidate.address;
      let result: ParseResult | null = decodeAdvertisement(snap);
      let key: Uint8Array | null = null;
      const refuse = (reason: string): never => {
        const failed = { ...candidate, status: 'failed' as const, error: reason };
        candidates.set(candidateId, failed);
        sink.candidateChanged?.(failed);
        throw new AdapterRefusal(reason);
      };
      if (candidate.secret?.required) {
        key = parseKey(opts.secret);
        if (!key) refuse('This device encrypts its data: enter its 32-character hex bindkey.');
        result = decodeAdvertisement(snap, key ?? undefined);
        if (!result?.ok)
          refuse(
            `The bindkey does not open this device's data (${result?.ok === false ? result.reason : 'no data'}).`,
          );
      }
      const format = result ? result.format : 'gatt';
      const name = snap.name ?? `${FORMAT_MODEL[format] ?? 'BLE device'} ${mac.slice(-5)}`;
      if (key) {
        await ctx.secrets.set(bindKeyName(mac), Buffer.from(key).toString('hex'));
        bindKeys.set(mac, key);
      }
      store.devices.set(mac, { mac, name, format, encrypted: key !== null });
      store.banned.delete(mac);
      store.save();
      candidates.delete(candidateId);
      candidateAdverts.delete(candidateId);
      sink.candidateRemoved?.(candidateId);
      if (format === 'gatt') {
        const services = new Set(snap.uuids);
        const entities = GATT_PROFILES.filter((p) => services.has(p.service)).map((p) => p.characteristic);
        announce(mac, guessGattEntities(entities));
        startGattLink(mac);
      } else if (result?.ok) {
        guard.check(mac, result.packetId, result.counter);
        heard(mac);
        report(mac, result.measurements);
      }
      return { address: mac };
    },
  };

  return {
    async start() {
      stopped = false;
      for (const dev of store.devices.values()) {
        // a device silent for a whole timeout after a restart goes offline, as if heard just now
        lastSeen.set(dev.mac, ctx.now());
        if (dev.encrypted) {
          const key = parseKey((await ctx.secrets.get(bindKeyName(dev.mac))) ?? undefined);
          if (key) bindKeys.set(dev.mac, key);
          else
            log.warn(
              { mac: dev.mac },
              'bindkey missing: the device cannot be decoded until it is adopted again',
            );
        }
        if (dev.format === 'gatt') startGattLink(dev.mac);
      }
      timers = [setInterval(tick, Math.min(5000, config.candidateTtlSec * 250))];
      // An unreachable bus must not hold up the core's start: connect() keeps retrying on its own.
      await connect();
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      if (connectRetry) clearTimeout(connectRetry);
      for (const l of gattLinks.values()) await l.stop();
      gattLinks.clear();
      watcher?.stop();
      watcher = null;
    },
    health: () => health,
    diagnostics: () => ({
      bluez: watcher?.bluezUp ?? false,
      adapter: selected?.name ?? null,
      scanMode: config.scanMode,
      passive: passiveState,
      adopted: store.devices.size,
      candidates: candidates.size,
      gatt: Object.fromEntries(
        [...gattLinks].map(([mac, l]) => [mac, { connected: l.connected, lastError: l.lastError }]),
      ),
      ...counters,
    }),
    async execute(_address: string, _entityKey: string, _command: EntityCommand) {
      throw new AdapterRefusal('BLE sensors take no commands.');
    },
    commissioning,
    async remove(address: string, opts?: { ban?: boolean }) {
      store.devices.delete(address);
      if (opts?.ban) store.banned.add(address);
      store.save();
      await ctx.secrets.delete(bindKeyName(address));
      bindKeys.delete(address);
      announced.delete(address);
      guard.forget(address);
      await gattLinks.get(address)?.stop();
      gattLinks.delete(address);
    },
  };
}

/** The entities a GATT device will report, from its advertised profile characteristics. */
function guessGattEntities(characteristics: string[]): Measurement[] {
  const sample: Record<string, Measurement> = {};
  for (const p of GATT_PROFILES) {
    const probe = p.decode(
      p.characteristic.startsWith('00002a19') ? new Uint8Array([0]) : new Uint8Array([0, 0]),
    );
    if (probe) sample[p.characteristic] = probe;
  }
  return characteristics.map((c) => sample[c]).filter((m): m is Measurement => m !== undefined);
}
