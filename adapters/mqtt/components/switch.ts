import { z } from 'zod';
import { compileValueTemplate } from '../template.ts';
import { CommandRejected, type ComponentMapper, PayloadOption, samePayload } from './model.ts';

const SwitchConfig = z.object({
  command_topic: z.string().min(1),
  state_topic: z.string().min(1).optional(),
  value_template: z.string().max(1024).optional(),
  payload_on: PayloadOption.default('ON'),
  payload_off: PayloadOption.default('OFF'),
  state_on: PayloadOption.optional(),
  state_off: PayloadOption.optional(),
  device_class: z.string().max(64).nullish(),
});

export const switchMapper: ComponentMapper = {
  component: 'switch',
  build(config, fallbackName) {
    const c = SwitchConfig.parse(config);
    const extract = compileValueTemplate(c.value_template);
    const stateOn = c.state_on ?? c.payload_on;
    const stateOff = c.state_off ?? c.payload_off;
    const send = (on: boolean) => [{ topic: c.command_topic, payload: on ? c.payload_on : c.payload_off }];
    return {
      announcement: {
        name: fallbackName,
        kind: 'switch',
        deviceClass: c.device_class ?? null,
        unit: null,
        writable: true,
      },
      stateBindings: c.state_topic
        ? [
            {
              topic: c.state_topic,
              update(payload) {
                const v = String(extract(payload));
                if (samePayload(v, stateOn)) return true;
                if (samePayload(v, stateOff)) return false;
                throw new Error(
                  `payload ${JSON.stringify(v.slice(0, 40))} is neither state_on nor state_off`,
                );
              },
            },
          ]
        : [],
      commandTopics: [c.command_topic],
      command(cmd, current) {
        if (cmd.type === 'turn_on') return send(true);
        if (cmd.type === 'turn_off') return send(false);
        if (cmd.type === 'toggle') {
          if (typeof current !== 'boolean')
            throw new CommandRejected('cannot toggle a switch whose state is unknown');
          return send(!current);
        }
        throw new CommandRejected(`a switch cannot take ${cmd.type}`);
      },
    };
  },
};
