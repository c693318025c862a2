import { z } from 'zod';
import type { StateValue } from '../../../shared/domain/entity.ts';
import { compileValueTemplate } from '../template.ts';
import { CommandRejected, type ComponentMapper, type OutgoingMessage } from './model.ts';

const Mode = z.string().min(1).max(32);

const ClimateConfig = z
  .object({
    modes: z.array(Mode).min(1).max(16).default(['auto', 'off', 'cool', 'heat', 'dry', 'fan_only']),
    mode_command_topic: z.string().min(1).optional(),
    mode_state_topic: z.string().min(1).optional(),
    mode_state_template: z.string().max(1024).optional(),
    temperature_command_topic: z.string().min(1).optional(),
    temperature_state_topic: z.string().min(1).optional(),
    temperature_state_template: z.string().max(1024).optional(),
    current_temperature_topic: z.string().min(1).optional(),
    current_temperature_template: z.string().max(1024).optional(),
    // HA's climate.mqtt: temperature_unit C or F; without it HA uses the system's unit (°C here)
    temperature_unit: z.enum(['C', 'F']).default('C'),
    min_temp: z.number().finite().optional(),
    max_temp: z.number().finite().optional(),
    temp_step: z.number().positive().max(10).default(0.5),
    precision: z.union([z.literal(0.1), z.literal(0.5), z.literal(1)]).optional(),
  })
  .transform((c) => ({
    ...c,
    // HA's defaults, DEFAULT_MIN_TEMP 7 °C / DEFAULT_MAX_TEMP 35 °C, in the device's unit
    min_temp: c.min_temp ?? (c.temperature_unit === 'F' ? 45 : 7),
    max_temp: c.max_temp ?? (c.temperature_unit === 'F' ? 95 : 35),
  }))
  .refine((c) => c.min_temp < c.max_temp, { message: 'min_temp must be below max_temp' });

interface ClimateValue {
  mode: string | null;
  setpoint: number | null;
  current: number | null;
}

function previous(prev: StateValue | undefined): ClimateValue {
  const r = prev && typeof prev === 'object' ? prev : {};
  return {
    mode: typeof r.mode === 'string' ? r.mode : null,
    setpoint: typeof r.setpoint === 'number' ? r.setpoint : null,
    current: typeof r.current === 'number' ? r.current : null,
  };
}

function temperature(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'boolean' || v === null || v === '' || !Number.isFinite(n) || n < -100 || n > 200) {
    throw new Error(`temperature ${JSON.stringify(v)} is not a plausible number`);
  }
  return n;
}

export const climateMapper: ComponentMapper = {
  component: 'climate',
  build(config, name) {
    const c = ClimateConfig.parse(config);
    const bindings = [];
    if (c.mode_state_topic) {
      const extract = compileValueTemplate(c.mode_state_template);
      bindings.push({
        topic: c.mode_state_topic,
        update(payload: string, prev: StateValue | undefined): StateValue {
          const mode = String(extract(payload)).trim();
          if (!c.modes.includes(mode))
            throw new Error(`mode ${JSON.stringify(mode.slice(0, 32))} is not one of ${c.modes.join(', ')}`);
          return { ...previous(prev), mode };
        },
      });
    }
    if (c.temperature_state_topic) {
      const extract = compileValueTemplate(c.temperature_state_template);
      bindings.push({
        topic: c.temperature_state_topic,
        update: (payload: string, prev: StateValue | undefined): StateValue => ({
          ...previous(prev),
          setpoint: temperature(extract(payload)),
        }),
      });
    }
    if (c.current_temperature_topic) {
      const extract = compileValueTemplate(c.current_temperature_template);
      bindings.push({
        topic: c.current_temperature_topic,
        update: (payload: string, prev: StateValue | undefined): StateValue => ({
          ...previous(prev),
          current: temperature(extract(payload)),
        }),
      });
    }
    const setMode = (mode: string): OutgoingMessage[] => {
      if (!c.mode_command_topic) throw new CommandRejected('this thermostat takes no mode commands');
      if (!c.modes.includes(mode))
        throw new CommandRejected(`mode ${mode} is not one of ${c.modes.join(', ')}`);
      return [{ topic: c.mode_command_topic, payload: mode }];
    };
    return {
      announcement: {
        name,
        kind: 'climate',
        deviceClass: null,
        unit: c.temperature_unit === 'F' ? '°F' : '°C',
        writable: Boolean(c.mode_command_topic || c.temperature_command_topic),
        attributes: { min: c.min_temp, max: c.max_temp, step: c.temp_step, modes: c.modes },
      },
      stateBindings: bindings,
      commandTopics: [c.mode_command_topic, c.temperature_command_topic].filter((t): t is string =>
        Boolean(t),
      ),
      command(cmd) {
        switch (cmd.type) {
          case 'set_setpoint': {
            if (!c.temperature_command_topic)
              throw new CommandRejected('this thermostat takes no setpoint commands');
            if (cmd.value < c.min_temp || cmd.value > c.max_temp) {
              throw new CommandRejected(`setpoint ${cmd.value} outside ${c.min_temp}-${c.max_temp}`);
            }
            const stepped = Math.round(cmd.value / c.temp_step) * c.temp_step;
            return [{ topic: c.temperature_command_topic, payload: String(Number(stepped.toFixed(3))) }];
          }
          case 'set_mode':
            return setMode(cmd.mode);
          case 'turn_off':
            return setMode('off');
          case 'turn_on': {
            const on = c.modes.find((m) => m === 'heat') ?? c.modes.find((m) => m !== 'off');
            if (!on) throw new CommandRejected('this thermostat has no mode other than off');
            return setMode(on);
          }
          default:
            throw new CommandRejected(`a thermostat cannot take ${cmd.type}`);
        }
      },
    };
  },
};
