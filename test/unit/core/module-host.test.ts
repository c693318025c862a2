import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../main/core/bus/event-bus.ts';
import { ConfigSchema } from '../../../main/core/config/config-schema.ts';
import { ModuleHost } from '../../../main/core/lifecycle/module-host.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';
import type { CoreModule, ModuleContext } from '../../../main/core/module.ts';

/** test modules borrow real module names; their apis are whatever the test needs */
type AnyModule = CoreModule;

function host(modules: AnyModule[]) {
  const bus = new EventBus(() => {});
  const config = ConfigSchema.parse({ dataDir: '/nonexistent' });
  const h = new ModuleHost(modules, {
    config,
    log: silentLogger(),
    bus,
    now: Date.now,
    dbFile: '/nonexistent/truss.db',
    secretsKey: () => Buffer.alloc(32),
    health: () => ({ status: 'ok', version: 't', uptimeS: 0, services: {} }),
  });
  return { h, bus };
}

function recorder() {
  const log: string[] = [];
  const mod = (
    name: string,
    opts: { failStart?: boolean; body?: (ctx: ModuleContext) => void; health?: boolean } = {},
  ): AnyModule =>
    ({
      name,
      start: async (ctx: ModuleContext) => {
        opts.body?.(ctx);
        ctx.own(() => log.push(`release ${name}`));
        if (opts.failStart) throw new Error('boom');
        log.push(`start ${name}`);
        return {
          api: { name },
          stop: async () => {
            log.push(`stop ${name}`);
          },
          ...(opts.health ? { health: () => ({ status: 'ok' as const, detail: `${name} checked` }) } : {}),
        };
      },
    }) as unknown as AnyModule;
  return { log, mod };
}

describe('ModuleHost', () => {
  it('starts in order and stops in reverse, once: each module stops, then what it owns is released', async () => {
    const { log, mod } = recorder();
    const { h } = host([mod('database'), mod('broker'), mod('adapters')]);
    await h.start();
    await Promise.all([h.stop(), h.stop()]);
    expect(log).toEqual([
      'start database',
      'start broker',
      'start adapters',
      'stop adapters',
      'release adapters',
      'stop broker',
      'release broker',
      'stop database',
      'release database',
    ]);
  });

  it('undoes a partial start when a module fails, releasing what the failed one already owned', async () => {
    const { log, mod } = recorder();
    const { h } = host([mod('database'), mod('broker', { failStart: true }), mod('adapters')]);
    await expect(h.start()).rejects.toThrow(/broker failed to start: boom/);
    expect(log).toEqual(['start database', 'release broker', 'stop database', 'release database']);
  });

  it('gives a module only the modules before it at start', async () => {
    const { mod } = recorder();
    let seen: unknown = null;
    let error: unknown = null;
    const { h } = host([
      mod('database'),
      mod('registry', {
        body: (ctx) => {
          seen = ctx.use('database');
          try {
            ctx.use('rules');
          } catch (err) {
            error = err;
          }
        },
      }),
      mod('rules'),
    ]);
    await h.start();
    expect(seen).toEqual({ name: 'database' });
    expect(String(error)).toMatch(/module "rules" is not started/);
    await h.stop();
  });

  it('releases bus subscriptions and timers at stop', async () => {
    vi.useFakeTimers();
    try {
      const { mod } = recorder();
      const heard: string[] = [];
      let ticks = 0;
      const { h, bus } = host([
        mod('registry', {
          body: (ctx) => {
            ctx.on('zone.removed', ({ zoneId }) => heard.push(zoneId));
            ctx.every(1000, 'tick', () => ticks++);
          },
        }),
      ]);
      await h.start();
      bus.emit('zone.removed', { zoneId: 'z1' });
      await vi.advanceTimersByTimeAsync(3000);
      expect(ticks).toBe(3);
      await h.stop();
      bus.emit('zone.removed', { zoneId: 'z2' });
      await vi.advanceTimersByTimeAsync(3000);
      expect(heard).toEqual(['z1']);
      expect(ticks).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses two modules answering the same API method, and two modules with one name', async () => {
    const withHandler = (name: string): AnyModule =>
      ({
        name,
        start: async () => ({ api: null, handlers: { 'auth.me': async () => ({}) } }),
      }) as unknown as AnyModule;
    const { h } = host([withHandler('auth'), withHandler('audit')]);
    await h.start();
    expect(() => h.handlers()).toThrow(/auth\.me is answered by both auth and audit/);
    await h.stop();
    const { mod } = recorder();
    expect(() => host([mod('auth'), mod('auth')])).toThrow(/two modules are named "auth"/);
  });

  it('lists only health that something checked, and reports a throwing check as down', async () => {
    const { mod } = recorder();
    const throwing = {
      name: 'broker',
      start: async () => ({
        api: null,
        health: () => {
          throw new Error('listener gone');
        },
      }),
    } as unknown as AnyModule;
    const { h } = host([mod('database'), mod('history', { health: true }), throwing]);
    await h.start();
    expect(h.health()).toEqual({
      history: { status: 'ok', detail: 'history checked' },
      broker: { status: 'down', detail: 'health check failed: listener gone' },
    });
    await h.stop();
  });
});

describe('ModuleHost scheduled work', () => {
  it('shows failing scheduled work in health until a run succeeds', async () => {
    vi.useFakeTimers();
    try {
      const { mod } = recorder();
      let fail = true;
      const { h } = host([
        mod('rules', {
          body: (ctx) =>
            ctx.every(1000, 'trace retention', () => {
              if (fail) throw new Error('disk full');
            }),
        }),
      ]);
      await h.start();
      expect(h.health()).toEqual({});
      await vi.advanceTimersByTimeAsync(1000);
      expect(h.health()).toEqual({
        rules: { status: 'degraded', detail: 'trace retention failing: disk full' },
      });
      fail = false;
      await vi.advanceTimersByTimeAsync(1000);
      expect(h.health()).toEqual({});
      await h.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
