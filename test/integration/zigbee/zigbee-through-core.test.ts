import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { dimmableLight, meteringPlug } from '../../../adapters/sim/zigbee/devices.ts';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * The installer's flow on the real core, API and storage: the demo site's Zigbee coordinator
 * emulator behind the real Zigbee adapter; permit join over the API, a new plug joins, is
 * interviewed, adopted with a name and a zone, and switched.
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

describe('zigbee through the core', () => {
  it('the demo site has its Zigbee devices, named, in rooms, with live values', async () => {
    const s = await snapshot();
    const zb = s.devices.filter((d) => d.adapter === 'zigbee');
    expect(zb.map((d) => d.name).sort()).toEqual(
      [
        'Corridor radiator',
        'Kettle plug',
        'Kitchen window',
        'Meeting room lamp',
        'Office climate sensor',
      ].sort(),
    );
    expect(zb.every((d) => d.zoneId !== null)).toBe(true);
    const lamp = s.entities.find(
      (e) => e.deviceId === zb.find((d) => d.address === dimmableLight().ieee)?.id,
    );
    expect(lamp?.kind).toBe('light');
    await until(
      async () => {
        const now = await snapshot();
        const temp = now.entities.find((e) => e.key === 'temperature' && zb.some((d) => d.id === e.deviceId));
        return temp && typeof now.states[temp.id]?.value === 'number';
      },
      10_000,
      'a live temperature from the Zigbee sensor',
    );
  });

  it('permit join via the API, candidate with interview progress, adopt with name and zone, command', async () => {
    const open = await t.call('commissioning.open', { adapter: 'zigbee', seconds: 60 }, token);
    expect(open.status).toBe(200);
    expect(open.body.result.openUntil).toBeGreaterThan(Date.now());
    const badCode = await t.call(
      'commissioning.open',
      { adapter: 'zigbee', seconds: 60, installCode: 'junk' },
      token,
    );
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.message).toMatch(/install code was not accepted/);
    const spec = meteringPlug(2);
    t.truss.demo!.zigbee!.emulator.join(spec);
    const candidate = await until(
      async () => {
        const st = (await t.call('commissioning.status', {}, token)).body.result as {
          adapter: string;
          candidates: { id: string; status: string; label: string }[];
        }[];
        const c = st.find((x) => x.adapter === 'zigbee')?.candidates.find((x) => x.id === spec.ieee);
        return c?.status === 'ready' ? c : null;
      },
      10_000,
      'candidate ready',
    );
    expect(candidate.label).toMatch(/SP 120/);
    const zone = await t.call('zone.create', { name: 'Workshop', kind: 'room', parentId: null }, token);
    const adopted = await t.call(
      'commissioning.adopt',
      { adapter: 'zigbee', candidateId: spec.ieee, name: 'Workshop compressor', zoneId: zone.body.result.id },
      token,
    );
    expect(adopted.status).toBe(200);
    expect(adopted.body.result).toMatchObject({ name: 'Workshop compressor', zoneId: zone.body.result.id });
    const s = await snapshot();
    const outlet = s.entities.find((e) => e.deviceId === adopted.body.result.id && e.kind === 'switch')!;
    const r = await t.call('entity.command', { entityId: outlet.id, command: { type: 'turn_off' } }, token);
    expect(r.status).toBe(200);
    await until(
      () => t.truss.demo!.zigbee!.emulator.device(spec.ieee)?.values(1, 'genOnOff').onOff === 0,
      5000,
      'plug off in the emulator',
    );
    await until(
      async () => (await snapshot()).states[outlet.id]?.value === false,
      5000,
      'state false in the core',
    );
    // report -> state -> stored history
    await until(
      async () => {
        const h = await t.call(
          'history.query',
          { entityId: outlet.id, from: Date.now() - 60_000, to: Date.now() + 1000, resolution: 'raw' },
          token,
        );
        return h.status === 200 && (h.body.result.points as unknown[]).length > 0;
      },
      5000,
      'the outlet state in history',
    );
  }, 30_000);

  it('network map over the API: the coordinator, its routers and end devices, with link quality', async () => {
    const r = await t.call('network.map', { adapter: 'zigbee' }, token);
    expect(r.status).toBe(200);
    const map = r.body.result as { nodes: { role: string; address: string }[]; links: { quality: number }[] };
    expect(map.nodes.filter((n) => n.role === 'coordinator')).toHaveLength(1);
    expect(map.nodes.some((n) => n.role === 'router' && n.address === dimmableLight().ieee)).toBe(true);
    expect(map.links.length).toBeGreaterThanOrEqual(5);
    expect(map.links.every((l) => l.quality > 0 && l.quality <= 255)).toBe(true);
    expect((await t.call('network.map', { adapter: 'mqtt' }, token)).status).toBe(400);
  });

  it('remove, then re-pair: the device keeps its id, name, zone and entity ids', async () => {
    const before = await snapshot();
    const lamp = before.devices.find((d) => d.address === dimmableLight().ieee)!;
    const lampEntities = before.entities.filter((e) => e.deviceId === lamp.id).map((e) => e.id);
    const removed = await t.call('device.remove', { deviceId: lamp.id }, token);
    expect(removed.status).toBe(200);
    const emu = t.truss.demo!.zigbee!.emulator;
    await until(() => !emu.devices().some((d) => d.ieee === dimmableLight().ieee), 5000, 'lamp left');

    await t.call('commissioning.open', { adapter: 'zigbee', seconds: 60 }, token);
    emu.join(dimmableLight());
    await until(
      async () =>
        (
          (await t.call('commissioning.status', {}, token)).body.result as {
            candidates: { id: string; status: string }[];
          }[]
        )
          .flatMap((x) => x.candidates)
          .some((c) => c.id === dimmableLight().ieee && c.status === 'ready'),
      10_000,
      'lamp ready again',
    );
    const again = await t.call(
      'commissioning.adopt',
      { adapter: 'zigbee', candidateId: dimmableLight().ieee },
      token,
    );
    expect(again.status).toBe(200);
    expect(again.body.result).toMatchObject({ id: lamp.id, name: lamp.name, zoneId: lamp.zoneId });
    const after = await snapshot();
    expect(after.entities.filter((e) => e.deviceId === lamp.id).map((e) => e.id)).toEqual(lampEntities);
  }, 20_000);
});
