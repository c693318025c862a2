import { describe, expect, it } from 'vitest';
import { RuleEngine } from '../../../main/core/rules/engine.ts';
import { off, on, rig } from './harness.ts';

const trig = [{ type: 'button' as const, entityId: 'btn' }];
const slow = [
  { type: 'command' as const, entityId: 'light', command: on },
  { type: 'delay' as const, seconds: 10 },
  { type: 'command' as const, entityId: 'light', command: off },
];

async function pressThrice(r: ReturnType<typeof rig>) {
  for (let i = 0; i < 3; i++) {
    r.set('btn', 'single');
    await r.clock.advance(1000);
  }
  await r.clock.advance(60_000);
}

describe('run modes', () => {
  it('single: a trigger while running is dropped and traced', async () => {
    const r = rig();
    r.rule({ id: 'm', name: 'm', triggers: trig, actions: slow, mode: { type: 'single' } });
    r.engine.start();
    await pressThrice(r);
    expect(r.commands.map((c) => c.command.type)).toEqual(['turn_on', 'turn_off']);
    expect(r.traces.map((t) => t.result).sort()).toEqual(['ran', 'skipped_running', 'skipped_running']);
  });

  it('restart: the running one is aborted, the last one completes', async () => {
    const r = rig();
    r.rule({ id: 'm', name: 'm', triggers: trig, actions: slow, mode: { type: 'restart' } });
    r.engine.start();
    await pressThrice(r);
    expect(r.commands.map((c) => c.command.type)).toEqual(['turn_on', 'turn_on', 'turn_on', 'turn_off']);
    expect(r.traces.map((t) => t.result)).toEqual(['aborted', 'aborted', 'ran']);
  });

  it('queued: runs one after another, at most `max` waiting', async () => {
    const r = rig();
    r.rule({ id: 'm', name: 'm', triggers: trig, actions: slow, mode: { type: 'queued', max: 1 } });
    r.engine.start();
    const t0 = r.clock.now();
    await pressThrice(r);
    expect(r.commands.map((c) => [c.at - t0, c.command.type])).toEqual([
      [0, 'turn_on'],
      [10_000, 'turn_off'],
      [10_000, 'turn_on'],
      [20_000, 'turn_off'],
    ]);
    expect(r.traces.map((t) => t.result)).toEqual(['queue_full', 'ran', 'ran']);
  });

  it('parallel: side by side up to `max`', async () => {
    const r = rig();
    r.rule({ id: 'm', name: 'm', triggers: trig, actions: slow, mode: { type: 'parallel', max: 2 } });
    r.engine.start();
    await pressThrice(r);
    expect(r.commands.filter((c) => c.command.type === 'turn_on')).toHaveLength(2);
    expect(r.traces.map((t) => t.result)).toEqual(['queue_full', 'ran', 'ran']);
  });
});

describe('safety', () => {
  it('a rule whose action re-triggers itself is stopped and flagged', async () => {
    const r = rig();
    r.set('light', false);
    // toggles the light whenever the light changes: a classic loop
    r.rule({
      id: 'loop',
      name: 'loop',
      triggers: [{ type: 'state', entityId: 'light' }],
      actions: [{ type: 'command', entityId: 'light', command: { type: 'toggle' } }],
      rateLimit: { maxRuns: 1000, perS: 60 },
    });
    r.engine.start();
    const deviceEcho = r.deps.execute;
    // the device reports back what it was told 100 ms later, as a real one does
    r.deps.execute = async (id, cmd) => {
      await deviceEcho(id, cmd);
      r.clock.setTimer(() => r.set(id, !(r.states.get(id)?.value === true)), 100);
    };
    r.set('light', true);
    await r.clock.advance(5_000);
    const runs = r.commands.length;
    expect(runs).toBeGreaterThan(5);
    expect(runs).toBeLessThanOrEqual(12);
    const status = r.engine.status('loop')!;
    expect(status.health).toBe('loop_stopped');
    expect(r.traces.at(-1)!.result).toBe('loop_stopped');
    await r.clock.advance(60_000);
    expect(r.commands.length).toBe(runs);
    // Saving it again (an installer looked at it) clears the flag.
    r.engine.setEnabled('loop', true);
    expect(r.engine.status('loop')!.health).toBe('ok');
  });

  it('flapping input: "for" suppresses it, the rate limit bounds it', async () => {
    const r = rig();
    r.set('pir', false);
    r.rule({
      id: 'calm',
      name: 'calm',
      triggers: [{ type: 'state', entityId: 'pir', to: true, forS: 30 }],
      actions: [{ type: 'command', entityId: 'a', command: on }],
    });
    r.rule({
      id: 'busy',
      name: 'busy',
      triggers: [{ type: 'state', entityId: 'pir', to: true }],
      actions: [{ type: 'command', entityId: 'b', command: on }],
      rateLimit: { maxRuns: 3, perS: 60 },
      mode: { type: 'parallel', max: 10 },
    });
    r.engine.start();
    for (let i = 0; i < 40; i++) {
      r.set('pir', i % 2 === 0);
      await r.clock.advance(5_000);
    }
    expect(r.commands.filter((c) => c.entityId === 'a')).toHaveLength(0);
    const b = r.commands.filter((c) => c.entityId === 'b');
    // 20 "true" edges over 200 s; at most 3 per 60 s window
    expect(b.length).toBeLessThanOrEqual(12);
    expect(b.length).toBeGreaterThanOrEqual(9);
    const limited = r.traces.filter((t) => t.ruleId === 'busy' && t.result === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBeLessThanOrEqual(4); // one per burst, not one per dropped run
  });

  it('two rules writing different commands to one entity in the same instant are reported', async () => {
    const r = rig();
    r.rule({
      id: 'on',
      name: 'on',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: [{ type: 'command', entityId: 'light', command: on }],
    });
    r.rule({
      id: 'off',
      name: 'off',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: [{ type: 'command', entityId: 'light', command: off }],
    });
    r.engine.start();
    r.set('occ', true);
    await r.settle();
    const withConflict = r.traces.filter((t) => t.conflicts.length > 0);
    expect(withConflict).toHaveLength(1);
    expect(withConflict[0]!.conflicts[0]).toMatchObject({ entityId: 'light', otherRuleId: 'on' });
  });

  it('a rule that refers to a removed entity is flagged', () => {
    const r = rig();
    r.known.add('occ');
    r.rule({
      id: 'f',
      name: 'f',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: [{ type: 'command', entityId: 'gone', command: on }],
    });
    expect(r.engine.status('f')).toMatchObject({
      health: 'missing_entities',
      problems: ['entity gone no longer exists'],
    });
  });

  for (const policy of ['resume', 'drop'] as const) {
    it(`a delay pending across a restart is ${policy === 'resume' ? 'resumed' : 'dropped and traced'}`, async () => {
      const r = rig();
      const rule = r.rule({
        id: 'p',
        name: 'p',
        onRestart: policy,
        triggers: [{ type: 'state', entityId: 'occ', to: true }],
        actions: [
          { type: 'command', entityId: 'light', command: on },
          { type: 'delay', seconds: 600 },
          { type: 'command', entityId: 'light', command: off },
        ],
      });
      r.engine.start();
      r.set('occ', true);
      await r.clock.advance(60_000);
      r.engine.stop(); // the process goes down
      expect(r.pendingRows.size).toBe(1);
      await r.clock.advance(120_000);
      const engine2 = new RuleEngine(r.deps);
      engine2.setRules([rule]);
      engine2.start();
      await r.clock.advance(600_000);
      const offs = r.commands.filter((c) => c.command.type === 'turn_off');
      if (policy === 'resume') {
        expect(offs).toHaveLength(1);
        // due 600 s after the delay began, restart or not
        expect(offs[0]!.at - r.commands[0]!.at).toBe(600_000);
      } else {
        expect(offs).toHaveLength(0);
        expect(r.traces.at(-1)!.result).toBe('dropped_on_restart');
      }
      expect(r.pendingRows.size).toBe(0);
      engine2.stop();
    });
  }
});
