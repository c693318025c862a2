import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { startTestTruss, until, WsProbe, type TestTruss } from '../support/truss-harness.ts';

/**
 * The whole path on real parts: simulated devices (real MQTT clients with their own credentials)
 * -> embedded broker -> MQTT adapter -> registry/state -> SQLite (documents + time series) -> API.
 */
let t: TestTruss;
let token: string;

beforeAll(async () => {
  t = await startTestTruss({ demo: true, tickMs: 200 });
  token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
});
afterAll(async () => {
  await t?.stop();
});

const snapshot = async (): Promise<Snapshot> => (await t.call('site.snapshot', {}, token)).body.result;

describe('demo site over the embedded broker', () => {
  it('discovers the virtual building with zones, devices and live states', async () => {
    const s = await snapshot();
    expect(s.devices.length).toBeGreaterThanOrEqual(10);
    expect(s.devices.filter((d) => d.adapter === 'mqtt').length).toBeGreaterThanOrEqual(10);
    // BLE sensors join when the BLE rig (dbus-daemon + python3-dbusmock) is installed
    expect(s.devices.every((d) => ['mqtt', 'ble', 'zigbee'].includes(d.adapter))).toBe(true);
    expect(s.zones.map((z) => z.kind)).toEqual(expect.arrayContaining(['site', 'building', 'floor', 'room']));
    expect(s.devices.every((d) => d.zoneId !== null)).toBe(true);
    const kinds = new Set(s.entities.map((e) => e.kind));
    for (const k of ['sensor', 'binary_sensor', 'switch', 'light', 'climate'])
      expect(kinds.has(k as never), k).toBe(true);
    await until(
      async () => Object.keys((await snapshot()).states).length > s.entities.length / 2,
      10_000,
      'states',
    );
  });

  it('toggles a plug through the broker and sees the device report the new state', async () => {
    const s = await snapshot();
    const plug = s.entities.find((e) => e.kind === 'switch')!;
    const before = s.states[plug.id]?.value;
    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token });
    await probe.waitFor((f) => f.t === 'snapshot');
    const r = await t.call('entity.command', { entityId: plug.id, command: { type: 'toggle' } }, token);
    expect(r.status).toBe(200);
    const evt = await probe.waitFor(
      (f) =>
        f.t === 'evt' && f.evt.type === 'state' && f.evt.entityId === plug.id && f.evt.state.value !== before,
      5000,
    );
    expect(evt).toMatchObject({
      evt: { state: { value: before === true ? false : true, source: 'mqtt', quality: 'good' } },
    });
    probe.close();
  });

  it('rejects malformed commands with field errors and commands to read-only entities', async () => {
    const s = await snapshot();
    const sensor = s.entities.find((e) => e.kind === 'sensor')!;
    const bad = await t.call(
      'entity.command',
      { entityId: sensor.id, command: { type: 'set_level', level: 900 } },
      token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('command.level');
    const ro = await t.call('entity.command', { entityId: sensor.id, command: { type: 'turn_on' } }, token);
    expect(ro.status).toBe(400);
    expect(
      (await t.call('entity.command', { entityId: 'switch.nope', command: { type: 'turn_on' } }, token))
        .status,
    ).toBe(404);
  });

  it('records history that the API returns as chart points', async () => {
    const s = await snapshot();
    const temp = s.entities.find((e) => e.deviceClass === 'temperature')!;
    t.truss.core.use('history').flush();
    const now = Date.now();
    const h = await until(
      async () => {
        t.truss.core.use('history').flush();
        const r = (
          await t.call('history.query', { entityId: temp.id, from: now - 3600_000, to: now + 60_000 }, token)
        ).body.result;
        return r.points.length > 0 ? r : null;
      },
      10_000,
      'history points',
    );
    expect(h.points[0]).toMatchObject({
      ts: expect.any(Number),
      min: expect.any(Number),
      max: expect.any(Number),
    });
    const bad = await t.call('history.query', { entityId: temp.id, from: now, to: now - 1 }, token);
    expect(bad.status).toBe(400);
  });

  it('renames a device and places it in a zone; the change is persisted', async () => {
    const s = await snapshot();
    const device = s.devices[0]!;
    const room = s.zones.find((z) => z.kind === 'room' && z.id !== device.zoneId)!;
    const r = await t.call(
      'device.update',
      { deviceId: device.id, name: 'Renamed by installer', zoneId: room.id },
      token,
    );
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ name: 'Renamed by installer', zoneId: room.id });
    const unknownZone = await t.call('device.update', { deviceId: device.id, zoneId: 'zone_nope' }, token);
    expect(unknownZone.status).toBe(400);
  });
});

describe('remove, re-pair and ban', () => {
  it('a removed device comes back with its id, name and entity ids when it is discovered again', async () => {
    const s = await snapshot();
    const device = s.devices.find((d) => d.address === 'sim-office-plug-2')!;
    const entityIds = s.entities
      .filter((e) => e.deviceId === device.id)
      .map((e) => e.id)
      .sort();
    await t.call('device.update', { deviceId: device.id, name: 'Printer (kept name)' }, token);
    expect((await t.call('device.remove', { deviceId: device.id }, token)).status).toBe(200);
    expect((await snapshot()).devices.find((d) => d.id === device.id)).toBeUndefined();
    // Home Assistant's birth message makes every device publish its discovery again.
    await t.truss.core.use('broker').bus.publish('homeassistant/status', 'online');
    const back = await until(
      async () => (await snapshot()).devices.find((d) => d.id === device.id),
      10_000,
      're-pair',
    );
    expect(back.name).toBe('Printer (kept name)');
    const after = await snapshot();
    expect(
      after.entities
        .filter((e) => e.deviceId === device.id)
        .map((e) => e.id)
        .sort(),
    ).toEqual(entityIds);
  });

  it('a banned device stays out even when it announces itself again', async () => {
    const s = await snapshot();
    const device = s.devices.find((d) => d.address === 'sim-kitchen-plug-2')!;
    expect((await t.call('device.remove', { deviceId: device.id, ban: true }, token)).status).toBe(200);
    await t.truss.core.use('broker').bus.publish('homeassistant/status', 'online');
    await new Promise((r) => setTimeout(r, 1500));
    await t.truss.core.adapters.settled();
    expect((await snapshot()).devices.find((d) => d.id === device.id)).toBeUndefined();
    const audit = (await t.call('audit.list', { limit: 50 }, token)).body.result as {
      action: string;
      target: string;
    }[];
    expect(audit.some((a) => a.action === 'device.remove' && a.target === `deviceId=${device.id}`)).toBe(
      true,
    );
  });

  it('a viewer cannot remove devices', async () => {
    await t.call('user.create', { username: 'viewer1', password: 'viewer password', role: 'viewer' }, token);
    const v = (await t.call('auth.login', { username: 'viewer1', password: 'viewer password' })).body.result
      .token;
    const s = await snapshot();
    expect((await t.call('device.remove', { deviceId: s.devices[0]!.id }, v)).status).toBe(403);
  });
});

describe('restart', () => {
  it('keeps devices, names, zones and entity ids across a restart', async () => {
    const before = await snapshot();
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestTruss({ demo: true, tickMs: 200, dataDir });
    token = (await t.call('auth.login', { username: 'admin', password: 'a long admin password' })).body.result
      .token;
    const after = await snapshot();
    expect(after.entities.map((e) => e.id).sort()).toEqual(before.entities.map((e) => e.id).sort());
    // The banned plug stays banned across the restart.
    expect(after.devices.find((d) => d.address === 'sim-kitchen-plug-2')).toBeUndefined();
    expect(after.devices.find((d) => d.name === 'Renamed by installer')).toBeTruthy();
    expect(after.zones.length).toBe(before.zones.length);
  });
});
