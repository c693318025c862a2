import { binarySensorMapper } from './binary-sensor.ts';
import { climateMapper } from './climate.ts';
import { coverMapper } from './cover.ts';
import { lightMapper } from './light.ts';
import type { ComponentMapper } from './model.ts';
import { sensorMapper } from './sensor.ts';
import { switchMapper } from './switch.ts';

export const COMPONENT_MAPPERS: ReadonlyMap<string, ComponentMapper> = new Map(
  [sensorMapper, binarySensorMapper, switchMapper, lightMapper, climateMapper, coverMapper].map((m) => [
    m.component,
    m,
  ]),
);
