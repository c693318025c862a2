import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, endClient, sleep, waitFor } from '../broker/helpers.ts';
import { type Harness, startHarness } from './harness.ts';
import type { Commissioning, DeviceConnectionSettings } from '../../../shared/adapter/contract.ts';
import { programAvailable } from '../support/peers.ts';

let h: Harness;
afterEach(() => h.stop());

const MAC = 'A4CF121A2B3C';
const T = 'tasmota_1A2B3C';
/** as Tasmota 12.x publishes it on connect (https://tasmota.github.io/docs/Home-Assistant/) */
const tasmotaConfig = {
  ip: '192.168.1.50',
  dn: 'Kitchen plug',
  fn: ['Kettle'],
  hn: 'tasmota-1A2B3C-2876',
  mac: MAC,
  md: 'Sonoff Pow R2',
  ofln: 'Offline',
  onln: 'Online',
  sw: '12.4.0',
  t: T,
  ft: '%prefix%/%topic%/',
  tp: ['cmnd', 'stat', 'tele'],
  rl: [1, 0, 0, 0, 0, 0, 0, 0],
  lt_st: 0,
  ver: 1,
};

function run(bin: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: 'ignore' });
    const kill = setTimeout(() => child.kill('SIGTERM'), 10_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve(code ?? -1);
    });
  });
}

const commissioning = (): Commissioning => h.adapter.commissioning!;

describe('adopting Wi-Fi devices through the enrollment window', () => {
  it('closed window: a device without a credential is refused', async () => {
    h = await startHarness({ commissioning: true });
    await expect(connectClient(h.port, { clientId: 'DVES_1A2B3C' })).rejects.toThrow();
    expect(commissioning().openUntil()).toBeNull();
  });

  it('Tasmota: announce while open -> candidate only; adopt -> credentials and settings; device reconnects and works', async () => {
    h = await startHarness({ commissioning: true });
    const spy = await h.device('spy', {}, { publish: [], subscribe: ['#'] });
    const seen: string[] = [];
    spy.on('message', (t) => seen.push(t));
    await spy.subscribeAsync('#', { qos: 1 });

    await commissioning().open(60);
    expect(commissioning().openUntil()).toBeGreaterThan(Date.now());
    const fresh = await connectClient(h.port, {
      clientId: 'DVES_1A2B3C',
      will: { topic: `tele/${T}/LWT`, payload: Buffer.from('Offline'), qos: 1, retain: true },
    });
    h.clients.push(fresh);
    await fresh.publishAsync(`tasmota/discovery/${MAC}/config`, JSON.stringify(tasmotaConfig), {
      qos: 1,
      retain: true,
    });
    // outside the announcement ACL: dropped
    await fresh.publishAsync(`stat/${T}/POWER`, 'ON', { qos: 1 });
    await expect(fresh.subscribeAsync(`cmnd/${T}/#`, { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    expect(cand).toMatchObject({
      id: `tasmota:${MAC}`,
      label: 'Sonoff Pow R2 (Kitchen plug)',
      status: 'ready',
      detail: { family: 'Tasmota', mac: MAC, ip: '192.168.1.50', clientId: 'DVES_1A2B3C' },
    });
    await sleep(100);
    // nothing unadopted is recorded: no device, no state, no message reached any subscriber or the retained store
    expect(h.sink.announced).toEqual([]);
    expect(h.sink.states).toEqual([]);
    expect(seen).toEqual([]);
    const late = await h.device('late', {}, { publish: [], subscribe: ['tasmota/#'] });
    const retained: string[] = [];
    late.on('message', (t) => retained.push(t));
    await late.subscribeAsync('tasmota/#', { qos: 1 });
    await sleep(100);
    expect(retained).toEqual([]);

    const result = (await commissioning().adopt(cand.id, {})) as {
      address: string;
      connection: DeviceConnectionSettings;
    };
    expect(result.address).toBe(`tasmota:${MAC}`);
    // the login is the client id the plug enrolled with (Tasmota's DVES_%06X): nothing else to retype
    expect(result.connection).toMatchObject({
      host: '127.0.0.1',
      port: h.port,
      username: 'DVES_1A2B3C',
      clientId: 'DVES_1A2B3C',
      topic: T,
    });
    expect(result.connection.password.length).toBeGreaterThanOrEqual(16);
    expect(commissioning().candidates()).toEqual([]);
    // the relay and hatasmota's status sensors (hatasmota/status_sensor.py)
    expect(h.sink.lastDevice(`tasmota:${MAC}`)?.entities.map((e) => e.key)).toEqual([
      'POWER1',
      'status_ip',
      'last_restart_time',
      'status_link_count',
      'status_mqtt_count',
      'status_restart_reason',
      'status_rssi',
      'status_signal',
      'status_ssid',
      'status_version',
    ]);
    // the credential is stored hashed, never in plain text
    const stored = await h.store.get('DVES_1A2B3C');
    expect(JSON.stringify(stored)).not.toContain(result.connection.password);
    expect(stored!.publish).toEqual([`tasmota/discovery/${MAC}/#`, `tele/${T}/#`, `stat/${T}/#`]);

    // the installer types the settings in; the device reconnects as itself
    await endClient(fresh);
    const plug = await connectClient(h.port, {
      clientId: result.connection.clientId,
      username: result.connection.username,
      password: result.connection.password,
    });
    h.clients.push(plug);
    const cmds: string[] = [];
    plug.on('message', (t, p) => cmds.push(`${t}=${p.toString()}`));
    await plug.subscribeAsync(`cmnd/${T}/#`, { qos: 1 });
    await plug.publishAsync(`stat/${T}/POWER`, 'ON', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('POWER1').length === 1, 3000, 'state after adoption');
    await h.adapter.execute(`tasmota:${MAC}`, 'POWER1', { type: 'turn_off' });
    await waitFor(() => cmds.length === 1, 3000, 'command');
    expect(cmds).toEqual([`cmnd/${T}/POWER1=OFF`]);
  });

  it('an enrolling client cannot take over an adopted device session; closing the window disconnects enrolling devices', async () => {
    h = await startHarness({ commissioning: true });
    const real = await h.device('plug-1');
    await commissioning().open(60);
    await expect(connectClient(h.port, { clientId: 'plug-1' })).rejects.toThrow();
    expect(real.connected).toBe(true);
    const enrolling = await connectClient(h.port, { clientId: 'shellyplus1-aa' });
    h.clients.push(enrolling);
    const closed = new Promise<void>((resolve) => enrolling.once('close', () => resolve()));
    await commissioning().close();
    await closed;
    expect(commissioning().openUntil()).toBeNull();
    await expect(connectClient(h.port, { clientId: 'shellyplus1-bb' })).rejects.toThrow();
    expect(
      h.lines.some(
        (l) => l.msg === 'connection refused' && l.obj.reason === 'clientId belongs to an adopted device',
      ),
    ).toBe(true);
  });

  it('Shelly announcing only <id>/online: adopted bare, then filled in from its status once it reconnects', async () => {
    h = await startHarness({ commissioning: true });
    const id = 'shellyplus1pm-a8032ab12345';
    await commissioning().open(60);
    const fresh = await connectClient(h.port, { clientId: id });
    h.clients.push(fresh);
    await fresh.publishAsync(`${id}/online`, 'true', { qos: 1, retain: true });
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    expect(cand.id).toBe(`shelly:${id}`);
    const { connection } = (await commissioning().adopt(cand.id, {})) as {
      connection: DeviceConnectionSettings;
    };
    expect(connection.topic).toBe(id);
    expect(h.sink.lastDevice(`shelly:${id}`)?.entities).toEqual([]);
    await endClient(fresh);
    const dev = await connectClient(h.port, { clientId: id, username: id, password: connection.password });
    h.clients.push(dev);
    dev.on('message', (_t, payload) => {
      const req = JSON.parse(payload.toString()) as { id: number; src: string; method: string };
      if (req.method === 'Shelly.GetStatus')
        void dev.publishAsync(
          `${req.src}/rpc`,
          JSON.stringify({
            id: req.id,
            src: id,
            dst: req.src,
            result: { 'switch:0': { id: 0, output: true, apower: 5 } },
          }),
          { qos: 1 },
        );
    });
    await dev.subscribeAsync(`${id}/rpc`, { qos: 1 });
    await dev.publishAsync(`${id}/online`, 'true', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('switch:0').length === 1, 3000, 'status');
    expect(h.sink.lastDevice(`shelly:${id}`)!.entities.map((e) => e.key)).toEqual([
      'switch:0',
      'switch:0/power',
    ]);
  });

  it.skipIf(!programAvailable('/usr/bin/mosquitto_pub', 'Debian mosquitto-clients'))(
    'mosquitto_pub without credentials announces a device during the window (independent client)',
    async () => {
      h = await startHarness({ commissioning: true });
      await commissioning().open(60);
      const code = await run('/usr/bin/mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(h.port),
        '-V',
        'mqttv311',
        '-i',
        'DVES_1A2B3C',
        '-q',
        '1',
        '-t',
        `tasmota/discovery/${MAC}/config`,
        '-m',
        JSON.stringify(tasmotaConfig),
      ]);
      expect(code).toBe(0);
      await waitFor(() => commissioning().candidates().length === 1, 3000, 'candidate');
      await commissioning().close();
      expect(commissioning().candidates()).toEqual([]);
      const refused = await run('/usr/bin/mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(h.port),
        '-i',
        'DVES_1A2B3C',
        '-t',
        'x',
        '-m',
        'y',
      ]);
      expect(refused).not.toBe(0);
    },
  );
});
