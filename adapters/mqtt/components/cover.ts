import { z } from 'zod';
import type { StateValue } from '../../../shared/domain/entity.ts';
import { compileValueTemplate } from '../template.ts';
import { CommandRejected, type ComponentMapper, type OutgoingMessage, PayloadOption } from './model.ts';

/**
 * HA's MQTT cover (https://www.home-assistant.io/integrations/cover.mqtt/, defaults as in
 * homeassistant/components/mqtt/cover.py): OPEN/CLOSE on command_topic, state open/opening/closed/
 * closing/stopped on state_topic, position on position_topic between position_closed and
 * position_open, set_position_topic for a position command. The entity's value is the position
 * 0-100 (100 = open); a cover without a position topic reports 100 when open and 0 when closed.
 */
const Position = z.number().int().min(-1_000_000).max(1_000_000);

const CoverConfig = z
  .object({
    command_topic: z.string().min(1).optional(),
    state_topic: z.string().min(1).optional(),
    value_template: z.string().max(1024).optional(),
    position_topic: z.string().min(1).optional(),
    position_template: z.string().max(1024).optional(),
    set_position_topic: z.string().min(1).optional(),
    set_position_template: z.string().max(1024).optional(),
    payload_open: PayloadOption.nullable().default('OPEN'),
    payload_close: PayloadOption.nullable().default('CLOSE'),
    payload_stop: PayloadOption.nullable().default('STOP'),
    state_open: PayloadOption.default('open'),
    state_opening: PayloadOption.default('opening'),
    state_closed: PayloadOption.default('closed'),
    state_closing: PayloadOption.default('closing'),
    state_stopped: PayloadOption.default('stopped'),
    position_open: Position.default(100),
    position_closed: Position.default(0),
    device_class: z.string().max(64).nullish(),
  })
  .refine((c) => c.position_open !== c.position_closed, {
    message: 'position_open and position_closed must differ',
  })
  .refine((c) => c.command_topic || c.set_position_topic || c.state_topic || c.position_topic, {
    message: 'a cover needs a command, state or position topic',
  });

const prevPosition = (prev: StateValue | undefined): number | null =>
  typeof prev === 'number' ? prev : null;

export const coverMapper: ComponentMapper = {
  component: 'cover',
  build(config, name) {
    const c = CoverConfig.parse(config);
    const stateTpl = compileValueTemplate(c.value_template);
    const posTpl = compileValueTemplate(c.position_template);
    const span = c.position_open - c.position_closed;
    const toPercent = (raw: number): number => {
      const pct = ((raw - c.position_closed) / span) * 100;
      if (!Number.isFinite(pct) || pct < -0.5 || pct > 100.5)
        throw new Error(`position ${raw} outside ${c.position_closed}-${c.position_open}`);
      return Math.round(Math.min(100, Math.max(0, pct)));
    };
    const bindings = [];
    if (c.state_topic) {
      bindings.push({
        topic: c.state_topic,
        update(payload: string, prev: StateValue | undefined): StateValue {
          const v = String(stateTpl(payload)).trim();
          if (v === c.state_open) return c.position_topic ? prevPosition(prev) : 100;
          if (v === c.state_closed) return c.position_topic ? prevPosition(prev) : 0;
          if ([c.state_opening, c.state_closing, c.state_stopped].includes(v)) return prevPosition(prev);
          // HA also accepts a position on the state topic when there is no position topic
          const n = Number(v);
          if (!c.position_topic && v !== '' && Number.isFinite(n)) return toPercent(n);
          throw new Error(
            `cover state ${JSON.stringify(v.slice(0, 40))} is not one of the configured states`,
          );
        },
      });
    }
    if (c.position_topic) {
      bindings.push({
        topic: c.position_topic,
        update(payload: string): StateValue {
          const v = String(posTpl(payload)).trim();
          const n = Number(v);
          if (v === '' || !Number.isFinite(n))
            throw new Error(`cover position ${JSON.stringify(v.slice(0, 40))} is not a number`);
          return toPercent(n);
        },
      });
    }
    const send = (payload: string | null, what: string): OutgoingMessage[] => {
      if (!c.command_topic || payload === null)
        throw new CommandRejected(`this cover takes no ${what} command`);
      return [{ topic: c.command_topic, payload }];
    };
    return {
      announcement: {
        name,
        kind: 'cover',
        deviceClass: c.device_class ?? null,
        unit: '%',
        writable: Boolean(c.command_topic || c.set_position_topic),
        attributes: { min: 0, max: 100, step: 1 },
      },
      stateBindings: bindings,
      commandTopics: [c.command_topic, c.set_position_topic].filter((t): t is string => Boolean(t)),
      command(cmd, current) {
        switch (cmd.type) {
          case 'turn_on':
            return send(c.payload_open, 'open');
          case 'turn_off':
            return send(c.payload_close, 'close');
          case 'toggle': {
            const pos = prevPosition(current);
            if (pos === null) throw new CommandRejected('cannot toggle a cover whose position is unknown');
            return pos > 0 ? send(c.payload_close, 'close') : send(c.payload_open, 'open');
          }
          case 'set_level': {
            if (!c.set_position_topic) throw new CommandRejected('this cover takes no position command');
            // set_position_template renders with HA's `position` variable, which Truss does not offer
            if (c.set_position_template)
              throw new CommandRejected(
                'this cover needs set_position_template, which Truss does not render',
              );
            const raw = Math.round(c.position_closed + (cmd.level / 100) * span);
            return [{ topic: c.set_position_topic, payload: String(raw) }];
          }
          default:
            throw new CommandRejected(`a cover cannot take ${cmd.type}`);
        }
      },
    };
  },
};
