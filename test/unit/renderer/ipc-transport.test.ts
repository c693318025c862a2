import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../shared/api/client.ts';
import { IpcTransport, PORT_MESSAGE } from '../../../renderer/transport/ipc.ts';
import type { PortSource, TrussBridge } from '../../../renderer/transport/ipc.ts';

type Channel = InstanceType<typeof MessageChannel>;
type Port = Channel['port1'];

type FakeWindow = EventTarget & { post(data: unknown, port: Port | null, source: unknown): void };

/** A page window the way the preload sees it: something it can postMessage a port to. */
function fakeWindow(): FakeWindow {
  const win = new EventTarget() as FakeWindow;
  win.post = (data, port, source) => {
    const ev = new Event('message');
    Object.defineProperties(ev, {
      data: { value: data },
      ports: { value: port ? [port] : [] },
      source: { value: source },
    });
    win.dispatchEvent(ev);
  };
  return win;
}

/** The core's end: answers hello and auth.status over JSON text, like main/electron/core-process.ts. */
function coreEnd(port: Port, log: unknown[]) {
  port.on('message', (data: unknown) => {
    log.push(data);
    const f = JSON.parse(data as string) as { t: string; id?: number };
    if (f.t === 'hello')
      port.postMessage(JSON.stringify({ t: 'welcome', authenticated: false, needsSetup: true }));
    if (f.t === 'call') port.postMessage(JSON.stringify({ t: 'ok', id: f.id, result: { needsSetup: true } }));
  });
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('IpcTransport', () => {
  it('takes the port the preload posts, ignores impostors, and carries JSON frames', async () => {
    const win = fakeWindow();
    const seen: unknown[] = [];
    const channels: Channel[] = [];
    const bridge: TrussBridge = {
      requestPort: () => {
        const ch = new MessageChannel();
        channels.push(ch);
        coreEnd(ch.port2, seen);
        const impostor = new MessageChannel();
        // A message from another source, or without a port, must not be taken as the API port.
        win.post(PORT_MESSAGE, impostor.port1, null);
        win.post(PORT_MESSAGE, null, win);
        win.post('something else', ch.port1, win);
        win.post(PORT_MESSAGE, ch.port1, win);
        impostor.port1.close();
      },
    };
    const transport = new IpcTransport(bridge, { win: win as unknown as PortSource });
    const client = new ApiClient(transport);
    try {
      client.hello(null);
      await expect(client.call('auth.status', {})).resolves.toEqual({ needsSetup: true });
      expect(seen.map((s) => JSON.parse(s as string).t)).toEqual(['hello', 'call']);
      expect(client.welcome).toEqual({ authenticated: false, needsSetup: true });
    } finally {
      client.close();
      for (const ch of channels) ch.port2.close();
    }
  });

  it('drops frames that are not JSON', async () => {
    const win = fakeWindow();
    const ch = new MessageChannel();
    const transport = new IpcTransport(
      { requestPort: () => win.post(PORT_MESSAGE, ch.port1, win) },
      {
        win: win as unknown as PortSource,
      },
    );
    const frames: unknown[] = [];
    transport.onFrame((f) => frames.push(f));
    await new Promise<void>((r) => transport.onOpen(() => r()));
    ch.port2.postMessage('{not json');
    ch.port2.postMessage(JSON.stringify({ t: 'welcome', authenticated: true, needsSetup: false }));
    await until(() => frames.length === 1);
    expect(frames).toEqual([{ t: 'welcome', authenticated: true, needsSetup: false }]);
    transport.close();
    ch.port2.close();
  });

  it('reports a lost port and asks for a new one; the client says hello again', async () => {
    const win = fakeWindow();
    const seen: unknown[] = [];
    const channels: Channel[] = [];
    const bridge: TrussBridge = {
      requestPort: () => {
        const ch = new MessageChannel();
        channels.push(ch);
        coreEnd(ch.port2, seen);
        win.post(PORT_MESSAGE, ch.port1, win);
      },
    };
    const client = new ApiClient(
      new IpcTransport(bridge, { win: win as unknown as PortSource, retryDelayMs: 20 }),
    );
    const states: boolean[] = [];
    client.onConnection((c) => states.push(c));
    try {
      client.hello('tok');
      await until(() => seen.length === 1);
      channels[0]!.port2.close(); // the core process went away
      await until(() => states.includes(false));
      await until(() => channels.length === 2 && seen.length === 2);
      expect(seen.map((s) => JSON.parse(s as string))).toEqual([
        { t: 'hello', token: 'tok' },
        { t: 'hello', token: 'tok' },
      ]);
      expect(states).toEqual([true, false, true]);
    } finally {
      client.close();
      for (const ch of channels) ch.port2.close();
    }
  });

  it('gives up on a shell that never sends a port, then tries again', async () => {
    const win = fakeWindow();
    let requests = 0;
    const transport = new IpcTransport(
      { requestPort: () => void requests++ },
      { win: win as unknown as PortSource, portTimeoutMs: 30, retryDelayMs: 10 },
    );
    let closes = 0;
    transport.onClose(() => closes++);
    await until(() => requests >= 2);
    expect(closes).toBeGreaterThanOrEqual(1);
    transport.close();
    const after = requests;
    await new Promise((r) => setTimeout(r, 80));
    expect(requests).toBeLessThanOrEqual(after + 1);
  });
});
