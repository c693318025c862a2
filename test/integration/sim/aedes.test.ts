import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aedes } from 'aedes';
import type { Client } from 'aedes';
import { connectAsync } from 'mqtt';
import { createVirtualBuilding } from '../../../adapters/sim/index.ts';
import type { VirtualBuilding } from '../../../adapters/sim/index.ts';
import { ADMIN, Observer, credentialsFor, topicMatches } from './helpers.ts';

const START = Date.UTC(2026, 5, 15, 10); // a Monday in June, midday: PV producing

describe('virtual building on aedes (in-process, authenticate + ACL hooks)', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  let vb: VirtualBuilding;
  let obs: Observer;
  const denied: string[] = [];
  let clockMs = START;

  beforeAll(async () => {
    vb = createVirtualBuilding({ seed: 4, now: () => clockMs, tickMs: 100 });
    const specs = vb.devices();
    const creds = credentialsFor(specs);
    const users = new Map<string, { password: string; publish: string[]; subscribe: string[] }>();
    for (const s of specs)
      users.set(creds[s.nodeId]!.username, { password: creds[s.nodeId]!.password, ...s.acl });
    users.set(ADMIN.username, { password: ADMIN.password, publish: ['#'], subscribe: ['#'] });
    const userOf = new WeakMap<Client, string>();
    broker = await Aedes.createBroker({
      authenticate(client, username, password, done) {
        const u = username ? users.get(username) : undefined;
        if (!u || !password || password.toString() !== u.password) {
          const err = Object.assign(new Error('bad credentials'), { returnCode: 4 as const });
          done(err, false);
          return;
        }
        userOf.set(client, username!);
        done(null, true);
      },
      authorizePublish(client, packet, cb) {
        if (!client) return cb(null);
        const u = users.get(userOf.get(client) ?? '');
        if (u && u.publish.some((f) => topicMatches(f, packet.topic))) return cb(null);
        denied.push(`${client.id} -> ${packet.topic}`);
        cb(new Error('not authorised'));
      },
      authorizeSubscribe(client, sub, cb) {
        const u = users.get(userOf.get(client) ?? '');
        const ok = u && u.subscribe.some((f) => f === '#' || topicMatches(f, sub.topic) || f === sub.topic);
        cb(null, ok ? sub : null);
      },
    });
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    obs = await Observer.connect(url, 'observer', ['homeassistant/#', 'truss-sim/#']);
  });

  afterAll(async () => {
    await vb?.stop();
    await obs?.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('connects every device and publishes discovery and state', async () => {
    await vb.connect({ url, credentials: credentialsFor(vb.devices()) });
    for (const spec of vb.devices()) {
      await obs.waitFor(
        (m) => m.topic === `truss-sim/${spec.nodeId}/availability` && m.payload === 'online',
        `${spec.nodeId} online`,
      );
    }
    const pv = await obs.waitFor((m) => m.topic === 'truss-sim/sim-pv-inverter/power', 'pv power');
    expect(Number(pv.payload)).toBeGreaterThan(0);
    expect(Number(pv.payload)).toBeCloseTo(vb.snapshot().pv.powerW, 0);
    const cfg = JSON.parse(obs.latest.get('homeassistant/light/sim-office-light/light/config')!);
    expect(cfg).toMatchObject({ schema: 'json', brightness: true, uniq_id: 'sim-office-light_light' });
  });

  it('a light command round-trips and changes the model draw', async () => {
    const from = obs.messages.length;
    await obs.client.publishAsync('truss-sim/sim-meeting-light/light/set', '{"state":"ON","brightness":255}');
    const echo = await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-meeting-light/light' && m.payload.includes('"ON"'),
      'light echo',
      from,
    );
    expect(JSON.parse(echo.payload)).toMatchObject({ state: 'ON', brightness: 255 });
    expect(vb.snapshot().lights.meeting!.powerW).toBeCloseTo(90, 6);
  });

  it('the ACL hook stops a device publishing into another device', async () => {
    const creds = credentialsFor(vb.devices())['sim-office-plug-2']!;
    const rogue = await connectAsync(url, { ...creds, clientId: 'rogue', reconnectPeriod: 0 }, false);
    rogue.on('error', () => undefined);
    rogue.publish('truss-sim/sim-office-plug-1/relay/set', 'OFF');
    rogue.publish('truss-sim/sim-office-plug-2/probe', 'end');
    await new Promise((r) => setTimeout(r, 300));
    expect(denied).toContain('rogue -> truss-sim/sim-office-plug-1/relay/set');
    expect(vb.snapshot().plugs['office-plug-1']!.on).toBe(true);
    await rogue.endAsync(true);
  });

  it('ticks follow the injected clock, and every value is re-sent within 30 s of model time', async () => {
    const t = vb.snapshot().timeMs;
    const mark = obs.messages.length;
    clockMs += 31_000;
    await obs.waitFor((m) => m.topic === 'truss-sim/sim-plant-sensor/humidity', 'heartbeat', mark);
    await obs.waitFor((m) => m.topic === 'truss-sim/sim-main-meter/export_energy', 'heartbeat', mark);
    expect(vb.snapshot().timeMs).toBe(t + 31_000);
    // a clock that steps back does not run the model backwards
    clockMs -= 10_000;
    await new Promise((r) => setTimeout(r, 300));
    expect(vb.snapshot().timeMs).toBe(t + 31_000);
  });

  it('dropDevice makes aedes publish the retained offline LWT', async () => {
    const from = obs.messages.length;
    vb.dropDevice('sim-pv-inverter');
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-pv-inverter/availability' && m.payload === 'offline',
      'LWT',
      from,
    );
    const late = await Observer.connect(url, 'late', ['truss-sim/sim-pv-inverter/availability']);
    const retained = await late.waitFor(
      (m) => m.topic === 'truss-sim/sim-pv-inverter/availability',
      'retained',
    );
    expect(retained).toMatchObject({ payload: 'offline', retain: true });
    await late.close();
  });
});
