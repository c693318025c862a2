import type { BuildingSnapshot } from '../building/snapshot.ts';

/** One value a device publishes on `truss-sim/<nodeId>/<suffix>`, with its change threshold. */
export interface StateChannel {
  suffix: string;
  read(s: BuildingSnapshot): string | number;
  /** decimals when the value is numeric */
  decimals?: number;
  /** publish a numeric value early once it moves by this much... */
  deadband?: number;
  /** ...or by this share of its last published value, whichever is larger */
  relative?: number;
}

/** A command topic `truss-sim/<nodeId>/<suffix>`; throws CommandError on a payload it rejects. */
export interface CommandChannel {
  suffix: string;
  apply(payload: string): void;
}

export type Component = 'sensor' | 'binary_sensor' | 'switch' | 'light' | 'climate';

export interface SimEntity {
  component: Component;
  objectId: string;
  /** component fields of the discovery payload; topic fields are relative suffixes resolved by the device */
  config: Record<string, unknown>;
  states: StateChannel[];
  commands: CommandChannel[];
}

export interface SimDeviceDefinition {
  nodeId: string;
  name: string;
  model: string;
  entities: SimEntity[];
}

interface SensorOptions {
  name: string;
  deviceClass: string | null;
  unit: string | null;
  stateClass: 'measurement' | 'total_increasing';
  read(s: BuildingSnapshot): number;
  decimals: number;
  deadband: number;
  relative?: number;
}

/** `~` stands for the device's topic root; the device expands it (HA's own base-topic convention). */
export function sensor(objectId: string, o: SensorOptions): SimEntity {
  const config: Record<string, unknown> = {
    name: o.name,
    stat_t: `~/${objectId}`,
    stat_cla: o.stateClass,
  };
  if (o.deviceClass) config.dev_cla = o.deviceClass;
  if (o.unit) config.unit_of_meas = o.unit;
  if (o.decimals >= 0) config.sug_dsp_prc = o.decimals;
  const channel: StateChannel = {
    suffix: objectId,
    read: o.read,
    decimals: o.decimals,
    deadband: o.deadband,
  };
  if (o.relative !== undefined) channel.relative = o.relative;
  return { component: 'sensor', objectId, config, states: [channel], commands: [] };
}

export function occupancySensor(objectId: string, read: (s: BuildingSnapshot) => boolean): SimEntity {
  return {
    component: 'binary_sensor',
    objectId,
    config: { name: 'Occupancy', stat_t: `~/${objectId}`, dev_cla: 'occupancy', pl_on: 'ON', pl_off: 'OFF' },
    states: [{ suffix: objectId, read: (s) => (read(s) ? 'ON' : 'OFF') }],
    commands: [],
  };
}
