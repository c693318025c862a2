/**
 * BLE advertisements decoded per second through the full path: a D-Bus PropertiesChanged from
 * BlueZ (python-dbusmock on a private bus) -> dbus-next -> the BLE adapter (decode, de-dup) ->
 * the core's registry and state store; beside parse-only throughput of the same payloads (the floor
 * of what the adapter could do if D-Bus and the core cost nothing).
 */
import { parseBTHome } from '../../adapters/ble/bthome.ts';
import { bleRigAvailability, startBleRig } from '../../adapters/sim/ble/rig.ts';
import { startTestTruss, until } from '../integration/support/truss-harness.ts';
import { nowMs } from './bench-kit.ts';
import type { BenchReport } from './bench-kit.ts';

const BTHOME = '0000fcd2-0000-1000-8000-00805f9b34fb';
const DEVICES = 10;
const PER_DEVICE = 2000;
const CHUNK = 250;

function payload(i: number): Uint8Array {
  const t = 2000 + (i % 500);
  return new Uint8Array([0x40, 0x00, i & 0xff, 0x01, 80, 0x02, t & 0xff, t >> 8, 0x03, 0x10, 0x13]);
}

const mac = (d: number) => `A4:C1:38:BE:00:${d.toString(16).padStart(2, '0').toUpperCase()}`;

export async function run(): Promise<BenchReport> {
  const payloads = Array.from({ length: PER_DEVICE }, (_, i) => payload(i + 1));

  // Parse-only floor.
  let sink = 0;
  const reps = 20;
  const p0 = nowMs();
  for (let r = 0; r < reps; r++)
    for (const p of payloads) {
      const res = parseBTHome(p);
      if (res.ok) sink += res.measurements.length;
    }
  const parseRate = (reps * payloads.length) / ((nowMs() - p0) / 1000);
  if (sink === 0) throw new Error('parser decoded nothing');

  const avail = bleRigAvailability();
  if (!avail.ok)
    return {
      name: 'BLE advertisements',
      figures: [{ label: 'parse-only (BTHome v2)', unit: 'adv/s', value: parseRate, higherIsBetter: true }],
      notes: [`full path not measured: ${avail.reason}`],
    };

  const rig = await startBleRig();
  await rig.addAdapter('hci0');
  const t = await startTestTruss({ adapters: { ble: { busAddress: rig.busAddress } } });
  try {
    const adapters = t.truss.core.adapters;
    const registry = t.truss.core.use('registry');
    const diag = () =>
      adapters.diagnostics().ble as { decoded: number; duplicates: number; rejected: number };
    const paths: string[] = [];
    await adapters.openCommissioning('ble', 60, null);
    for (let d = 0; d < DEVICES; d++) {
      const path = await rig.addDevice('hci0', mac(d), `bench ${d}`);
      paths.push(path);
      await rig.advertise(path, { rssi: -60, serviceData: { [BTHOME]: payload(0) } });
    }
    await until(
      () => adapters.commissioningStatus().find((s) => s.adapter === 'ble')!.candidates.length === DEVICES,
      5000,
      'candidates',
    );
    for (let d = 0; d < DEVICES; d++) await adapters.adopt('ble', mac(d), undefined);
    await adapters.closeCommissioning('ble');
    const before = diag().decoded;
    const total = DEVICES * PER_DEVICE;

    const t0 = nowMs();
    await Promise.all(
      paths.map(async (path) => {
        for (let i = 0; i < PER_DEVICE; i += CHUNK)
          await rig.advertiseMany(path, -60, BTHOME, payloads.slice(i, i + CHUNK));
      }),
    );
    const sent = nowMs();
    await until(() => diag().decoded - before >= total, 120_000, 'all advertisements decoded');
    await adapters.settled();
    const elapsed = (nowMs() - t0) / 1000;

    const last = payload(PER_DEVICE);
    const expected = Number(((last[6]! | (last[7]! << 8)) * 0.01).toFixed(2));
    const device = registry.deviceByAddress('ble', mac(DEVICES - 1))!;
    const entity = registry.entityByKey(device.id, 'temperature')!;
    const got = t.truss.core.use('states').get(entity.id)?.value;
    if (got !== expected) throw new Error(`last state ${String(got)} != ${expected}`);

    return {
      name: 'BLE advertisements',
      baselineName: 'parse-only',
      figures: [
        {
          label: 'D-Bus PropertiesChanged -> entity state',
          unit: 'adv/s',
          value: total / elapsed,
          higherIsBetter: true,
          baseline: parseRate,
        },
        { label: 'parse-only (BTHome v2)', unit: 'adv/s', value: parseRate, higherIsBetter: true },
      ],
      notes: [
        `${total} advertisements from ${DEVICES} adopted devices, 3 measurements each; emitting took ${((sent - t0) / 1000).toFixed(2)} s of the ${elapsed.toFixed(2)} s`,
        `the emitter is python-dbusmock (single-threaded), so the full-path figure is a lower bound; duplicates=${diag().duplicates}, rejected=${diag().rejected}`,
      ],
    };
  } finally {
    await t.stop();
    await rig.stop();
  }
}
