import { z } from 'zod';
import { compileValueTemplate } from '../template.ts';
import { type ComponentMapper, readOnly, scalarFromPayload } from './model.ts';

const SensorConfig = z.object({
  state_topic: z.string().min(1),
  value_template: z.string().max(512).optional(),
  unit_of_measurement: z.string().max(32).nullish(),
  device_class: z.string().max(64).nullish(),
});

export const sensorMapper: ComponentMapper = {
  component: 'sensor',
  build(config, fallbackName) {
    const c = SensorConfig.parse(config);
    const extract = compileValueTemplate(c.value_template);
    const numeric = Boolean(c.unit_of_measurement);
    return {
      announcement: {
        name: fallbackName,
        kind: c.device_class === 'battery' ? 'battery' : 'sensor',
        deviceClass: c.device_class ?? null,
        unit: c.unit_of_measurement ?? null,
        writable: false,
      },
      stateBindings: [
        {
          topic: c.state_topic,
          update(payload) {
            const v = scalarFromPayload(extract(payload));
            if (numeric && v !== null && typeof v !== 'number') {
              throw new Error(
                `non-numeric state ${JSON.stringify(String(v).slice(0, 40))} for a sensor measured in ${c.unit_of_measurement}`,
              );
            }
            return v;
          },
        },
      ],
      commandTopics: [],
      command: readOnly('sensor'),
    };
  },
};
