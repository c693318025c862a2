import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { startTestTruss, until, WsProbe, type TestTruss } from '../support/truss-harness.ts';

/**
 * Device liveness and states that survive (issue 15, section 3), on the demo site's real MQTT
 * devices: last-seen reaches clients as coalesced `device.seen` events and is stored; latest
 * states (switches and modes too) come back after a restart, marked stale until the device
 * reports again; a removed device takes its states with it.
 */
let t: TestTruss | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function signIn(x: TestTruss, setup: boolean): Promise<string> {
  const creds = { username: 'admin', password: 'a long admin password' };
  return (await x.call(setup ? 'auth.setup' : 'auth.login', creds)).body.result.token as string;
}

const snapshotOf = async (x: TestTruss, token: string): Promise<Snapshot> =>
  (await x.call('site.snapshot', {}, token)).body.result;

describe('device liveness and latest states', () => {
  it('sends coalesced last-seen events, and keeps last-seen and latest states across a restart', async () => {
    t = await startTestTruss({ demo: true, tickMs: 200 });
    const token = await signIn(t, true);
    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token });
    await probe.waitFor((f) => f.t === 'snapshot');
    const seen = await probe.waitFor(
      (f) => f.t === 'evt' && f.evt.type === 'device.seen' && Object.keys(f.evt.seen).length > 1,
      10_000,
    );
    // one event carries many devices: coalesced, not one event per report
    const seenIds = Object.keys((seen as { evt: { seen: Record<string, number> } }).evt.seen);
    expect(seenIds.length).toBeGreaterThan(1);
    probe.close();

    // wait until switches and a thermostat mode (non-numeric states) are known
    const before = await until(
      async () => {
        const s = await snapshotOf(t!, token);
        const sw = s.entities.find((e) => e.kind === 'switch' && s.states[e.id]);
        const climate = s.entities.find((e) => e.kind === 'climate' && s.states[e.id]);
        return sw && climate ? { s, sw, climate } : null;
      },
      15_000,
      'switch and climate states',
    );
    const device = before.s.devices.find((d) => d.id === before.sw.deviceId)!;
    await until(async () => {
      const d = (await snapshotOf(t!, token)).devices.find((x) => x.id === device.id)!;
      return d.lastSeen !== null && d.lastSeen > device.createdAt;
    });
    const last = await snapshotOf(t, token);
    const dataDir = t.dataDir;
    // the core stops while its devices are still online (as on a real site: the virtual building
    // would otherwise go offline first and its states be stored as unavailable)
    await t.truss.core.stop();
    await t.stop({ keepData: true });

    // restart without the virtual building: nobody reports, so everything shown was stored
    t = await startTestTruss({ demo: false, dataDir });
    const token2 = await signIn(t, false);
    const after = await snapshotOf(t, token2);
    for (const id of [before.sw.id, before.climate.id]) {
      const was = last.states[id]!;
      const restored = after.states[id]!;
      expect(restored, id).toBeDefined();
      // the value the device last reported is back; it is stale until the device reports again,
      // or unavailable where the broker's retained last will says the device went offline
      expect(restored.value, id).toEqual(expect.anything());
      expect(typeof restored.value, id).toBe(typeof was.value);
      expect(restored.source, id).toBe(was.source);
      expect(['stale', 'unavailable'], id).toContain(restored.quality);
    }
    expect(after.states[before.climate.id]!.value).toMatchObject({ mode: expect.any(String) });
    const stored = after.devices.find((d) => d.id === device.id)!;
    const lastSeenBefore = last.devices.find((d) => d.id === device.id)!.lastSeen!;
    expect(stored.lastSeen).toBeGreaterThanOrEqual(lastSeenBefore);
  });

  it("drops a removed device's states, also from what the next start restores", async () => {
    t = await startTestTruss({ demo: true, tickMs: 200 });
    const token = await signIn(t, true);
    const { s, sw } = await until(
      async () => {
        const snap = await snapshotOf(t!, token);
        const e = snap.entities.find((x) => x.kind === 'switch' && snap.states[x.id]);
        return e ? { s: snap, sw: e } : null;
      },
      15_000,
      'a switch state',
    );
    const ids = s.entities.filter((e) => e.deviceId === sw.deviceId).map((e) => e.id);
    expect((await t.call('device.remove', { deviceId: sw.deviceId }, token)).status).toBe(200);
    const now = await snapshotOf(t, token);
    for (const id of ids) expect(now.states[id], id).toBeUndefined();
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestTruss({ demo: false, dataDir });
    const again = await snapshotOf(t, await signIn(t, false));
    for (const id of ids) expect(again.states[id], id).toBeUndefined();
  });
});
