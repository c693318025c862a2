import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { startTestTruss, until, WsProbe, type TestTruss } from '../support/truss-harness.ts';

/**
 * A rule on the real product: the simulated office sensor reports occupancy over MQTT, the rule
 * commands the simulated office light through the adapter, and the light reports back over MQTT.
 */
let t: TestTruss;
let token: string;
let occupancy: string;
let light: string;
const OCC_TOPIC = 'truss-sim/sim-office-sensor/occupancy';

const snapshot = async (): Promise<Snapshot> => (await t.call('site.snapshot', {}, token)).body.result;
const stateOf = async (id: string) => (await snapshot()).states[id]?.value;
const lightIsOn = (v: unknown) => typeof v === 'object' && v !== null && (v as { on?: unknown }).on === true;

beforeAll(async () => {
  t = await startTestTruss({ demo: true, tickMs: 200 });
  token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
  const s = await until(
    async () => {
      const snap = await snapshot();
      const sensor = snap.devices.find((d) => d.address.includes('sim-office-sensor'));
      const lamp = snap.devices.find((d) => d.address.includes('sim-office-light'));
      const occ = snap.entities.find((e) => e.deviceId === sensor?.id && e.deviceClass === 'occupancy');
      const l = snap.entities.find((e) => e.deviceId === lamp?.id && e.kind === 'light');
      return occ && l && snap.states[occ.id] && snap.states[l.id] ? { occ, l } : null;
    },
    20_000,
    'office sensor and light',
  );
  occupancy = s.occ.id;
  light = s.l.id;
});
afterAll(async () => {
  await t?.stop();
});

describe('rules on a running Truss', () => {
  it('switches the office light when the office sensor reports occupied, end to end over MQTT', async () => {
    // A known starting point: light off, room vacant.
    await t.call('entity.command', { entityId: light, command: { type: 'turn_off' } }, token);
    await until(async () => !lightIsOn(await stateOf(light)), 10_000, 'light off');
    await t.truss.core.use('broker').bus.publish(OCC_TOPIC, 'OFF', { qos: 0, retain: false });
    await until(async () => (await stateOf(occupancy)) === false, 10_000, 'vacant');

    const save = await t.call(
      'rules.save',
      {
        rule: {
          id: 'office-occupancy-light',
          name: 'Office light on when occupied',
          triggers: [{ type: 'state', entityId: occupancy, to: true }],
          actions: [{ type: 'command', entityId: light, command: { type: 'turn_on' } }],
        },
      },
      token,
    );
    expect(save.status).toBe(200);
    expect(save.body.result.status).toMatchObject({ health: 'ok', enabled: true });

    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token });
    await probe.waitFor((f) => f.t === 'snapshot');

    const sent = Date.now();
    await t.truss.core.use('broker').bus.publish(OCC_TOPIC, 'ON', { qos: 0, retain: false });
    // the light's own MQTT report, not the command, is what the UI sees
    await probe.waitFor(
      (f) =>
        f.t === 'evt' && f.evt.type === 'state' && f.evt.entityId === light && lightIsOn(f.evt.state.value),
      10_000,
    );
    const status = await probe.waitFor(
      (f) =>
        f.t === 'evt' && f.evt.type === 'rule.status' && f.evt.status.ruleId === 'office-occupancy-light',
      5000,
    );
    expect(status).toMatchObject({ evt: { status: { lastResult: 'ran' } } });
    probe.close();
    const latency = Date.now() - sent;
    expect(latency).toBeLessThan(5000);

    const traces = await until(
      async () => {
        const r = (await t.call('rules.traces', { ruleId: 'office-occupancy-light' }, token)).body.result;
        return r.length ? r : null;
      },
      5000,
      'trace',
    );
    expect(traces[0]).toMatchObject({
      result: 'ran',
      trigger: { type: 'state' },
      steps: [{ path: 'actions.0', type: 'command', outcome: 'ok' }],
    });
  });

  it('rejects invalid rules with errors at the field, and unknown entities at their path', async () => {
    const bad = await t.call(
      'rules.save',
      { rule: { id: 'x', name: '', triggers: [{ type: 'time', at: '7am' }], actions: [] } },
      token,
    );
    expect(bad.status).toBe(400);
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['rule.name', 'rule.triggers.0.at', 'rule.actions']));
    const unknown = await t.call(
      'rules.save',
      {
        rule: {
          id: 'y',
          name: 'y',
          triggers: [{ type: 'state', entityId: 'binary_sensor.nope', to: true }],
          actions: [{ type: 'command', entityId: light, command: { type: 'turn_on' } }],
        },
      },
      token,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues[0].path).toBe('rule.triggers.0.entityId');
    // garbage is refused, not stored
    for (const body of [{ rule: 'DROP TABLE' }, { rule: { id: 'z'.repeat(500) } }, { bundle: {} }]) {
      expect((await t.call('rules.save', body, token)).status).toBe(400);
    }
    expect(
      (await t.call('rules.list', {}, token)).body.result.rules.map((r: { id: string }) => r.id),
    ).toEqual(['office-occupancy-light']);
  });

  it('viewers read rules but cannot change them; changes are audited', async () => {
    await t.call(
      'user.create',
      { username: 'viewer1', password: 'a long viewer password', role: 'viewer' },
      token,
    );
    const vt = (await t.call('auth.login', { username: 'viewer1', password: 'a long viewer password' })).body
      .result.token;
    expect((await t.call('rules.list', {}, vt)).status).toBe(200);
    expect(
      (await t.call('rules.enable', { ruleId: 'office-occupancy-light', enabled: false }, vt)).status,
    ).toBe(403);
    const audit = (await t.call('audit.list', { limit: 50 }, token)).body.result as {
      action: string;
      outcome: string;
    }[];
    expect(audit.some((a) => a.action === 'rules.save' && a.outcome === 'ok')).toBe(true);
    expect(audit.some((a) => a.action === 'rules.enable' && a.outcome === 'denied')).toBe(true);
  });

  it('replays the rule against recorded history without touching devices', async () => {
    t.truss.core.use('history').flush();
    const before = await stateOf(light);
    const r = await t.call(
      'rules.replay',
      { ruleId: 'office-occupancy-light', from: Date.now() - 600_000, to: Date.now() },
      token,
    );
    expect(r.status).toBe(200);
    // the ON we published above is in the history, so the replay turns the light on at least once
    expect(r.body.result.commands.length).toBeGreaterThanOrEqual(1);
    expect(r.body.result.commands[0]).toMatchObject({ entityId: light, command: { type: 'turn_on' } });
    expect(await stateOf(light)).toEqual(before);
  });

  it('exports and imports automations; a scene captured from live states applies', async () => {
    const exp = (await t.call('automations.export', {}, token)).body.result;
    expect(exp).toMatchObject({
      format: 'truss-automations',
      version: 1,
      rules: [{ id: 'office-occupancy-light' }],
    });
    const imported = await t.call(
      'automations.import',
      { bundle: { ...exp, rules: [{ ...exp.rules[0], id: 'copy', enabled: false }] } },
      token,
    );
    expect(imported.body.result).toMatchObject({ rules: 1, flagged: [] });
    const corrupt = await t.call(
      'automations.import',
      { bundle: { format: 'truss-automations', version: 1, rules: [{ id: 'bad' }] } },
      token,
    );
    expect(corrupt.status).toBe(400);

    const cap = await t.call(
      'scenes.capture',
      { sceneId: 'office-now', name: 'Office now', entityIds: [light] },
      token,
    );
    expect(cap.status).toBe(200);
    expect(cap.body.result.scene.entries[0].entityId).toBe(light);
    expect((await t.call('scenes.apply', { sceneId: 'office-now' }, token)).body.result.detail).toMatch(
      /Office now/,
    );
  });

  it('reports a command to an offline device as a failure in the trace, and fires availability triggers', async () => {
    const snap = await snapshot();
    const lamp = snap.devices.find((d) => d.address.includes('sim-office-light'))!;
    await t.call(
      'rules.save',
      {
        rule: {
          id: 'light-gone',
          name: 'Tell when the office light drops off',
          triggers: [{ type: 'availability', deviceId: lamp.id, to: 'offline' }],
          actions: [{ type: 'notify', message: 'office light offline', level: 'warning' }],
        },
      },
      token,
    );
    const topic = 'truss-sim/sim-office-light/availability';
    await t.truss.core.use('broker').bus.publish(topic, 'offline', { qos: 0, retain: false });
    await until(
      async () => (await snapshot()).devices.find((d) => d.id === lamp.id)?.availability === 'offline',
      10_000,
      'offline',
    );
    const run = await t.call('rules.run', { ruleId: 'office-occupancy-light' }, token);
    expect(run.status).toBe(200);
    expect(run.body.result).toMatchObject({
      result: 'failed',
      steps: [{ type: 'command', outcome: 'failed', detail: expect.stringMatching(/offline/) }],
    });
    const gone = await until(
      async () => {
        const r = (await t.call('rules.traces', { ruleId: 'light-gone' }, token)).body.result;
        return r.length ? r : null;
      },
      5000,
      'availability trace',
    );
    expect(gone[0]).toMatchObject({ result: 'ran', trigger: { type: 'availability' } });
    await t.truss.core.use('broker').bus.publish(topic, 'online', { qos: 0, retain: false });
    await until(
      async () => (await snapshot()).devices.find((d) => d.id === lamp.id)?.availability === 'online',
      10_000,
      'online',
    );
    await t.call('rules.delete', { ruleId: 'light-gone' }, token);
  });

  it('keeps rules across a restart', async () => {
    await t.stop({ keepData: true });
    t = await startTestTruss({ demo: true, tickMs: 200, dataDir: t.dataDir });
    token = (await t.call('auth.login', { username: 'admin', password: 'a long admin password' })).body.result
      .token;
    const list = (await t.call('rules.list', {}, token)).body.result;
    expect(list.rules.map((r: { id: string }) => r.id).sort()).toEqual(['copy', 'office-occupancy-light']);
    expect((await t.call('scenes.list', {}, token)).body.result.map((s: { id: string }) => s.id)).toEqual([
      'office-now',
    ]);
    const traces = (await t.call('rules.traces', { ruleId: 'office-occupancy-light' }, token)).body.result;
    expect(traces.length).toBeGreaterThanOrEqual(1);
  });
});
