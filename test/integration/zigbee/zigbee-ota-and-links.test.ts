import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import {
  dimmableLight,
  meteringPlug,
  radiatorValve,
  remoteSwitch,
  temperatureHumiditySensor,
} from '../../../adapters/sim/zigbee/devices.ts';
import { buildOtaFile } from '../../../adapters/sim/zigbee/ota-file.ts';
import { EMULATED_MANUFACTURER_CODE } from '../../../adapters/sim/zigbee/zcl-device.ts';
import { startTestTruss, until, WsProbe, type TestTruss } from '../support/truss-harness.ts';

/**
 * Firmware updates from an installer's file, and bindings/groups, through the real API of a
 * real Truss whose Zigbee adapter drives the Z-Stack emulator: herdsman's own OTA server streams
 * the image to the emulated device's OTA client.
 */
let t: TestTruss;
let token: string;

beforeAll(async () => {
  t = await startTestTruss({ demo: true, tickMs: 200 });
  token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
  await t.truss.demo!.zigbee!.commissioned;
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const snapshot = async (): Promise<Snapshot> => (await t.call('site.snapshot', {}, token)).body.result;
const emulator = () => t.truss.demo!.zigbee!.emulator;
const deviceAt = async (ieee: string) => {
  const d = (await snapshot()).devices.find((x) => x.address === ieee);
  if (!d) throw new Error(`no device ${ieee}`);
  return d;
};
const b64 = (b: Buffer) => b.toString('base64');
const plugFile = (over: Partial<Parameters<typeof buildOtaFile>[0]> = {}) =>
  buildOtaFile({
    manufacturerCode: EMULATED_MANUFACTURER_CODE,
    imageType: 0x0101,
    fileVersion: 0x02010000,
    payloadBytes: 1000,
    headerString: 'innr SP 120 v2.1',
    ...over,
  });

describe('device families by capability', () => {
  it('lists each running family with its words and what it offers, from its manifest and instance', async () => {
    const r = await t.call('adapters.list', {}, token);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries((r.body.result as { id: string }[]).map((a) => [a.id, a]));
    expect(byId.zigbee).toMatchObject({
      name: 'Zigbee',
      commissioning: { verb: 'Permit joining', preJoinSecret: { label: 'Install code or QR payload' } },
      capabilities: { firmware: true, links: true, networkMap: true },
      health: { status: 'ok' },
    });
    expect(byId.mqtt).toMatchObject({
      name: 'Wi-Fi / MQTT',
      commissioning: { verb: 'Open enrollment' },
      capabilities: { firmware: false, links: false, networkMap: false },
    });
  });
});

describe('zigbee OTA from a supplied file', () => {
  it('checks, then updates end to end with progress events; the device runs the new version', async () => {
    const plug = await deviceAt(meteringPlug().ieee);
    const sim = emulator().device(meteringPlug().ieee)!;
    expect(sim.ota.fileVersion).toBe(0x01000000);

    const check = await t.call('device.firmware.check', { deviceId: plug.id, image: b64(plugFile()) }, token);
    expect(check.status).toBe(200);
    expect(check.body.result).toMatchObject({
      manufacturerCode: EMULATED_MANUFACTURER_CODE,
      imageType: 0x0101,
      currentVersion: 0x01000000,
      newVersion: 0x02010000,
      label: 'innr SP 120 v2.1',
    });
    expect(sim.otaBlocksRequested).toBe(0);
    // Real images run to hundreds of kB: a signed-in caller's 1.5 MB file fits in one call.
    const large = await t.call(
      'device.firmware.check',
      { deviceId: plug.id, image: b64(plugFile({ payloadBytes: 1_500_000 })) },
      token,
    );
    expect(large.status).toBe(200);
    expect(large.body.result).toMatchObject({ newVersion: 0x02010000 });

    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token });
    await probe.waitFor((f) => f.t === 'snapshot');
    const started = Date.now();
    const r = await t.call('device.firmware.update', { deviceId: plug.id, image: b64(plugFile()) }, token);
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ newVersion: 0x02010000, swVersion: '2.1.0' });
    expect(Date.now() - started).toBeLessThan(30_000);
    const progress = probe.frames
      .filter((f) => f.t === 'evt' && f.evt.type === 'firmware.progress')
      .map((f) => (f as { evt: { deviceId: string; percent: number } }).evt);
    probe.close();
    expect(progress.every((p) => p.deviceId === plug.id)).toBe(true);
    const percents = progress.map((p) => p.percent);
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(percents.filter((p) => p > 0 && p < 100).length).toBeGreaterThan(5);
    // every byte went over the air in 64-byte blocks
    expect(sim.otaBlocksRequested).toBe(Math.ceil(plugFile().length / 64));
    expect(sim.ota.fileVersion).toBe(0x02010000);
    expect(sim.values(1, 'genBasic').swBuildId).toBe('2.1.0');
    await until(async () => (await deviceAt(plug.address)).swVersion === '2.1.0', 5000, 'new swVersion');

    const audit = (await t.call('audit.list', { limit: 20 }, token)).body.result as {
      action: string;
      outcome: string;
      target: string;
    }[];
    expect(audit.find((a) => a.action === 'device.firmware.update')).toMatchObject({
      outcome: 'ok',
      target: `deviceId=${plug.id}`,
    });

    // the same file again is not newer: refused
    const again = await t.call('device.firmware.check', { deviceId: plug.id, image: b64(plugFile()) }, token);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/not newer/);
  }, 60_000);

  it('a second update of the same device while one runs is refused; the first completes', async () => {
    const valve = await deviceAt(radiatorValve().ieee);
    const file = b64(plugFile({ fileVersion: 0x01020000, payloadBytes: 600 }));
    const [first, second] = await Promise.all([
      t.call('device.firmware.update', { deviceId: valve.id, image: file }, token),
      new Promise((r) => setTimeout(r, 300)).then(() =>
        t.call('device.firmware.update', { deviceId: valve.id, image: file }, token),
      ),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(second.body.error.message).toMatch(/already running/);
    expect(emulator().device(radiatorValve().ieee)!.ota.fileVersion).toBe(0x01020000);
  }, 30_000);

  it('refuses a file for another manufacturer or image type before any image data is sent', async () => {
    const light = await deviceAt(dimmableLight().ieee);
    const sim = emulator().device(dimmableLight().ieee)!;
    const before = sim.otaBlocksRequested;
    const wrongMaker = await t.call(
      'device.firmware.update',
      { deviceId: light.id, image: b64(plugFile({ manufacturerCode: 0x117c })) },
      token,
    );
    expect(wrongMaker.status).toBe(400);
    expect(wrongMaker.body.error.message).toMatch(/manufacturer 0x117c.*made by 0x1037/);
    const wrongType = await t.call(
      'device.firmware.update',
      { deviceId: light.id, image: b64(plugFile({ imageType: 0x2101 })) },
      token,
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/image type 0x2101.*0x0101/);
    expect(sim.otaBlocksRequested).toBe(before);
    expect(sim.ota.fileVersion).toBe(0x01000000);
    const audit = (await t.call('audit.list', { limit: 5 }, token)).body.result as {
      action: string;
      outcome: string;
      detail: string | null;
    }[];
    expect(audit[0]).toMatchObject({ action: 'device.firmware.update', outcome: 'error' });
    expect(audit[0]!.detail).toMatch(/image type/);
  }, 30_000);

  it('refuses corrupt, truncated, oversized and non-base64 files with a clear error', async () => {
    const light = await deviceAt(dimmableLight().ieee);
    const sim = emulator().device(dimmableLight().ieee)!;
    const before = sim.otaBlocksRequested;
    const good = plugFile();
    const cases: [Buffer | string, RegExp][] = [
      [good.subarray(0, good.length - 10), /truncated/],
      [good.subarray(0, 30), /shorter than an OTA header/],
      [Buffer.concat([Buffer.from([0, 0, 0, 0]), good.subarray(4)]), /identifier/],
      [Buffer.from('hello, this is a text file and not firmware at all, honestly!!'), /identifier/],
    ];
    for (const [file, why] of cases) {
      const r = await t.call(
        'device.firmware.update',
        { deviceId: light.id, image: typeof file === 'string' ? file : b64(file) },
        token,
      );
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(why);
    }
    const notB64 = await t.call(
      'device.firmware.check',
      { deviceId: light.id, image: '%%%not base64%%%' },
      token,
    );
    expect(notB64.status).toBe(400);
    expect(JSON.stringify(notB64.body.error)).toMatch(/base64/);
    const huge = await t.call(
      'device.firmware.check',
      { deviceId: light.id, image: 'A'.repeat(200_000) },
      token,
    );
    expect(huge.status).toBe(400);
    const sensor = await deviceAt(temperatureHumiditySensor().ieee);
    const noOta = await t.call('device.firmware.check', { deviceId: sensor.id, image: b64(good) }, token);
    expect(noOta.status).toBe(400);
    expect(noOta.body.error.message).toMatch(/does not take firmware updates/);
    const nobody = await t.call('device.firmware.check', { deviceId: 'nope', image: b64(good) }, token);
    expect(nobody.status).toBe(404);
    expect(sim.otaBlocksRequested).toBe(before);
  }, 30_000);
});

describe('zigbee bindings and groups through the API', () => {
  it('binds a remote to a light (works without Truss), groups a light, and undoes both', async () => {
    const remoteSpec = remoteSwitch(3);
    await t.call('commissioning.open', { adapter: 'zigbee', seconds: 60 }, token);
    emulator().join(remoteSpec);
    await until(
      async () => {
        const st = (await t.call('commissioning.status', {}, token)).body.result as {
          adapter: string;
          candidates: { id: string; status: string }[];
        }[];
        return (
          st.find((x) => x.adapter === 'zigbee')?.candidates.find((c) => c.id === remoteSpec.ieee)?.status ===
          'ready'
        );
      },
      15_000,
      'remote ready',
    );
    const adopted = await t.call(
      'commissioning.adopt',
      { adapter: 'zigbee', candidateId: remoteSpec.ieee, name: 'Door remote' },
      token,
    );
    expect(adopted.status).toBe(200);
    await t.call('commissioning.close', { adapter: 'zigbee' }, token);
    const remote = adopted.body.result as { id: string };
    const light = await deviceAt(dimmableLight().ieee);
    // the remote's own configure binds it to the coordinator: look at bindings to others only
    const bindingsTo = (target: string) =>
      emulator()
        .bindingsOf(remoteSpec.ieee)
        .filter((b) => JSON.stringify(b.target).includes(target));
    const lightOnOff = () => emulator().device(dimmableLight().ieee)!.values(1, 'genOnOff').onOff;

    const bound = await t.call(
      'device.links.bind',
      { deviceId: remote.id, targetDeviceId: light.id, functions: ['on_off', 'level'] },
      token,
    );
    expect(bound.status).toBe(200);
    expect(bindingsTo(dimmableLight().ieee).map((b) => b.cluster)).toEqual([0x0006, 0x0008]);
    emulator().press(remoteSpec.ieee, 'on');
    expect(lightOnOff()).toBe(1);
    emulator().press(remoteSpec.ieee, 'off');
    expect(lightOnOff()).toBe(0);

    const grouped = await t.call(
      'device.links.group',
      { deviceId: light.id, groupId: 7, member: true },
      token,
    );
    expect(grouped.status).toBe(200);
    expect(emulator().device(dimmableLight().ieee)!.groups.has(7)).toBe(true);
    await t.call(
      'device.links.bind',
      { deviceId: remote.id, targetDeviceId: light.id, functions: ['on_off', 'level'], unbind: true },
      token,
    );
    expect(bindingsTo(dimmableLight().ieee)).toEqual([]);
    const toGroup = await t.call(
      'device.links.bind',
      { deviceId: remote.id, groupId: 7, functions: ['on_off'] },
      token,
    );
    expect(toGroup.status).toBe(200);
    emulator().press(remoteSpec.ieee, 'on');
    expect(lightOnOff()).toBe(1);
    const left = await t.call('device.links.group', { deviceId: light.id, groupId: 7, member: false }, token);
    expect(left.status).toBe(200);
    expect(emulator().device(dimmableLight().ieee)!.groups.has(7)).toBe(false);
    emulator().press(remoteSpec.ieee, 'off');
    expect(lightOnOff()).toBe(1);

    const audit = (await t.call('audit.list', { limit: 10 }, token)).body.result as { action: string }[];
    expect(audit.map((a) => a.action)).toContain('device.links.group');

    // hostile or wrong requests: clear errors, nothing changed
    const both = await t.call(
      'device.links.bind',
      { deviceId: remote.id, targetDeviceId: light.id, groupId: 7, functions: ['on_off'] },
      token,
    );
    expect(both.status).toBe(400);
    const badFunction = await t.call(
      'device.links.bind',
      { deviceId: remote.id, targetDeviceId: light.id, functions: ['msTemperatureMeasurement'] },
      token,
    );
    expect(badFunction.status).toBe(400);
    const badGroup = await t.call(
      'device.links.group',
      { deviceId: light.id, groupId: 0, member: true },
      token,
    );
    expect(badGroup.status).toBe(400);
    // a group number the API takes but Zigbee reserves (ZCL 3.6: 0xFFF8-0xFFFF): the adapter refuses it
    const reserved = await t.call(
      'device.links.group',
      { deviceId: light.id, groupId: 0xfff8, member: true },
      token,
    );
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.message).toMatch(/Zigbee groups are numbered 1 to 65527/);
    // a family without links: the capability is missing, said plainly
    const noLinks = (await snapshot()).devices.find((d) => d.adapter === 'mqtt');
    expect(noLinks).toBeDefined();
    const r = await t.call('device.links.group', { deviceId: noLinks!.id, groupId: 7, member: true }, token);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/The mqtt adapter has no bindings or groups/);
    expect(bindingsTo('"group":7}').map((b) => b.cluster)).toEqual([0x0006]);
    expect(bindingsTo(dimmableLight().ieee)).toEqual([]);
  }, 60_000);
});
