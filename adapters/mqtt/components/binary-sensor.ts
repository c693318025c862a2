import { z } from 'zod';
import { compileValueTemplate } from '../template.ts';
import { type ComponentMapper, PayloadOption, readOnly, samePayload } from './model.ts';

const BinarySensorConfig = z.object({
  state_topic: z.string().min(1),
  value_template: z.string().max(1024).optional(),
  payload_on: PayloadOption.default('ON'),
  payload_off: PayloadOption.default('OFF'),
  device_class: z.string().max(64).nullish(),
});

export const binarySensorMapper: ComponentMapper = {
  component: 'binary_sensor',
  build(config, fallbackName) {
    const c = BinarySensorConfig.parse(config);
    const extract = compileValueTemplate(c.value_template);
    return {
      announcement: {
        name: fallbackName,
        kind: 'binary_sensor',
        deviceClass: c.device_class ?? null,
        unit: null,
        writable: false,
      },
      stateBindings: [
        {
          topic: c.state_topic,
          update(payload) {
            const v = String(extract(payload));
            if (samePayload(v, c.payload_on)) return true;
            if (samePayload(v, c.payload_off)) return false;
            throw new Error(
              `payload ${JSON.stringify(v.slice(0, 40))} is neither payload_on nor payload_off`,
            );
          },
        },
      ],
      commandTopics: [],
      command: readOnly('binary_sensor'),
    };
  },
};
