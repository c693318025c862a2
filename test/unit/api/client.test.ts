import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../../../shared/api/client.ts';
import type { ClientFrame } from '../../../shared/api/frames.ts';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { memoryTransportPair } from './memory-transport.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

const snapshot = (name: string): Snapshot => ({
  zones: [{ id: 'z1', name, kind: 'room', parentId: null }],
  devices: [],
  entities: [],
  states: { 'e.temp': { value: 21.5, ts: 1, source: 'sim', quality: 'good' } },
});

/** A tiny scripted server: answers each call with the function's result, or an error frame. */
function autoServer(
  server: ReturnType<typeof memoryTransportPair>['server'],
  answer: (f: Extract<ClientFrame, { t: 'call' }>) => unknown,
) {
  server.onFrame((f) => {
    if (f.t === 'hello') {
      server.send({ t: 'welcome', authenticated: f.token === 'good', needsSetup: false });
      if (f.token === 'good') server.send({ t: 'snapshot', data: snapshot('Lobby') });
      return;
    }
    const r = answer(f);
    if (r instanceof ApiError) {
      server.send({ t: 'err', id: f.id, error: { code: r.code, message: r.message, issues: r.issues } });
    } else server.send({ t: 'ok', id: f.id, result: r });
  });
}

describe('ApiClient calls', () => {
  it('resolves a typed, validated result', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(server, () => ({ needsSetup: true }));
    const client = new ApiClient(transport);
    await expect(client.call('auth.status', {})).resolves.toEqual({ needsSetup: true });
    const call = server.received[0] as ClientFrame;
    expect(call).toMatchObject({ t: 'call', method: 'auth.status', params: {} });
  });

  it('gives each call its own id and matches out-of-order answers', async () => {
    const { transport, server } = memoryTransportPair();
    const calls: Array<Extract<ClientFrame, { t: 'call' }>> = [];
    server.onFrame((f) => {
      if (f.t === 'call') calls.push(f);
    });
    const client = new ApiClient(transport);
    const a = client.call('auth.status', {});
    const b = client.call('system.health', {});
    await tick();
    expect(calls.map((c) => c.id)).toHaveLength(2);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    const health = { status: 'ok', version: '0.1.0', uptimeS: 3, services: {} };
    server.send({ t: 'ok', id: calls[1]!.id, result: health });
    server.send({ t: 'ok', id: calls[0]!.id, result: { needsSetup: false } });
    await expect(b).resolves.toEqual(health);
    await expect(a).resolves.toEqual({ needsSetup: false });
  });

  it('turns an err frame into an ApiError with code and field issues', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(
      server,
      () =>
        new ApiError('bad_request', 'invalid params', [
          { path: 'password', message: 'at least 10 characters' },
        ]),
    );
    const client = new ApiClient(transport);
    const err = await client
      .call('auth.setup', { username: 'ad', password: 'x', code: 'ABCD' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('bad_request');
    expect((err as ApiError).issueFor('password')).toBe('at least 10 characters');
    expect((err as ApiError).issueFor('username')).toBeUndefined();
  });

  it('rejects a result that does not match the contract instead of passing it on', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(server, () => ({ needsSetup: 'yes' }));
    const client = new ApiClient(transport);
    await expect(client.call('auth.status', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('rejects a malformed error body as internal', async () => {
    const { transport, server } = memoryTransportPair();
    server.onFrame((f) => {
      if (f.t === 'call') server.send({ t: 'err', id: f.id, error: { code: 'nope' } });
    });
    const client = new ApiClient(transport);
    await expect(client.call('auth.status', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('times out, and ignores the late answer', async () => {
    vi.useFakeTimers();
    try {
      const { transport, server } = memoryTransportPair();
      const calls: number[] = [];
      server.onFrame((f) => {
        if (f.t === 'call') calls.push(f.id);
      });
      const client = new ApiClient(transport);
      const p = client.call('auth.status', {}, { timeoutMs: 50 });
      const settled = p.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(60);
      const err = await settled;
      expect(err).toMatchObject({ code: 'unavailable' });
      expect((err as Error).message).toMatch(/timed out/);
      server.send({ t: 'ok', id: calls[0], result: { needsSetup: false } });
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ApiClient session and connection', () => {
  it('holds calls made after hello until the welcome arrives', async () => {
    const { transport, server } = memoryTransportPair();
    const seen: string[] = [];
    server.onFrame((f) => {
      seen.push(f.t);
      if (f.t === 'call') server.send({ t: 'ok', id: f.id, result: { needsSetup: false } });
    });
    const client = new ApiClient(transport);
    client.hello('good');
    const p = client.call('auth.status', {});
    await tick();
    expect(seen).toEqual(['hello']);
    server.send({ t: 'welcome', authenticated: true, needsSetup: false });
    await expect(p).resolves.toEqual({ needsSetup: false });
    expect(seen).toEqual(['hello', 'call']);
    expect(client.welcome).toEqual({ authenticated: true, needsSetup: false });
  });

  it('rejects pending calls when the connection drops, and new calls until it is back', async () => {
    const { transport, server } = memoryTransportPair();
    const client = new ApiClient(transport);
    const states: boolean[] = [];
    client.onConnection((c) => states.push(c));
    const p = client.call('auth.status', {}).catch((e: unknown) => e);
    await tick();
    server.drop();
    expect(await p).toMatchObject({ code: 'unavailable', message: 'connection lost' });
    expect(client.connected).toBe(false);
    await expect(client.call('auth.status', {})).rejects.toMatchObject({ code: 'unavailable' });
    server.open();
    expect(states).toEqual([false, true]);
  });

  it('says hello again after a reconnect and delivers the fresh snapshot', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(server, () => ({ needsSetup: false }));
    const client = new ApiClient(transport);
    const snaps: Snapshot[] = [];
    const welcomes: boolean[] = [];
    client.onSnapshot((s) => snaps.push(s));
    client.onWelcome((w) => welcomes.push(w.authenticated));
    client.hello('good');
    await tick();
    await tick();
    expect(snaps).toHaveLength(1);
    server.drop();
    server.open();
    await tick();
    await tick();
    const hellos = server.received.filter((f) => (f as ClientFrame).t === 'hello');
    expect(hellos).toEqual([
      { t: 'hello', token: 'good' },
      { t: 'hello', token: 'good' },
    ]);
    expect(snaps).toHaveLength(2);
    expect(welcomes).toEqual([true, true]);
  });

  it('only the answer to the latest hello counts when hellos overlap', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(server, () => ({ needsSetup: false }));
    const client = new ApiClient(transport);
    const welcomes: boolean[] = [];
    client.onWelcome((w) => welcomes.push(w.authenticated));
    client.hello(null);
    client.hello('good');
    await tick();
    await tick();
    expect(server.received.filter((f) => (f as ClientFrame).t === 'hello')).toHaveLength(2);
    expect(welcomes).toEqual([true]);
    expect(client.welcome).toEqual({ authenticated: true, needsSetup: false });
    // An unsolicited welcome (the server re-checking a session) is passed on.
    server.send({ t: 'welcome', authenticated: false, needsSetup: false });
    await tick();
    expect(welcomes).toEqual([true, false]);
  });

  it('does not repeat a hello that was buffered while the first connection opened', async () => {
    const { transport, server } = memoryTransportPair({ startOpen: false });
    autoServer(server, () => ({ needsSetup: false }));
    const client = new ApiClient(transport);
    client.hello(null);
    const p = client.call('auth.status', {});
    server.open();
    await expect(p).resolves.toEqual({ needsSetup: false });
    expect(server.received.map((f) => (f as ClientFrame).t)).toEqual(['hello', 'call']);
  });

  it('a hello while disconnected is sent once the transport reopens', async () => {
    const { transport, server } = memoryTransportPair();
    autoServer(server, () => ({ needsSetup: false }));
    const client = new ApiClient(transport);
    server.drop();
    client.hello('good');
    await tick();
    expect(server.received).toEqual([]);
    server.open();
    await tick();
    expect(server.received).toEqual([{ t: 'hello', token: 'good' }]);
  });

  it('close() rejects everything pending and refuses new calls', async () => {
    const { transport } = memoryTransportPair();
    const client = new ApiClient(transport);
    const p = client.call('auth.status', {}).catch((e: unknown) => e);
    client.close();
    expect(await p).toMatchObject({ code: 'unavailable' });
    await expect(client.call('auth.status', {})).rejects.toMatchObject({ message: 'client closed' });
  });
});

describe('ApiClient against hostile frames', () => {
  it('drops malformed frames, reports them, and keeps working', async () => {
    const { transport, server } = memoryTransportPair();
    const client = new ApiClient(transport);
    const errors: string[] = [];
    const events: unknown[] = [];
    const snaps: unknown[] = [];
    client.onProtocolError((m) => errors.push(m));
    client.onEvent((e) => events.push(e));
    client.onSnapshot((s) => snaps.push(s));
    server.send(42);
    server.send(null);
    server.send({ nope: true });
    server.send({ t: 'bogus' });
    server.send({ t: 'welcome', authenticated: 'yes' });
    server.send({ t: 'snapshot', data: { zones: 'x' } });
    server.send({ t: 'evt', evt: { type: 'state', entityId: 'e', state: { value: 1 } } });
    server.send({ t: 'ok', id: 999, result: {} });
    server.send({ t: 'err', id: 'x', error: {} });
    await tick();
    expect(errors).toHaveLength(7); // all but the stray ok and err, which answer no pending call
    expect(events).toEqual([]);
    expect(snaps).toEqual([]);
    const evt = {
      type: 'state',
      entityId: 'e.temp',
      state: { value: 22, ts: 2, source: 'sim', quality: 'good' },
    };
    server.send({ t: 'evt', evt });
    await tick();
    expect(events).toEqual([evt]);
  });

  it('a throwing subscriber does not stop the others', async () => {
    const { transport, server } = memoryTransportPair();
    const client = new ApiClient(transport);
    const got: string[] = [];
    client.onSnapshot(() => {
      throw new Error('boom');
    });
    client.onSnapshot((s) => got.push(s.zones[0]!.name));
    server.send({ t: 'snapshot', data: snapshot('Atrium') });
    await tick();
    expect(got).toEqual(['Atrium']);
  });

  it('unsubscribe stops delivery', async () => {
    const { transport, server } = memoryTransportPair();
    const client = new ApiClient(transport);
    const got: unknown[] = [];
    const off = client.onSnapshot((s) => got.push(s));
    off();
    server.send({ t: 'snapshot', data: snapshot('Atrium') });
    await tick();
    expect(got).toEqual([]);
  });
});
