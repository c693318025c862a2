import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualBuilding, type VirtualBuilding } from '../../../adapters/sim/index.ts';
import { waitFor } from '../broker/helpers.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
let vb: VirtualBuilding;
afterEach(async () => {
  await vb.stop();
  await h.stop();
});

describe('the virtual building’s Tasmota and Shelly devices', () => {
  it('are discovered through their own protocols, report energy, and obey commands', async () => {
    h = await startHarness();
    vb = createVirtualBuilding({ seed: 7, tickMs: 100 });
    const credentials: Record<string, { username: string; password: string }> = {};
    for (const d of [...vb.devices(), ...vb.firmwareDevices()])
      credentials[d.nodeId] = await h.broker.issueCredential(d.nodeId, d.acl);
    await vb.connect({ url: `mqtt://127.0.0.1:${h.port}`, credentials });
    const [tasmota, shelly] = vb.firmwareDevices();
    await waitFor(
      () => h.sink.lastDevice(tasmota!.address) && h.sink.lastDevice(shelly!.address),
      10_000,
      'announce',
    );
    expect(h.sink.lastDevice(tasmota!.address)!.entities.map((e) => e.key)).toEqual(
      expect.arrayContaining(['POWER1', 'ENERGY.Power', 'ENERGY.Total']),
    );
    expect(h.sink.lastDevice(shelly!.address)!.entities.map((e) => e.key)).toEqual([
      'switch:0',
      'switch:0/power',
      'switch:0/voltage',
      'switch:0/current',
      'switch:0/energy',
      'switch:0/temperature',
    ]);
    await waitFor(() => h.sink.valuesOf('ENERGY.Total').length >= 2, 5000, 'tasmota telemetry');
    await waitFor(() => h.sink.valuesOf('switch:0/energy').length >= 2, 5000, 'shelly telemetry');

    await h.adapter.execute(tasmota!.address, 'POWER1', { type: 'turn_on' });
    await waitFor(() => h.sink.valuesOf('POWER1').at(-1) === true, 3000, 'tasmota on');
    await h.adapter.execute(shelly!.address, 'switch:0', { type: 'turn_off' });
    await waitFor(() => h.sink.valuesOf('switch:0').at(-1) === false, 3000, 'shelly off');
    await waitFor(() => h.sink.valuesOf('switch:0/power').at(-1) === 0.4, 3000, 'shelly idle power');
    expect(h.lines.filter((l) => l.msg === 'device message rejected')).toEqual([]);
  });
});
