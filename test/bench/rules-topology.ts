/**
 * The simulated site of the rules benchmark, shared by the bench (which plays the devices) and the
 * Truss runner (which saves the rules): which device holds which sensor and switch, their topics,
 * their Home Assistant discovery configs, and rule j itself.
 *
 * Rule j triggers on a change of sensor 2j, checks a numeric condition on sensor 2j+1 and turns
 * switch j on, the same wiring as the Node-RED flow.
 */
export const SENSORS_PER_DEVICE = 4;
export const SWITCHES_PER_DEVICE = 2;
const TOPIC_ROOT = 'bench';
const DISCOVERY_PREFIX = 'homeassistant';

export const benchDeviceId = (d: number): string => `bench-dev-${d}`;
export const sensorObjectId = (i: number): string => `bench_s${i}`;
export const switchObjectId = (j: number): string => `bench_a${j}`;
export const deviceOfSensor = (i: number): number => Math.floor(i / SENSORS_PER_DEVICE);
export const deviceOfSwitch = (j: number): number => Math.floor(j / SWITCHES_PER_DEVICE);
export const sensorStateTopic = (i: number): string =>
  `${TOPIC_ROOT}/${benchDeviceId(deviceOfSensor(i))}/${sensorObjectId(i)}`;
export const switchCommandTopic = (j: number): string =>
  `${TOPIC_ROOT}/${benchDeviceId(deviceOfSwitch(j))}/${switchObjectId(j)}/set`;
export const availabilityTopic = (d: number): string => `${TOPIC_ROOT}/${benchDeviceId(d)}/availability`;
/** what a device subscribes to for its commands */
export const commandFilter = (d: number): string => `${TOPIC_ROOT}/${benchDeviceId(d)}/+/set`;

/** The credential's ACL: the device's own discovery configs and its own topic tree. */
export function benchDeviceAcl(d: number): { publish: string[]; subscribe: string[] } {
  const id = benchDeviceId(d);
  return {
    publish: [`${DISCOVERY_PREFIX}/+/${id}/+/config`, `${TOPIC_ROOT}/${id}/#`],
    subscribe: [`${TOPIC_ROOT}/${id}/#`],
  };
}

/** Retained HA discovery messages announcing device d's sensors and switches. */
export function discoveryMessages(
  d: number,
  sensors: number,
  switches: number,
): Array<{ topic: string; payload: string }> {
  const id = benchDeviceId(d);
  const dev = { ids: [id], name: `Bench device ${d}`, mf: 'Truss Bench', mdl: 'load generator' };
  const out: Array<{ topic: string; payload: string }> = [];
  const common = { avty_t: availabilityTopic(d), pl_avail: 'online', pl_not_avail: 'offline', dev };
  for (let k = 0; k < SENSORS_PER_DEVICE; k++) {
    const i = d * SENSORS_PER_DEVICE + k;
    if (i >= sensors) break;
    out.push({
      topic: `${DISCOVERY_PREFIX}/sensor/${id}/${sensorObjectId(i)}/config`,
      payload: JSON.stringify({
        name: `Sensor ${i}`,
        uniq_id: sensorObjectId(i),
        stat_t: sensorStateTopic(i),
        unit_of_meas: 'lx',
        dev_cla: 'illuminance',
        ...common,
      }),
    });
  }
  for (let k = 0; k < SWITCHES_PER_DEVICE; k++) {
    const j = d * SWITCHES_PER_DEVICE + k;
    if (j >= switches) break;
    out.push({
      topic: `${DISCOVERY_PREFIX}/switch/${id}/${switchObjectId(j)}/config`,
      payload: JSON.stringify({
        name: `Switch ${j}`,
        uniq_id: switchObjectId(j),
        cmd_t: switchCommandTopic(j),
        ...common,
      }),
    });
  }
  return out;
}

/** Rule j as saved through the API; `sensor(i)` and `switchId` are the entity ids Truss assigned. */
export function benchRule(j: number, sensor: (i: number) => string, switchId: string): unknown {
  return {
    id: `bench-rule-${j}`,
    name: `Bench rule ${j}`,
    mode: { type: 'parallel', max: 100 },
    rateLimit: { maxRuns: 10_000, perS: 1 },
    triggers: [{ type: 'state', entityId: sensor(2 * j) }],
    conditions: [{ type: 'numeric', entityId: sensor(2 * j + 1), above: -1 }],
    actions: [{ type: 'command', entityId: switchId, command: { type: 'turn_on' } }],
  };
}
