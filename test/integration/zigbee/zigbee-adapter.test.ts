import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdapterContext,
  AdapterSink,
  CommissioningCandidate,
  DeviceAnnouncement,
  Logger,
} from '../../../shared/adapter/contract.ts';
import { ZigbeeAdapter } from '../../../adapters/zigbee/adapter.ts';
import { ZigbeeAdapterConfig } from '../../../adapters/zigbee/manifest.ts';
import {
  contactSensor,
  dimmableLight,
  meteringPlug,
  radiatorValve,
  remoteSwitch,
  temperatureHumiditySensor,
  unknownDevice,
} from '../../../adapters/sim/zigbee/devices.ts';
import { ZnpEmulator } from '../../../adapters/sim/zigbee/znp-emulator.ts';
import { until } from '../support/truss-harness.ts';
import { adapterFiles } from '../../../main/core/storage/private-files.ts';

/** What the core would receive: every sink call, in order. */
class RecordingSink implements AdapterSink {
  devices = new Map<string, DeviceAnnouncement>();
  /** every announcement, in order (the map above keeps only the last per device) */
  announcements: string[] = [];
  states: { address: string; key: string; value: unknown }[] = [];
  availability: { address: string; online: boolean }[] = [];
  removed: string[] = [];
  candidates = new Map<string, CommissioningCandidate>();
  deviceAnnounced(d: DeviceAnnouncement) {
    this.devices.set(d.address, d);
    this.announcements.push(d.address);
  }
  stateChanged(address: string, key: string, s: { value: unknown }) {
    this.states.push({ address, key, value: s.value });
  }
  availabilityChanged(address: string, online: boolean) {
    this.availability.push({ address, online });
  }
  deviceRemoved(address: string) {
    this.removed.push(address);
  }
  candidateChanged(c: CommissioningCandidate) {
    this.candidates.set(c.id, c);
  }
  candidateRemoved(id: string) {
    this.candidates.delete(id);
  }
  last(address: string, key: string): unknown {
    return this.states.findLast((s) => s.address === address && s.key === key)?.value;
  }
}

class CapturingLogger implements Logger {
  lines: { level: string; msg: string | undefined; obj: object }[] = [];
  debug(obj: object, msg?: string) {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string) {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.lines.push({ level: 'error', obj, msg });
  }
  child(): Logger {
    return this;
  }
}

function secretsInMemory() {
  const m = new Map<string, string>();
  return {
    get: async (k: string) => m.get(k) ?? null,
    set: async (k: string, v: string) => void m.set(k, v),
    delete: async (k: string) => void m.delete(k),
    raw: m,
  };
}

describe('zigbee adapter against the ZNP emulator (real herdsman + converters)', () => {
  let dir: string;
  let emu: ZnpEmulator;
  let sink: RecordingSink;
  let log: CapturingLogger;
  let adapter: ZigbeeAdapter;
  const secrets = secretsInMemory();

  const newAdapter = (url: string) => {
    sink = new RecordingSink();
    log = new CapturingLogger();
    const ctx: AdapterContext = {
      log,
      sink,
      now: () => Date.now(),
      dataDir: dir,
      files: adapterFiles(dir),
      secrets,
    };
    return new ZigbeeAdapter(ctx, ZigbeeAdapterConfig.parse({ port: url, pingAfterS: 1 }));
  };

  async function commission(spec: ReturnType<typeof dimmableLight>) {
    await adapter.commissioning.open(30);
    emu.join(spec);
    await until(() => sink.candidates.get(spec.ieee)?.status === 'ready', 8000, `${spec.modelId} ready`);
    await adapter.commissioning.adopt(spec.ieee, {});
    return sink.devices.get(spec.ieee)!;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-zb-'));
    emu = new ZnpEmulator();
    await emu.listen();
    adapter = newAdapter(emu.url);
    await adapter.start();
    await adapter.ready();
  }, 30_000);

  afterAll(async () => {
    await adapter?.stop();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forms the network with per-site random keys, never the well-known defaults', async () => {
    const keys = JSON.parse(secrets.raw.get('network')!) as { networkKey: number[]; panId: number };
    expect(keys.networkKey).toHaveLength(16);
    expect(keys.networkKey).not.toEqual([1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13]);
    expect(keys.panId).not.toBe(0x1a62);
    expect(adapter.diagnostics().start).toBe('reset');
  });

  it('join + interview + entity mapping for the demo kinds', async () => {
    const th = await commission(temperatureHumiditySensor());
    expect(th.model).toBe('WSDCGQ11LM');
    const keys = th.entities.map((e) => `${e.key}:${e.kind}:${e.unit}`);
    expect(keys).toEqual(expect.arrayContaining(['temperature:sensor:°C', 'humidity:sensor:%']));
    const light = await commission(dimmableLight());
    expect(light.entities.find((e) => e.kind === 'light')?.attributes).toEqual({ dimmable: true });
    const plug = await commission(meteringPlug());
    expect(plug.entities.map((e) => e.key)).toEqual(expect.arrayContaining(['state', 'power', 'energy']));
    const contact = await commission(contactSensor());
    expect(contact.entities.find((e) => e.key === 'contact')?.kind).toBe('binary_sensor');
    const trv = await commission(radiatorValve());
    expect(trv.entities.find((e) => e.kind === 'climate')).toBeTruthy();
    const unknown = await commission(unknownDevice());
    expect(unknown.entities.map((e) => e.key)).toContain('temperature');
    // binds and reporting configuration ran against the emulated devices (refusals come back at once)
    const failed = log.lines.filter((l) => l.msg === 'reporting configuration failed');
    // only the valve's Sonoff-specific cluster (0xfc11), which the emulator does not model, is refused
    expect(failed.map((l) => (l.obj as { ieee: string }).ieee)).toEqual([radiatorValve().ieee]);
    expect(JSON.stringify(failed)).toContain('64529.read');
  }, 60_000);

  it('report -> converted state in the sink', async () => {
    const ieee = temperatureHumiditySensor().ieee;
    emu.report(ieee, 1, 'msTemperatureMeasurement', { measuredValue: 2345 });
    await until(() => sink.last(ieee, 'temperature') === 23.45, 3000, 'temperature');
    emu.report(meteringPlug().ieee, 1, 'haElectricalMeasurement', { activePower: 1500 });
    await until(() => sink.last(meteringPlug().ieee, 'power') === 1500, 3000, 'power');
  });

  it('command round trip: the emulated bulb changes state and reports it back', async () => {
    const ieee = dimmableLight().ieee;
    await adapter.execute(ieee, 'light', { type: 'turn_on' });
    await until(() => (sink.last(ieee, 'light') as { on?: boolean })?.on === true, 3000, 'on');
    await adapter.execute(ieee, 'light', { type: 'set_level', level: 50 });
    await until(() => emu.device(ieee)?.values(1, 'genLevelCtrl').currentLevel === 127, 3000, 'level');
    await until(() => (sink.last(ieee, 'light') as { level?: number })?.level === 50, 3000, 'level 50');
    await adapter.execute(meteringPlug().ieee, 'state', { type: 'turn_off' });
    await until(() => emu.device(meteringPlug().ieee)?.values(1, 'genOnOff').onOff === 0, 3000, 'plug off');
    await adapter.execute(radiatorValve().ieee, 'climate', { type: 'set_setpoint', value: 22.5 });
    await until(
      () => emu.device(radiatorValve().ieee)?.values(1, 'hvacThermostat').occupiedHeatingSetpoint === 2250,
      3000,
      'setpoint',
    );
  });

  it('a failed interview is offered for retry and then succeeds', async () => {
    const spec = temperatureHumiditySensor(7);
    await adapter.commissioning.open(30);
    emu.join(spec, { failActiveEp: 2 });
    await until(() => sink.candidates.get(spec.ieee)?.status === 'failed', 8000, 'failed');
    expect(sink.candidates.get(spec.ieee)?.error).toMatch(/retry/);
    await expect(adapter.commissioning.adopt(spec.ieee, {})).rejects.toThrow(/failed/);
    await adapter.commissioning.retry(spec.ieee);
    expect(sink.candidates.get(spec.ieee)?.status).toBe('ready');
  }, 20_000);

  it('remove with ban: the device leaves and may not rejoin', async () => {
    const spec = contactSensor();
    const backup = join(dir, 'coordinator_backup.json');
    const before = statSync(backup).mtimeMs;
    await adapter.remove(spec.ieee, { ban: true });
    await until(() => !emu.devices().some((d) => d.ieee === spec.ieee), 3000, 'left');
    const announcedBefore = sink.announcements.filter((a) => a === spec.ieee).length;
    const statesBefore = sink.states.filter((x) => x.address === spec.ieee).length;
    await adapter.commissioning.open(30);
    emu.join(spec);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.candidates.has(spec.ieee)).toBe(false);
    // announced before the ban, never again; and the rejoin attempt reports nothing
    expect(announcedBefore).toBeGreaterThan(0);
    expect(sink.announcements.filter((a) => a === spec.ieee).length).toBe(announcedBefore);
    expect(sink.states.filter((x) => x.address === spec.ieee).length).toBe(statesBefore);
    await adapter.commissioning.close();
    expect(adapter.commissioning.openUntil()).toBeNull();
    // the network changed: the coordinator backup is rewritten soon, not only at the next stop
    await until(() => statSync(backup).mtimeMs > before, 5000, 'backup after the change');
  });

  it('permit join through one router', async () => {
    await adapter.commissioning.open(20, { via: dimmableLight().ieee });
    expect(emu.permitJoining).toBe(true);
    expect(emu.permitVia).toBe(dimmableLight().ieee);
    await expect(adapter.commissioning.open(20, { via: '0x00000000deadbeef' })).rejects.toThrow(/no router/);
    await adapter.commissioning.close();
    expect(emu.permitJoining).toBe(false);
  });

  it('install codes: typed or from the QR payload before joining; a bad one is refused', async () => {
    const spec = contactSensor(5);
    await adapter.commissioning.open(30);
    expect(emu.join(spec, { needsInstallCode: true })).toBeNull();
    const ieeeHex = spec.ieee.slice(2).toUpperCase();
    await adapter.commissioning.open(30, { installCode: `Z:${ieeeHex}$I:83FED3407A939723A5C639B26916D505` });
    expect(emu.installCodes.get(spec.ieee)).toMatch(/^83fed3407a939723a5c639b26916d505/);
    expect(emu.join(spec, { needsInstallCode: true })).not.toBeNull();
    await until(() => sink.candidates.get(spec.ieee)?.status === 'ready', 8000, 'joined with its code');
    await expect(adapter.commissioning.open(30, { installCode: 'not a code' })).rejects.toThrow(
      /not accepted/,
    );
  });

  it('availability: a quiet mains device that stops answering pings goes offline, and back', async () => {
    const ieee = meteringPlug().ieee;
    // answering pings keeps it online: nothing reported offline while it is reachable
    await new Promise((r) => setTimeout(r, 2500));
    expect(sink.availability.filter((a) => a.address === ieee && !a.online)).toEqual([]);
    const from = sink.availability.length;
    emu.setOnline(ieee, false);
    await until(
      () => sink.availability.slice(from).some((a) => a.address === ieee && !a.online),
      15_000,
      'plug offline',
    );
    emu.rejoin(ieee);
    await until(
      () => sink.availability.findLast((a) => a.address === ieee)?.online === true,
      5000,
      'plug back',
    );
  }, 20_000);

  it('bindings and groups: a bound remote switches the light and a group while Truss is down', async () => {
    const remote = remoteSwitch();
    await commission(remote);
    const light = dimmableLight().ieee;
    await adapter.bind(remote.ieee, light, ['on_off']);
    const toLight = { cluster: 6, target: { ieee: light, endpoint: 1 } };
    // configure already bound the remote to the coordinator; ours comes on top
    expect(emu.bindingsOf(remote.ieee)).toContainEqual(toLight);
    await adapter.setGroupMembership(meteringPlug().ieee, 42, true);
    await adapter.bind(remote.ieee, 42, ['on_off']);
    await adapter.execute(light, 'light', { type: 'turn_off' });
    await until(() => emu.device(light)?.values(1, 'genOnOff').onOff === 0, 3000, 'light off');

    await adapter.stop(); // Truss is down: the mesh keeps working on its own
    emu.press(remote.ieee, 'on');
    expect(emu.device(light)?.values(1, 'genOnOff').onOff).toBe(1);
    expect(emu.device(meteringPlug().ieee)?.values(1, 'genOnOff').onOff).toBe(1);
    adapter = newAdapter(emu.url);
    await adapter.start();
    await adapter.ready();
    await adapter.bind(remote.ieee, light, ['on_off'], { unbind: true });
    expect(emu.bindingsOf(remote.ieee)).not.toContainEqual(toLight);
    expect(emu.bindingsOf(remote.ieee)).toContainEqual({ cluster: 6, target: { group: 42 } });
  }, 20_000);

  it('malformed frames from the coordinator are logged, nothing crashes', async () => {
    for (const kind of ['bad-fcs', 'garbage', 'unknown-command', 'truncated'] as const)
      emu.sendMalformed(kind);
    await new Promise((r) => setTimeout(r, 200));
    expect(adapter.health().status).toBe('ok');
    const ieee = temperatureHumiditySensor().ieee;
    emu.report(ieee, 1, 'msRelativeHumidity', { measuredValue: 5100 });
    await until(() => sink.last(ieee, 'humidity') === 51, 3000, 'humidity after junk');
  });

  it('link drop: reconnects and keeps every device', async () => {
    const before = (adapter.diagnostics().devices as unknown[]).length;
    emu.dropLink();
    await until(() => adapter.health().status === 'down', 3000, 'down');
    await adapter.ready(15_000);
    expect((adapter.diagnostics().devices as unknown[]).length).toBe(before);
    const ieee = temperatureHumiditySensor().ieee;
    emu.report(ieee, 1, 'msTemperatureMeasurement', { measuredValue: 1999 });
    await until(() => sink.last(ieee, 'temperature') === 19.99, 3000, 'report after reconnect');
  }, 20_000);

  it('restart resumes the network; migration restores the backup onto a fresh coordinator', async () => {
    await adapter.stop();
    adapter = newAdapter(emu.url);
    await adapter.start();
    await adapter.ready();
    expect(adapter.diagnostics().start).toBe('resumed');
    expect(sink.devices.has(dimmableLight().ieee)).toBe(true);

    // a new dongle: empty NV. herdsman restores network key, PAN and EPID from its backup.
    await adapter.stop();
    const fresh = new ZnpEmulator({ ieee: '0x00124b0000beef01' });
    await fresh.listen();
    for (const d of emu.devices()) fresh.attach(d.spec, d.nwk);
    await emu.close();
    emu = fresh;
    adapter = newAdapter(emu.url);
    await adapter.start();
    await adapter.ready(20_000);
    expect(adapter.diagnostics().start).toBe('restored');
    const ieee = dimmableLight().ieee;
    await until(() => sink.devices.has(ieee), 3000, 'device known without re-pairing');
    await adapter.execute(ieee, 'light', { type: 'turn_off' });
    await until(() => emu.device(ieee)?.values(1, 'genOnOff').onOff === 0, 3000, 'off via new coordinator');
  }, 40_000);
});
