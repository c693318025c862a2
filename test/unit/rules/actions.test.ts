import { describe, expect, it } from 'vitest';
import { Scene } from '../../../shared/rules/scene.ts';
import { off, on, rig } from './harness.ts';

const trig = [{ type: 'state' as const, entityId: 'go', to: true }];

describe('actions', () => {
  it('command, delay, command: timing in the trace', async () => {
    const r = rig();
    r.rule({
      id: 'a',
      name: 'a',
      triggers: trig,
      actions: [
        { type: 'command', entityId: 'light', command: on },
        { type: 'delay', seconds: 300 },
        { type: 'command', entityId: 'light', command: off },
      ],
    });
    r.engine.start();
    const t0 = r.clock.now();
    r.set('go', true);
    await r.clock.advance(600_000);
    expect(r.commands.map((c) => [c.at - t0, c.command.type])).toEqual([
      [0, 'turn_on'],
      [300_000, 'turn_off'],
    ]);
    const trace = r.traces[0]!;
    expect(trace.result).toBe('ran');
    expect(trace.steps.map((s) => [s.type, s.outcome, s.durationMs])).toEqual([
      ['command', 'ok', 0],
      ['delay', 'ok', 300_000],
      ['command', 'ok', 0],
    ]);
  });

  it('a command to an unavailable device is a failure in the trace, and the run goes on', async () => {
    const r = rig({ offline: ['dead'] });
    r.rule({
      id: 'a',
      name: 'a',
      triggers: trig,
      actions: [
        { type: 'command', entityId: 'dead', command: on },
        { type: 'command', entityId: 'light', command: on },
      ],
    });
    r.engine.start();
    r.set('go', true);
    await r.settle();
    const t = r.traces[0]!;
    expect(t.result).toBe('failed');
    expect(t.steps[0]).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/offline/) });
    expect(t.steps[1]).toMatchObject({ outcome: 'ok' });
    expect(r.commands).toHaveLength(1);
  });

  it('scene: per-entity transitions ramp a light, switches go at once', async () => {
    const r = rig();
    r.set('lamp', { on: true, level: 0 });
    r.engine.setScenes([
      Scene.parse({
        id: 'evening',
        name: 'Evening',
        entries: [
          { entityId: 'lamp', command: { type: 'set_level', level: 100 }, transitionS: 4 },
          { entityId: 'plug', command: off },
        ],
      }),
    ]);
    r.rule({ id: 'a', name: 'a', triggers: trig, actions: [{ type: 'scene', sceneId: 'evening' }] });
    r.engine.start();
    const t0 = r.clock.now();
    r.set('go', true);
    await r.clock.advance(10_000);
    expect(r.commands.map((c) => [c.at - t0, c.entityId, c.command])).toEqual([
      [0, 'plug', off],
      [1000, 'lamp', { type: 'set_level', level: 25 }],
      [2000, 'lamp', { type: 'set_level', level: 50 }],
      [3000, 'lamp', { type: 'set_level', level: 75 }],
      [4000, 'lamp', { type: 'set_level', level: 100 }],
    ]);
    expect(r.traces[0]!.result).toBe('ran');
  });

  it('wait_for_trigger: continues when the trigger comes, ends (or goes on) on timeout', async () => {
    const r = rig();
    r.set('door', false);
    r.rule({
      id: 'w',
      name: 'w',
      triggers: trig,
      mode: { type: 'parallel', max: 5 },
      actions: [
        { type: 'wait_for_trigger', trigger: { type: 'state', entityId: 'door', to: true }, timeoutS: 60 },
        { type: 'command', entityId: 'light', command: on },
      ],
    });
    r.rule({
      id: 'w2',
      name: 'w2',
      triggers: [{ type: 'state', entityId: 'go2', to: true }],
      actions: [
        {
          type: 'wait_for_trigger',
          trigger: { type: 'state', entityId: 'door', to: true },
          timeoutS: 60,
          continueOnTimeout: true,
        },
        { type: 'command', entityId: 'siren', command: on },
      ],
    });
    r.engine.start();
    r.set('go', true);
    await r.clock.advance(30_000);
    r.set('door', true);
    await r.settle();
    expect(r.commands.map((c) => c.entityId)).toEqual(['light']);
    r.set('door', false);
    r.set('go', false);
    r.set('go', true);
    r.set('go2', true);
    await r.clock.advance(61_000);
    // w timed out and ended; w2 timed out and went on
    expect(r.commands.map((c) => c.entityId)).toEqual(['light', 'siren']);
    const w = r.traces.filter((t) => t.ruleId === 'w');
    expect(w[1]!.steps[0]).toMatchObject({ type: 'wait_for_trigger', outcome: 'timeout' });
    expect(w[1]!.steps).toHaveLength(1);
  });

  it('notify, set_variable (read by a condition), enable/disable another rule', async () => {
    const r = rig();
    r.rule({
      id: 'away',
      name: 'away',
      triggers: trig,
      actions: [
        { type: 'set_variable', name: 'mode', value: 'away' },
        { type: 'notify', message: 'Building set to away', level: 'info' },
        { type: 'set_rule_enabled', ruleId: 'lights', enabled: false },
      ],
    });
    r.rule({
      id: 'lights',
      name: 'lights',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: [{ type: 'command', entityId: 'light', command: on }],
    });
    r.rule({
      id: 'alarm',
      name: 'alarm',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      conditions: [{ type: 'variable', name: 'mode', equals: 'away' }],
      actions: [{ type: 'command', entityId: 'siren', command: on }],
    });
    r.engine.start();
    r.set('go', true);
    await r.settle();
    expect(r.engine.variables()).toEqual({ mode: 'away' });
    expect(r.notes).toEqual([expect.objectContaining({ message: 'Building set to away' })]);
    expect(r.engine.rule('lights')!.enabled).toBe(false);
    r.set('occ', true);
    await r.settle();
    expect(r.commands.map((c) => c.entityId)).toEqual(['siren']);
    // Enabling a rule that does not exist is a failed step, not a crash.
    r.rule({
      id: 'bad',
      name: 'bad',
      triggers: [{ type: 'state', entityId: 'x', to: 1 }],
      actions: [{ type: 'set_rule_enabled', ruleId: 'nope', enabled: true }],
    });
    r.set('x', 1);
    await r.settle();
    expect(r.traces.at(-1)).toMatchObject({ ruleId: 'bad', result: 'failed' });
  });
});
