import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestTruss, type TestTruss } from '../support/truss-harness.ts';

/**
 * The probe's attacks on the HTTP/WebSocket API (issue 14 §5), replayed against the running
 * headless server: DNS rebinding (a foreign Host/Origin), first-run setup without the console's
 * one-time code, malformed percent-encoding, and a password guesser locking the owner out.
 */
let t: TestTruss;
let port: number;

beforeAll(async () => {
  t = await startTestTruss();
  port = Number(new URL(t.url).port);
});
afterAll(async () => {
  await t?.stop();
});

/** A raw HTTP request, so Host/Origin/paths go out exactly as an attacker writes them. */
function raw(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        headers: { 'content-type': 'application/json', ...opts.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (a static page)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function wsOutcome(headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('DNS rebinding: only configured host names are answered', () => {
  it('refuses a rebound host name on every route, before setup can be reached', async () => {
    const rebound = { Host: `attacker.example:${port}` };
    for (const path of ['/api/call/auth.status', '/api/call/auth.setup']) {
      const r = await raw({
        path,
        headers: rebound,
        body: { username: 'mallory', password: 'x'.repeat(12) },
      });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/allowedHosts/);
    }
    expect((await raw({ method: 'GET', path: '/healthz', headers: rebound })).status).toBe(403);
    expect((await raw({ method: 'GET', path: '/', headers: rebound })).status).toBe(403);
    expect(await wsOutcome(rebound)).toBe(403);
    // nothing was created
    expect((await t.call('auth.status')).body.result).toEqual({ needsSetup: true });
  });

  it('answers the loopback names and addresses, with or without a port', async () => {
    for (const host of [
      'localhost',
      `localhost:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
    ]) {
      const r = await raw({ path: '/api/call/auth.status', headers: { Host: host }, body: {} });
      expect(r.status, host).toBe(200);
    }
    expect(await wsOutcome({ Host: `localhost:${port}` })).toBe('open');
  });

  it('refuses a foreign Origin on HTTP calls and on the WebSocket', async () => {
    const evil = { Origin: 'http://attacker.example' };
    expect((await raw({ path: '/api/call/auth.status', headers: evil, body: {} })).status).toBe(403);
    expect(await wsOutcome(evil)).toBe(403);
    expect((await raw({ path: '/api/call/auth.status', headers: { Origin: 'null' }, body: {} })).status).toBe(
      403,
    );
    const own = { Origin: `http://127.0.0.1:${port}` };
    expect((await raw({ path: '/api/call/auth.status', headers: own, body: {} })).status).toBe(200);
  });
});

describe('first-run setup needs the one-time console code', () => {
  it('refuses setup without the code or with a wrong one, then throttles guessing', async () => {
    const creds = { username: 'mallory', password: 'a long enough password' };
    const none = await raw({ path: '/api/call/auth.setup', body: creds });
    expect(none.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await raw({ path: '/api/call/auth.setup', body: { ...creds, code: `WRNG-CODE-000${i}` } })).status,
      );
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(statuses[5]).toBe(429);
    expect((await t.call('auth.status')).body.result).toEqual({ needsSetup: true });
  });

  it('accepts the right code once (from another address), and the code is spent', async () => {
    const code = t.truss.core.use('auth').setupCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const ok = await raw({
      path: '/api/call/auth.setup',
      localAddress: '127.0.0.2',
      body: { username: 'owner', password: 'the owner password', code: code!.toLowerCase() },
    });
    expect(ok.status).toBe(200);
    expect(t.truss.core.use('auth').setupCode()).toBeNull();
  });
});

describe('input that used to reach a 500', () => {
  it('answers 400 to malformed percent-encoding in any URL', async () => {
    for (const path of ['/api/call/%E0%A4%A', '/api/call/auth.status%', '/%zz', '/assets/%C0']) {
      const api = path.startsWith('/api');
      const r = await raw({ method: api ? 'POST' : 'GET', path, ...(api ? { body: {} } : {}) });
      expect(r.status, path).toBe(400);
      expect(r.body.error.message).toMatch(/percent-encoding/);
    }
  });
});

describe('login throttle per source address first', () => {
  it('a guesser from one address does not lock the owner out from another', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 7; i++)
      guesses.push(
        (
          await raw({
            path: '/api/call/auth.login',
            localAddress: '127.0.0.3',
            body: { username: 'owner', password: `guess number ${i}` },
          })
        ).status,
      );
    expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(guesses.slice(5)).toEqual([429, 429]);
    const owner = await raw({
      path: '/api/call/auth.login',
      localAddress: '127.0.0.4',
      body: { username: 'owner', password: 'the owner password' },
    });
    expect(owner.status).toBe(200);
    // the guesser, trying other names, is stopped by its per-source budget too
    const spray: number[] = [];
    for (let i = 0; i < 20; i++)
      spray.push(
        (
          await raw({
            path: '/api/call/auth.login',
            localAddress: '127.0.0.3',
            body: { username: `user${i}`, password: 'guess' },
          })
        ).status,
      );
    expect(spray).toContain(429);
  });
});

describe('hostile JSON and names', () => {
  let token: string;
  beforeAll(async () => {
    const r = await raw({
      path: '/api/call/auth.login',
      localAddress: '127.0.0.5',
      body: { username: 'owner', password: 'the owner password' },
    });
    token = r.body.result.token;
  });

  /** the probe's rule: a `not` condition nested ~1,220 levels deep */
  function deepRule(levels: number) {
    let condition: unknown = { type: 'time', after: '08:00', before: '18:00' };
    for (let i = 0; i < levels; i++) condition = { type: 'not', condition };
    return {
      id: 'deep',
      name: 'Deep',
      triggers: [{ type: 'time', at: '08:00' }],
      conditions: [condition],
      actions: [{ type: 'delay', seconds: 1 }],
    };
  }

  it('answers 400, not 500, to a rule nested 1,220 levels deep in rules.replay (HTTP)', async () => {
    const r = await raw({
      path: '/api/call/rules.replay',
      headers: { authorization: `Bearer ${token}` },
      body: { rule: deepRule(1220), from: 0, to: 3_600_000 },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/deeper than 64/);
  });

  it('refuses the same frame over the WebSocket and keeps the connection usable', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ t: 'hello', token }));
    ws.send(
      JSON.stringify({
        t: 'call',
        id: 7,
        method: 'rules.replay',
        params: { rule: deepRule(1220), from: 0, to: 3_600_000 },
      }),
    );
    ws.send(JSON.stringify({ t: 'call', id: 8, method: 'auth.me', params: {} }));
    const t0 = Date.now();
    while (!frames.some((f) => f.t === 'ok' && f.id === 8) && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 20));
    const refusal = frames.find((f) => f.t === 'err');
    expect(refusal.error).toMatchObject({ code: 'bad_request' });
    expect(refusal.error.message).toMatch(/deeper than 64/);
    expect(frames.find((f) => f.t === 'ok' && f.id === 8).result.username).toBe('owner');
    ws.close();
  });

  it('refuses names with NUL, bidi overrides or lone surrogates, with the reason', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const bad: Array<[string, RegExp]> = [
      ['Kitchen\u0000', /control character \(U\+0000\)/],
      ['Kitchen \u202egnp.exe', /bidirectional control \(U\+202E\)/],
      ['Kitchen \u2067x', /bidirectional control \(U\+2067\)/],
      ['Kitchen \ud800', /lone surrogate \(U\+D800\)/],
    ];
    for (const [name, reason] of bad) {
      // JSON.stringify escapes a lone surrogate as \ud800: it arrives as one, as the probe sent it
      const zone = await raw({
        path: '/api/call/zone.create',
        headers: auth,
        body: { name, kind: 'room', parentId: null },
      });
      expect(zone.status, JSON.stringify(name)).toBe(400);
      expect(zone.body.error.issues[0].message).toMatch(reason);
    }
    const ok = await raw({
      path: '/api/call/zone.create',
      headers: auth,
      body: { name: 'Küche 2 (北) 🌡', kind: 'room', parentId: null },
    });
    expect(ok.status).toBe(200);
  });
});

describe('pre-auth WebSocket frames stay small', () => {
  function client(): Promise<{ ws: WebSocket; frames: any[]; closed: Promise<number> }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return new Promise((resolve) => ws.once('open', () => resolve({ ws, frames, closed })));
  }
  const big = (bytes: number) =>
    JSON.stringify({ t: 'call', id: 1, method: 'auth.status', params: { pad: 'x'.repeat(bytes) } });

  it('an anonymous 1 MB frame is refused by the socket (1009) before it is buffered', async () => {
    const { ws, closed } = await client();
    ws.send(big(1024 * 1024));
    expect(await closed).toBe(1009);
  });

  it('after a valid hello the signed-in cap applies; an anonymous hello drops it again', async () => {
    const login = await raw({
      path: '/api/call/auth.login',
      localAddress: '127.0.0.6',
      body: { username: 'owner', password: 'the owner password' },
    });
    const { ws, frames, closed } = await client();
    ws.send(JSON.stringify({ t: 'hello', token: login.body.result.token }));
    const t0 = Date.now();
    while (!frames.some((f) => f.t === 'snapshot') && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 20));
    ws.send(big(1024 * 1024));
    while (!frames.some((f) => f.t === 'err' && f.id === 1) && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 20));
    // answered (params refused), not disconnected
    expect(frames.find((f) => f.t === 'err' && f.id === 1).error.code).toBe('bad_request');
    ws.send(JSON.stringify({ t: 'hello', token: null }));
    await new Promise((r) => setTimeout(r, 100));
    ws.send(big(1024 * 1024));
    expect(await closed).toBe(1009);
  });
});

describe('the audit log under a flood of anonymous refusals', () => {
  it('1,200 refused calls from one source write a handful of rows, and a summary with the count', async () => {
    const audit = t.truss.core.use('audit');
    const before = (await audit.list(1000)).length;
    await Promise.all(
      Array.from({ length: 1200 }, () =>
        raw({ path: '/api/call/site.snapshot', localAddress: '127.0.0.9', body: {} }),
      ),
    );
    expect((await audit.list(1000)).length - before).toBeLessThanOrEqual(2);
    await audit.flushRefusals(true);
    const rows = (await audit.list(1000)).filter((a) => (a.detail ?? '').includes('127.0.0.9'));
    expect(rows.some((r) => r.action === 'site.snapshot' && r.outcome === 'denied')).toBe(true);
    const summary = rows.find((r) => r.action === 'refusals.aggregated');
    expect(summary?.detail).toMatch(/^1199 more refusals from 127\.0\.0\.9/);
  });

  it('keeps the audit log within its disk budget, newest entries first', async () => {
    const { AuditLog, AUDIT_ROW_BYTES } = await import('../../../main/core/auth/audit-log.ts');
    const db = t.truss.core.use('database');
    let clock = Date.now();
    // one entry per millisecond, so "newest" is well defined
    const small = new AuditLog(db, () => ++clock, {
      budgetBytes: 1000 * AUDIT_ROW_BYTES,
      maxAgeMs: 3600_000,
    });
    for (let i = 0; i < 1100; i++)
      await small.record({
        actor: 'x',
        role: 'admin',
        action: 'probe',
        target: `n=${i}`,
        outcome: 'ok',
        detail: null,
      });
    await small.prune();
    expect(await db.audit.count().exec()).toBe(1000);
    const newest = await small.list(1);
    expect(newest[0]?.target).toBe('n=1099');
  });
});
