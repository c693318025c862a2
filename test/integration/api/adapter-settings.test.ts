import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * Settings > Adapters through the real API: the form's schema comes from the adapter's own zod
 * schema, a change restarts the adapter with it (proved by what the adapter then does) and is
 * saved to truss.json, so the next start runs with it.
 */
let t: TestTruss | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

// A discovery config as HA's MQTT docs give it (https://www.home-assistant.io/integrations/mqtt/#discovery-examples),
// published into the broker from the core's side.
const discovery = {
  name: 'Temperature',
  unique_id: 'env9_temp',
  state_topic: 'env-9/tele/SENSOR',
  device_class: 'temperature',
  unit_of_measurement: '°C',
  device: { identifiers: ['env-9-mac'], name: 'Env 9' },
};

async function known(t: TestTruss, token: string): Promise<boolean> {
  const snap = (await t.call('site.snapshot', {}, token)).body.result as { devices: Array<{ name: string }> };
  const com = (await t.call('commissioning.status', {}, token)).body.result as Array<{
    candidates: Array<{ label: string; id: string }>;
  }>;
  return (
    snap.devices.some((d) => d.name === 'Env 9') ||
    com.some((a) => a.candidates.some((c) => c.id.includes('env-9') || c.label.includes('Env 9')))
  );
}

describe('adapter settings from the API', () => {
  it('serves the schema, refuses bad values, applies good ones live and keeps them across a restart', async () => {
    t = await startTestTruss();
    const dataDir = t.dataDir;
    const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
      .result.token as string;

    const got = await t.call('adapters.config.get', { adapter: 'mqtt' }, token);
    expect(got.status).toBe(200);
    expect(got.body.result.config).toEqual({
      discoveryPrefix: 'homeassistant',
      zigbee2mqttBase: 'zigbee2mqtt',
    });
    expect(got.body.result.schema.properties.discoveryPrefix).toMatchObject({
      type: 'string',
      default: 'homeassistant',
      maxLength: 64,
    });
    expect(got.body.result.managedBy).toBeNull();

    const bad = await t.call(
      'adapters.config.set',
      { adapter: 'mqtt', config: { discoveryPrefix: 'ha/#' } },
      token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([
      { path: 'discoveryPrefix', message: 'a topic prefix without wildcards' },
    ]);
    expect(() => statSync(join(dataDir, 'truss.json'))).toThrow();
    const unknown = await t.call('adapters.config.set', { adapter: 'nope', config: {} }, token);
    expect(unknown.status).toBe(404);

    const bus = t.truss.core.use('broker').bus;
    await bus.publish('ha-test/sensor/env-9/temp/config', JSON.stringify(discovery), { retain: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(await known(t, token)).toBe(false);

    const set = await t.call(
      'adapters.config.set',
      { adapter: 'mqtt', config: { discoveryPrefix: 'ha-test' } },
      token,
    );
    expect(set.status).toBe(200);
    expect(set.body.result.settings.config.discoveryPrefix).toBe('ha-test');
    expect(set.body.result.savedTo).toBe(join(dataDir, 'truss.json'));
    const saved = JSON.parse(readFileSync(join(dataDir, 'truss.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ adapters: { mqtt: { discoveryPrefix: 'ha-test' } } });
    expect(statSync(join(dataDir, 'truss.json')).mode & 0o777).toBe(0o600);
    // the restarted adapter subscribes under the new prefix: the retained config reaches it
    await until(() => known(t!, token), 5000, 'discovery under the new prefix');

    const audit = (await t.call('audit.list', { limit: 20 }, token)).body.result as Array<{ action: string }>;
    expect(audit.some((e) => e.action === 'adapters.config.set')).toBe(true);

    await t.stop({ keepData: true });
    t = await startTestTruss({ dataDir });
    const login = await t.call('auth.login', { username: 'admin', password: 'a long admin password' });
    const again = await t.call('adapters.config.get', { adapter: 'mqtt' }, login.body.result.token as string);
    expect(again.body.result.config.discoveryPrefix).toBe('ha-test');
  });

  it('is for administrators only', async () => {
    t = await startTestTruss();
    const admin = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
      .result.token as string;
    await t.call(
      'user.create',
      { username: 'inst', password: 'installer password 1', role: 'installer' },
      admin,
    );
    const inst = (await t.call('auth.login', { username: 'inst', password: 'installer password 1' })).body
      .result.token as string;
    expect((await t.call('adapters.config.get', { adapter: 'mqtt' }, inst)).status).toBe(403);
    expect((await t.call('adapters.config.set', { adapter: 'mqtt', config: {} }, inst)).status).toBe(403);
  });

  it("shows the virtual building's adapters read-only", async () => {
    t = await startTestTruss({ demo: true });
    const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
      .result.token as string;
    const z = await t.call('adapters.config.get', { adapter: 'zigbee' }, token);
    expect(z.body.result.managedBy).toBe('the virtual building (demo)');
    const refused = await t.call(
      'adapters.config.set',
      { adapter: 'zigbee', config: { port: '/dev/ttyUSB0' } },
      token,
    );
    expect(refused.status).toBe(409);
    expect(
      (await t.call('adapters.config.get', { adapter: 'mqtt' }, token)).body.result.managedBy,
    ).toBeNull();
  });
});
