import { afterEach, expect, it } from 'vitest';
import { createVirtualBuilding, type VirtualBuilding } from '../../../adapters/sim/mqtt/virtual-building.ts';
import { createAclOracle } from '../../../main/core/broker/index.ts';
import { waitFor } from '../broker/helpers.ts';
import { type Harness, rejections, startHarness } from './harness.ts';

let h: Harness;
let vb: VirtualBuilding | null = null;
afterEach(async () => {
  await vb?.stop();
  vb = null;
  await h.stop();
});

// The production path for demo mode: the virtual building's devices, each a real MQTT client with
// its own credential, discovered by the adapter through the embedded broker.
for (const withHook of [false, true]) {
  it(`discovers every virtual-building device and drives it (${withHook ? 'broker ACL hook' : 'own-tree rule'})`, async () => {
    h = await startHarness(withHook ? { mqttAcl: (store) => createAclOracle(store) } : {});
    vb = createVirtualBuilding({ tickMs: 500 });
    const specs = vb.devices();
    const credentials: Record<string, { username: string; password: string }> = {};
    for (const d of specs) credentials[d.nodeId] = await h.broker.issueCredential(d.nodeId, d.acl);
    await vb.connect({ url: `mqtt://127.0.0.1:${h.port}`, credentials });

    const addresses = () => new Set(h.sink.announced.map((d) => d.address));
    await waitFor(() => addresses().size === specs.length, 10_000, 'every device announced');
    await waitFor(() => h.sink.availability.length >= specs.length, 10_000, 'every device online');
    expect(rejections(h.lines)).toEqual([]);
    expect(h.broker.stats()).toMatchObject({ deniedAcl: 0, deniedAuth: 0 });

    const latest = (address: string) => h.sink.lastDevice(address)!;
    const light = [...addresses()].map(latest).find((d) => d.entities.some((e) => e.kind === 'light'))!;
    const lightKey = light.entities.find((e) => e.kind === 'light')!.key;
    await h.adapter.execute(light.address, lightKey, { type: 'set_level', level: 40 });
    await waitFor(
      () =>
        h.sink.states.some(
          (s) => s.key === lightKey && JSON.stringify(s.state.value) === '{"on":true,"level":40}',
        ),
      10_000,
      'light reports the new level',
    );
  });
}
