import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTruss, WsProbe, type TestTruss } from '../support/truss-harness.ts';

let t: TestTruss;
let adminToken: string;

beforeAll(async () => {
  t = await startTestTruss();
});
afterAll(async () => {
  await t?.stop();
});

describe('first run and login', () => {
  it('reports that setup is needed and refuses everything but public calls', async () => {
    expect((await t.call('auth.status')).body.result).toEqual({ needsSetup: true });
    const snap = await t.call('site.snapshot');
    expect(snap.status).toBe(401);
    expect(snap.body.error.code).toBe('unauthenticated');
  });

  it('validates the first admin with field errors', async () => {
    const r = await t.call('auth.setup', { username: 'a b', password: 'short' });
    expect(r.status).toBe(400);
    const paths = r.body.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['password', 'username']);
  });

  it('creates the admin once; a second setup is refused', async () => {
    const r = await t.call('auth.setup', { username: 'admin', password: 'a long admin password' });
    expect(r.status).toBe(200);
    expect(r.body.result.user.role).toBe('admin');
    adminToken = r.body.result.token;
    const again = await t.call('auth.setup', { username: 'mallory', password: 'another long password' });
    expect(again.status).toBe(409);
    expect((await t.call('auth.status')).body.result).toEqual({ needsSetup: false });
  });

  it('logs in with the right password only', async () => {
    expect((await t.call('auth.login', { username: 'admin', password: 'wrong password!!' })).status).toBe(
      401,
    );
    const ok = await t.call('auth.login', { username: 'admin', password: 'a long admin password' });
    expect(ok.status).toBe(200);
    expect(typeof ok.body.result.token).toBe('string');
  });

  it('throttles password guessing', async () => {
    await t.call(
      'user.create',
      { username: 'victim', password: 'victim password 1', role: 'viewer' },
      adminToken,
    );
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (await t.call('auth.login', { username: 'victim', password: `guess number ${i}` })).status,
      );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('roles', () => {
  let viewer: string;
  let installer: string;
  beforeAll(async () => {
    await t.call(
      'user.create',
      { username: 'vera', password: 'viewer password', role: 'viewer' },
      adminToken,
    );
    await t.call(
      'user.create',
      { username: 'ivan', password: 'installer password', role: 'installer' },
      adminToken,
    );
    viewer = (await t.call('auth.login', { username: 'vera', password: 'viewer password' })).body.result
      .token;
    installer = (await t.call('auth.login', { username: 'ivan', password: 'installer password' })).body.result
      .token;
  });

  it('a viewer reads but may not command, commission or administer', async () => {
    expect((await t.call('site.snapshot', {}, viewer)).status).toBe(200);
    for (const [method, params] of [
      ['entity.command', { entityId: 'switch.x', command: { type: 'turn_on' } }],
      ['zone.create', { name: 'Roof', kind: 'room', parentId: null }],
      ['user.list', {}],
      ['audit.list', {}],
    ] as const) {
      const r = await t.call(method, params, viewer);
      expect(r.status, method).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });

  it('an installer commissions but does not administer users', async () => {
    const zone = await t.call('zone.create', { name: 'Plant room', kind: 'room', parentId: null }, installer);
    expect(zone.status).toBe(200);
    expect(
      (await t.call('user.create', { username: 'x1', password: 'xxxxxxxxxxxx', role: 'admin' }, installer))
        .status,
    ).toBe(403);
  });

  it('a bogus or revoked token is unauthenticated', async () => {
    expect((await t.call('site.snapshot', {}, 'not-a-token')).status).toBe(401);
    const tok = (await t.call('auth.login', { username: 'vera', password: 'viewer password' })).body.result
      .token;
    expect((await t.call('auth.logout', {}, tok)).status).toBe(200);
    expect((await t.call('site.snapshot', {}, tok)).status).toBe(401);
  });

  it('the last admin cannot be demoted or deleted', async () => {
    const users = (await t.call('user.list', {}, adminToken)).body.result as {
      id: string;
      username: string;
    }[];
    const admin = users.find((u) => u.username === 'admin')!;
    expect((await t.call('user.setRole', { userId: admin.id, role: 'viewer' }, adminToken)).status).toBe(409);
    expect((await t.call('user.delete', { userId: admin.id }, adminToken)).status).toBe(409);
  });

  it('writes commands and refusals to the audit log', async () => {
    const audit = (await t.call('audit.list', { limit: 100 }, adminToken)).body.result as {
      actor: string;
      action: string;
      outcome: string;
    }[];
    expect(audit.some((a) => a.actor === 'admin' && a.action === 'auth.setup' && a.outcome === 'ok')).toBe(
      true,
    );
    expect(
      audit.some((a) => a.actor === 'vera' && a.action === 'entity.command' && a.outcome === 'denied'),
    ).toBe(true);
    expect(audit.some((a) => a.actor === 'ivan' && a.action === 'zone.create' && a.outcome === 'ok')).toBe(
      true,
    );
    expect(
      audit.some((a) => a.actor === 'anonymous' && a.action === 'site.snapshot' && a.outcome === 'denied'),
    ).toBe(true);
    expect(
      audit.some((a) => a.actor === 'victim' && a.action === 'auth.login' && a.outcome === 'error'),
    ).toBe(true);
  });
});

describe('HTTP and WebSocket hardening', () => {
  it('answers /healthz with JSON status', async () => {
    const r = await fetch(`${t.url}healthz`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { status: string; services: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.services)).toEqual(
      expect.arrayContaining(['database', 'history', 'broker', 'adapters']),
    );
  });

  it('refuses non-JSON bodies, bad JSON, oversized bodies and unknown methods', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('api/call/auth.status', '{}', 'text/plain')).status).toBe(400);
    expect((await post('api/call/auth.login', '{"username":')).status).toBe(400);
    expect(
      (await post('api/call/auth.login', JSON.stringify({ username: 'x'.repeat(400_000) }))).status,
    ).toBe(413);
    expect((await post('api/call/no.such', '{}')).status).toBe(404);
  });

  it('lets a signed-in caller send a large body (firmware images) but not an anonymous one', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1_000_000), kind: 'room', parentId: null });
    const anon = await fetch(`${t.url}api/call/zone.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(anon.status).toBe(413);
    const signedIn = await fetch(`${t.url}api/call/zone.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: big,
    });
    // Read whole and validated: refused for the over-long name, not for its size.
    expect(signedIn.status).toBe(400);
    expect(((await signedIn.json()) as any).error.issues[0].path).toBe('name');
  });

  it('sends the strict CSP with pages', async () => {
    const r = await fetch(`${t.url}healthz`);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses a WebSocket from another origin', async () => {
    const probe = new WsProbe(t.url, { origin: 'https://evil.example' });
    await expect(probe.opened).rejects.toThrow(/403/);
  });

  it('speaks the frame protocol: welcome, snapshot, calls, and clear errors for garbage', async () => {
    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token: null });
    const welcome = await probe.waitFor((f) => f.t === 'welcome');
    expect(welcome).toEqual({ t: 'welcome', authenticated: false, needsSetup: false });
    probe.send({ t: 'call', id: 1, method: 'site.snapshot', params: {} });
    const denied = await probe.waitFor((f) => f.t === 'err' && f.id === 1);
    expect(denied).toMatchObject({ error: { code: 'unauthenticated' } });
    probe.send('{not json');
    probe.send({ t: 'call', id: 'x' });
    await probe.waitFor((f) => f.t === 'err' && f.id === -1 && f.error.message.includes('JSON'));
    await probe.waitFor((f) => f.t === 'err' && f.id === -1 && f.error.message.includes('protocol'));
    // An anonymous connection may not send a large frame: its socket refuses it unread (1009).
    const anon = new WsProbe(t.url);
    await anon.opened;
    const closeCode = new Promise((resolve) => anon.ws.once('close', resolve));
    anon.send({ t: 'call', id: 9, method: 'auth.status', params: { pad: 'x'.repeat(300_000) } });
    expect(await closeCode).toBe(1009);
    probe.send({ t: 'hello', token: adminToken });
    const snap = await probe.waitFor((f) => f.t === 'snapshot');
    expect(snap).toMatchObject({
      t: 'snapshot',
      data: { zones: expect.any(Array), devices: expect.any(Array) },
    });
    probe.send({
      t: 'call',
      id: 2,
      method: 'zone.create',
      params: { name: 'Loft', kind: 'room', parentId: null },
    });
    await probe.waitFor((f) => f.t === 'ok' && f.id === 2);
    // The change reaches the subscribed connection as an event.
    await probe.waitFor((f) => f.t === 'evt' && f.evt.type === 'zone' && f.evt.zone.name === 'Loft');
    probe.close();
  });
});
