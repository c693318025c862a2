import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../shared/api/frames.ts';
import { serveApiOverPort, type MainPortLike } from '../../../main/electron/port-api.ts';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/** Node's MessagePort delivers the data itself; Electron's MessagePortMain wraps it in {data}. */
function asMainPort(port: MessagePort): MainPortLike {
  return {
    on: ((event: 'message' | 'close', listener: (e?: { data: unknown }) => void) => {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => listener());
    }) as MainPortLike['on'],
    postMessage: (m) => port.postMessage(m),
    start: () => port.start(),
  };
}

let t: TestTruss;
beforeAll(async () => {
  t = await startTestTruss();
});
afterAll(async () => {
  await t?.stop();
});

describe('the desktop pipe', () => {
  it('serves the same frame protocol over a MessagePort as over the WebSocket', async () => {
    const { port1, port2 } = new MessageChannel();
    serveApiOverPort(t.truss, asMainPort(port1));
    const frames: ServerFrame[] = [];
    port2.on('message', (text: string) => frames.push(JSON.parse(text) as ServerFrame));
    const send = (f: unknown) => port2.postMessage(JSON.stringify(f));

    send({
      t: 'call',
      id: 1,
      method: 'auth.setup',
      params: { username: 'desk', password: 'desktop password', code: t.truss.core.use('auth').setupCode() },
    });
    const setup = await until(() => frames.find((f) => f.t === 'ok' && f.id === 1), 5000, 'setup reply');
    const token = (setup as { result: { token: string } }).result.token;
    send({ t: 'hello', token });
    await until(() => frames.find((f) => f.t === 'welcome' && f.authenticated), 5000, 'welcome');
    await until(() => frames.find((f) => f.t === 'snapshot'), 5000, 'snapshot');
    send('garbage');
    await until(() => frames.find((f) => f.t === 'err' && f.id === -1), 5000, 'protocol error');

    // Calls over the port are audited as coming from the desktop pipe's user.
    send({
      t: 'call',
      id: 2,
      method: 'zone.create',
      params: { name: 'Desk zone', kind: 'room', parentId: null },
    });
    await until(() => frames.find((f) => f.t === 'ok' && f.id === 2), 5000, 'zone.create');
    const audit = await t.truss.core.use('audit').list(10);
    expect(audit.find((a) => a.action === 'zone.create')).toMatchObject({ actor: 'desk', outcome: 'ok' });
    port2.close();
  });
});
