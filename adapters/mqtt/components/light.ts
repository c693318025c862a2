import { z } from 'zod';
import type { StateValue } from '../../../shared/domain/entity.ts';
import { compileValueTemplate } from '../template.ts';
import {
  CommandRejected,
  type ComponentMapper,
  type EntityModel,
  type OutgoingMessage,
  PayloadOption,
  samePayload,
} from './model.ts';

const Scale = z.number().int().min(1).max(65535).default(255);

const DefaultLight = z.object({
  schema: z.literal('default').optional(),
  command_topic: z.string().min(1),
  state_topic: z.string().min(1).optional(),
  state_value_template: z.string().max(1024).optional(),
  payload_on: PayloadOption.default('ON'),
  payload_off: PayloadOption.default('OFF'),
  brightness_command_topic: z.string().min(1).optional(),
  brightness_state_topic: z.string().min(1).optional(),
  brightness_value_template: z.string().max(1024).optional(),
  brightness_scale: Scale,
});

const JsonLight = z.object({
  schema: z.literal('json'),
  command_topic: z.string().min(1),
  state_topic: z.string().min(1).optional(),
  brightness: z.boolean().default(false),
  brightness_scale: Scale,
});

interface LightValue {
  on: boolean | null;
  level?: number | null;
}

function previous(prev: StateValue | undefined): LightValue {
  if (prev && typeof prev === 'object') {
    const on = typeof prev.on === 'boolean' ? prev.on : null;
    const level = typeof prev.level === 'number' ? prev.level : null;
    return { on, level };
  }
  return { on: null, level: null };
}

const toLevel = (raw: number, scale: number): number => {
  if (!Number.isFinite(raw) || raw < 0 || raw > scale)
    throw new Error(`brightness ${raw} outside 0-${scale}`);
  return Math.round((raw / scale) * 100);
};
const fromLevel = (level: number, scale: number): number => Math.round((level / 100) * scale);

function value(v: LightValue, dimmable: boolean): StateValue {
  return dimmable ? { on: v.on, level: v.level ?? null } : { on: v.on };
}

function targetOn(cmd: { type: string }, current: StateValue | undefined): boolean {
  if (cmd.type === 'turn_on') return true;
  if (cmd.type === 'turn_off') return false;
  const on = previous(current).on;
  if (on === null) throw new CommandRejected('cannot toggle a light whose state is unknown');
  return !on;
}

function buildDefault(config: Record<string, unknown>, name: string): EntityModel {
  const c = DefaultLight.parse(config);
  const dimmable = Boolean(c.brightness_command_topic);
  const stateTpl = compileValueTemplate(c.state_value_template);
  const briTpl = compileValueTemplate(c.brightness_value_template);
  const bindings: EntityModel['stateBindings'] = [];
  if (c.state_topic) {
    bindings.push({
      topic: c.state_topic,
      update(payload, prev) {
        const v = String(stateTpl(payload));
        const p = previous(prev);
        if (samePayload(v, c.payload_on)) return value({ ...p, on: true }, dimmable);
        if (samePayload(v, c.payload_off)) return value({ ...p, on: false }, dimmable);
        throw new Error(`payload ${JSON.stringify(v.slice(0, 40))} is neither payload_on nor payload_off`);
      },
    });
  }
  if (c.brightness_state_topic) {
    bindings.push({
      topic: c.brightness_state_topic,
      update(payload, prev) {
        const level = toLevel(Number(briTpl(payload)), c.brightness_scale);
        return value({ ...previous(prev), level }, true);
      },
    });
  }
  return {
    announcement: {
      name,
      kind: 'light',
      deviceClass: null,
      unit: null,
      writable: true,
      attributes: { dimmable },
    },
    stateBindings: bindings,
    commandTopics: [c.command_topic, ...(c.brightness_command_topic ? [c.brightness_command_topic] : [])],
    command(cmd, current): OutgoingMessage[] {
      if (cmd.type === 'set_level') {
        if (!c.brightness_command_topic) throw new CommandRejected('this light is not dimmable');
        if (cmd.level === 0) return [{ topic: c.command_topic, payload: c.payload_off }];
        return [
          { topic: c.brightness_command_topic, payload: String(fromLevel(cmd.level, c.brightness_scale)) },
        ];
      }
      if (cmd.type === 'turn_on' || cmd.type === 'turn_off' || cmd.type === 'toggle') {
        return [{ topic: c.command_topic, payload: targetOn(cmd, current) ? c.payload_on : c.payload_off }];
      }
      throw new CommandRejected(`a light cannot take ${cmd.type}`);
    },
  };
}

const JsonState = z.object({
  state: z.enum(['ON', 'OFF']).optional(),
  brightness: z.number().nullish(),
});

function buildJson(config: Record<string, unknown>, name: string): EntityModel {
  const c = JsonLight.parse(config);
  const dimmable = c.brightness;
  return {
    announcement: {
      name,
      kind: 'light',
      deviceClass: null,
      unit: null,
      writable: true,
      attributes: { dimmable },
    },
    stateBindings: c.state_topic
      ? [
          {
            topic: c.state_topic,
            update(payload, prev) {
              const s = JsonState.parse(JSON.parse(payload));
              const p = previous(prev);
              const on = s.state === undefined ? p.on : s.state === 'ON';
              const level =
                dimmable && typeof s.brightness === 'number'
                  ? toLevel(s.brightness, c.brightness_scale)
                  : p.level;
              return value({ on, level }, dimmable);
            },
          },
        ]
      : [],
    commandTopics: [c.command_topic],
    command(cmd, current) {
      if (cmd.type === 'set_level') {
        if (!dimmable) throw new CommandRejected('this light is not dimmable');
        const body =
          cmd.level === 0
            ? { state: 'OFF' }
            : { state: 'ON', brightness: fromLevel(cmd.level, c.brightness_scale) };
        return [{ topic: c.command_topic, payload: JSON.stringify(body) }];
      }
      if (cmd.type === 'turn_on' || cmd.type === 'turn_off' || cmd.type === 'toggle') {
        return [
          {
            topic: c.command_topic,
            payload: JSON.stringify({ state: targetOn(cmd, current) ? 'ON' : 'OFF' }),
          },
        ];
      }
      throw new CommandRejected(`a light cannot take ${cmd.type}`);
    },
  };
}

export const lightMapper: ComponentMapper = {
  component: 'light',
  build(config, name) {
    return config.schema === 'json' ? buildJson(config, name) : buildDefault(config, name);
  },
};
