import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dbus from 'dbus-next';

/**
 * A private BlueZ for tests and the demo: its own dbus-daemon on a unix socket in a temp folder,
 * python-dbusmock running `bluez_truss.py` on it. Nothing here touches the system bus.
 */

const TEMPLATE = join(import.meta.dirname, 'bluez_truss.py');
const PYTHON = process.env.DBUSMOCK_PYTHON ?? '/usr/bin/python3';

export interface BleRigAvailability {
  ok: boolean;
  reason: string | null;
}

/** Whether dbus-daemon and python3-dbusmock are installed (Debian: dbus, python3-dbusmock). */
export function bleRigAvailability(): BleRigAvailability {
  const daemon = spawnSync('dbus-daemon', ['--version'], { stdio: 'ignore' });
  if (daemon.error || daemon.status !== 0) return { ok: false, reason: 'dbus-daemon is not installed' };
  const mock = spawnSync(PYTHON, ['-c', 'import dbusmock'], { stdio: 'ignore' });
  if (mock.error || mock.status !== 0)
    return { ok: false, reason: `python3-dbusmock is not importable by ${PYTHON}` };
  return { ok: true, reason: null };
}

export function devicePath(adapter: string, mac: string): string {
  return `/org/bluez/${adapter}/dev_${mac.toUpperCase().replaceAll(':', '_')}`;
}

export interface BleRig {
  /** the bus address to hand to the BLE adapter (`busAddress`) */
  readonly busAddress: string;
  addAdapter(name: string, alias?: string): Promise<string>;
  removeAdapter(name: string): Promise<void>;
  setPowered(adapter: string, powered: boolean): Promise<void>;
  addDevice(adapter: string, mac: string, name: string): Promise<string>;
  removeDevice(adapter: string, mac: string): Promise<void>;
  /** one received advertisement; manufacturer data keyed by company id */
  advertise(
    path: string,
    adv: {
      rssi: number;
      serviceData?: Record<string, Uint8Array>;
      manufacturerData?: Record<number, Uint8Array>;
    },
  ): Promise<void>;
  /** many advertisements under one service UUID in one call, each its own PropertiesChanged */
  advertiseMany(path: string, rssi: number, uuid: string, payloads: Uint8Array[]): Promise<void>;
  addGattService(devicePath: string, uuid: string): Promise<string>;
  addGattCharacteristic(
    servicePath: string,
    uuid: string,
    flags: string[],
    value: Uint8Array,
  ): Promise<string>;
  setCharacteristicValue(charPath: string, value: Uint8Array): Promise<void>;
  characteristicWrites(charPath: string): Promise<Uint8Array[]>;
  setReachable(devicePath: string, reachable: boolean): Promise<void>;
  /** the service UUIDs a device advertises (how GATT sensors announce their profiles) */
  setUuids(devicePath: string, uuids: string[]): Promise<void>;
  /** any Device1 property with any D-Bus type, right or wrong (hostile-peer tests) */
  setDeviceProperty(devicePath: string, name: string, signature: string, value: unknown): Promise<void>;
  /** object paths of the advertisement monitors registered on an adapter (passive scanning) */
  monitorRoots(adapter: string): Promise<string[]>;
  /** bluetoothd exits (its objects vanish) / starts again with nothing registered */
  stopBluez(): Promise<void>;
  startBluez(): Promise<void>;
  stop(): Promise<void>;
}

const BUS_CONFIG = (
  socket: string,
) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <keep_umask/>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
  </policy>
</busconfig>
`;

/**
 * Runs a command under a small shell watchdog that ends it when this process dies, even by
 * SIGKILL: a killed test or server must not leave a dbus-daemon or dbusmock behind.
 */
function spawnTied(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const script = [
    '"$@" & c=$!',
    "trap 'kill $c 2>/dev/null; wait $c; exit 0' TERM INT",
    `while kill -0 $c 2>/dev/null; do kill -0 ${process.pid} 2>/dev/null || { kill $c; exit 0; }; sleep 0.5 & wait $!; done`,
  ].join('\n');
  return spawn('sh', ['-c', script, 'sh', command, ...args], { stdio: 'ignore', ...(env ? { env } : {}) });
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await fn().catch(() => false))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`BLE rig: ${what} did not come up in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startBleRig(): Promise<BleRig> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-ble-'));
  const socket = join(dir, 'bus');
  writeFileSync(join(dir, 'bus.conf'), BUS_CONFIG(socket));
  const daemon = spawnTied('dbus-daemon', ['--config-file', join(dir, 'bus.conf'), '--nofork']);
  const busAddress = `unix:path=${socket}`;
  await waitFor('dbus-daemon', async () => existsSync(socket));
  const client = dbus.sessionBus({ busAddress });
  let mock: ChildProcess | null = null;

  const hasBluez = async () => {
    const reply = await client.call(
      new dbus.Message({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'NameHasOwner',
        signature: 's',
        body: ['org.bluez'],
      }),
    );
    return reply?.body[0] === true;
  };

  const call = async (path: string, iface: string, member: string, signature: string, body: unknown[]) => {
    const reply = await client.call(
      new dbus.Message({ destination: 'org.bluez', path, interface: iface, member, signature, body }),
    );
    return reply?.body[0] as unknown;
  };
  const mockCall = (member: string, signature: string, ...body: unknown[]) =>
    call('/', 'org.bluez.Mock', member, signature, body);

  const startBluez = async () => {
    mock = spawnTied(PYTHON, ['-m', 'dbusmock', '--system', '-t', TEMPLATE], {
      ...process.env,
      DBUS_SYSTEM_BUS_ADDRESS: busAddress,
    });
    await waitFor('dbusmock (org.bluez)', hasBluez);
  };
  await startBluez();

  return {
    busAddress,
    addAdapter: async (name, alias = 'Truss test controller') =>
      (await mockCall('AddAdapter', 'ss', name, alias)) as string,
    removeAdapter: async (name) => void (await mockCall('RemoveAdapterWithDevices', 's', name)),
    setPowered: async (adapter, powered) => void (await mockCall('SetPowered', 'sb', adapter, powered)),
    addDevice: async (adapter, mac, name) =>
      (await mockCall('AddDevice', 'sss', adapter, mac, name)) as string,
    removeDevice: async (adapter, mac) =>
      void (await call(`/org/bluez/${adapter}`, 'org.bluez.Adapter1', 'RemoveDevice', 'o', [
        devicePath(adapter, mac),
      ])),
    advertise: async (path, adv) => {
      const sd: Record<string, Buffer> = {};
      for (const [k, v] of Object.entries(adv.serviceData ?? {})) sd[k] = Buffer.from(v);
      const md: Record<string, Buffer> = {};
      for (const [k, v] of Object.entries(adv.manufacturerData ?? {})) md[String(k)] = Buffer.from(v);
      await mockCall('Advertise', 'sna{say}a{say}', path, adv.rssi, sd, md);
    },
    advertiseMany: async (path, rssi, uuid, payloads) =>
      void (await mockCall(
        'AdvertiseMany',
        'snsaay',
        path,
        rssi,
        uuid,
        payloads.map((p) => Buffer.from(p)),
      )),
    addGattService: async (path, uuid) => (await mockCall('AddGattService', 'ss', path, uuid)) as string,
    addGattCharacteristic: async (servicePath, uuid, flags, value) =>
      (await mockCall(
        'AddGattCharacteristic',
        'ssasay',
        servicePath,
        uuid,
        flags,
        Buffer.from(value),
      )) as string,
    setCharacteristicValue: async (path, value) =>
      void (await mockCall('SetCharacteristicValue', 'say', path, Buffer.from(value))),
    characteristicWrites: async (path) =>
      ((await mockCall('CharacteristicWrites', 's', path)) as Buffer[]).map((b) => new Uint8Array(b)),
    monitorRoots: async (adapter) => (await mockCall('MonitorRoots', 's', adapter)) as string[],
    setUuids: async (path, uuids) =>
      void (await call(path, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', [
        'org.bluez.Device1',
        'UUIDs',
        new dbus.Variant('as', uuids),
      ])),
    setDeviceProperty: async (path, name, signature, value) =>
      void (await call(path, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', [
        'org.bluez.Device1',
        name,
        new dbus.Variant(signature, value),
      ])),
    setReachable: async (path, reachable) => void (await mockCall('SetReachable', 'sb', path, reachable)),
    stopBluez: async () => {
      await stopChild(mock);
      mock = null;
      await waitFor('org.bluez to go away', async () => !(await hasBluez()));
    },
    startBluez,
    stop: async () => {
      client.disconnect();
      await stopChild(mock);
      await stopChild(daemon);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
