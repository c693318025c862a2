import { z } from 'zod';
import { compileValueTemplate } from '../template.ts';
import { type ComponentMapper, isNumericSensor, readOnly, scalarFromPayload } from './model.ts';

const SensorConfig = z.object({
  state_topic: z.string().min(1),
  value_template: z.string().max(1024).optional(),
  unit_of_measurement: z.string().max(32).nullish(),
  device_class: z.string().max(64).nullish(),
  state_class: z.string().max(32).nullish(),
});

/**
 * HA's MQTT sensor (https://www.home-assistant.io/integrations/sensor.mqtt/). A numeric sensor
 * (unit, state class or numeric device class) takes finite numbers only: `nan`, `inf` or text
 * are refused with a reason and the entity keeps its last good value. The entity exists from its
 * config on, whatever its first values are.
 */
export const sensorMapper: ComponentMapper = {
  component: 'sensor',
  build(config, fallbackName) {
    const c = SensorConfig.parse(config);
    const extract = compileValueTemplate(c.value_template);
    const numeric = isNumericSensor(c);
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
                `non-numeric state ${JSON.stringify(String(v).slice(0, 40))} for a ${c.unit_of_measurement ? `sensor measured in ${c.unit_of_measurement}` : `numeric ${c.device_class ?? c.state_class} sensor`}`,
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
