import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../broker/helpers.ts';
import { type Harness, deviceAcl, startHarness } from './harness.ts';
import { programAvailable } from '../support/peers.ts';

const PUB = '/usr/bin/mosquitto_pub';
const SUB = '/usr/bin/mosquitto_sub';
const missing = !(
  programAvailable(PUB, 'Debian mosquitto-clients') && programAvailable(SUB, 'Debian mosquitto-clients')
);

let h: Harness;
afterEach(() => h.stop());

function run(bin: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const kill = setTimeout(() => child.kill('SIGTERM'), 10_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code: code ?? -1, out });
    });
  });
}

// Debian's mosquitto clients are an MQTT implementation independent of mqtt.js; CI installs them.
describe.skipIf(missing)('HA discovery with Debian mosquitto_pub / mosquitto_sub as the device', () => {
  it('config and state from mosquitto_pub reach the sink; a command reaches mosquitto_sub', async () => {
    h = await startHarness();
    const id = 'mq-plug';
    const cred = await h.broker.issueCredential(id, deviceAcl(id));
    const base = [
      '-h',
      '127.0.0.1',
      '-p',
      String(h.port),
      '-V',
      'mqttv311',
      '-i',
      id,
      '-u',
      id,
      '-P',
      cred.password,
    ];
    const config = JSON.stringify({
      uniq_id: 'mqplug',
      stat_t: `${id}/relay`,
      cmd_t: `${id}/relay/set`,
      dev: { ids: [id], name: 'Mosquitto plug' },
    });
    expect(
      (
        await run(PUB, [
          ...base,
          '-q',
          '1',
          '-r',
          '-t',
          `homeassistant/switch/${id}/relay/config`,
          '-m',
          config,
        ])
      ).code,
    ).toBe(0);
    await waitFor(() => h.sink.lastDevice(id), 3000, 'announce');
    expect((await run(PUB, [...base, '-q', '1', '-t', `${id}/relay`, '-m', 'ON'])).code).toBe(0);
    await waitFor(() => h.sink.valuesOf('mqplug').length === 1, 3000, 'state');
    expect(h.sink.valuesOf('mqplug')).toEqual([true]);

    // mosquitto_sub exits after one command; its SUBSCRIBE lands at an unknown moment, so the
    // core repeats the (idempotent) command until it has been received
    let done = false;
    const sub = run(SUB, [...base, '-q', '1', '-C', '1', '-t', `${id}/relay/set`]).finally(
      () => (done = true),
    );
    for (let i = 0; i < 50 && !done; i++) {
      await h.adapter.execute(id, 'mqplug', { type: 'turn_off' });
      await new Promise((r) => setTimeout(r, 100));
    }
    const { code, out } = await sub;
    expect(code).toBe(0);
    expect(out.trim()).toBe('OFF');
  });
});
