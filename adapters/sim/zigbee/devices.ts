/**
 * Emulated Zigbee devices: what they say in the interview (descriptors, genBasic) and the
 * attribute values their clusters hold. Models are real ones the converters know, so the whole
 * definition/exposes path is exercised; `unknownDevice` is one they do not.
 */

export interface EndpointSpec {
  id: number;
  profileId: number;
  deviceId: number;
  inClusters: number[];
  outClusters: number[];
}

export type AttributeValues = Record<string, number | string>;

export interface DeviceSpec {
  /** 0x-prefixed 16 hex digits */
  ieee: string;
  modelId: string;
  manufacturerName: string;
  /** routers are mains powered and rx-on-when-idle; end devices sleep on a battery */
  role: 'router' | 'end_device';
  endpoints: EndpointSpec[];
  /** the OTA image type its firmware files carry (default 0x0101) */
  otaImageType?: number;
  /** `${endpoint}/${clusterName}` -> attribute values */
  attributes: Record<string, AttributeValues>;
}

const HA = 0x0104;
const C = {
  basic: 0x0000,
  power: 0x0001,
  identify: 0x0003,
  groups: 0x0004,
  scenes: 0x0005,
  onOff: 0x0006,
  level: 0x0008,
  ota: 0x0019,
  thermostat: 0x0201,
  temperature: 0x0402,
  pressure: 0x0403,
  humidity: 0x0405,
  metering: 0x0702,
  electrical: 0x0b04,
};

function ieeeFor(kind: number, index: number): string {
  return `0x00124b00${kind.toString(16).padStart(2, '0')}${index.toString(16).padStart(6, '0')}`;
}

function basic(spec: Omit<DeviceSpec, 'attributes'>, power: number): AttributeValues {
  return {
    modelId: spec.modelId,
    manufacturerName: spec.manufacturerName,
    powerSource: power,
    zclVersion: 3,
    appVersion: 1,
    stackVersion: 2,
    hwVersion: 1,
    dateCode: '20260101',
    swBuildId: '1.0.0',
  };
}

export function temperatureHumiditySensor(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(1, index),
    modelId: 'lumi.weather',
    manufacturerName: 'LUMI',
    role: 'end_device' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x5f01,
        inClusters: [C.basic, C.identify, C.temperature, C.pressure, C.humidity],
        outClusters: [C.basic, C.groups],
      },
    ],
  };
  return {
    ...spec,
    attributes: {
      '1/genBasic': basic(spec, 3),
      '1/msTemperatureMeasurement': { measuredValue: 2150 },
      '1/msRelativeHumidity': { measuredValue: 4500 },
      '1/msPressureMeasurement': { measuredValue: 1013 },
    },
  };
}

export function contactSensor(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(2, index),
    modelId: 'lumi.sensor_magnet.aq2',
    manufacturerName: 'LUMI',
    role: 'end_device' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x5f01,
        inClusters: [C.basic, C.identify, C.onOff],
        outClusters: [C.basic, C.groups, C.onOff],
      },
    ],
  };
  return { ...spec, attributes: { '1/genBasic': basic(spec, 3), '1/genOnOff': { onOff: 0 } } };
}

export function meteringPlug(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(3, index),
    modelId: 'SP 120',
    manufacturerName: 'innr',
    role: 'router' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x0051,
        inClusters: [C.basic, C.identify, C.groups, C.scenes, C.onOff, C.metering, C.electrical],
        outClusters: [C.ota],
      },
    ],
  };
  return {
    ...spec,
    attributes: {
      '1/genBasic': basic(spec, 1),
      '1/genOnOff': { onOff: 1 },
      '1/seMetering': { currentSummDelivered: 12345, multiplier: 1, divisor: 1000 },
      '1/haElectricalMeasurement': {
        activePower: 60,
        rmsVoltage: 230,
        rmsCurrent: 260,
        acPowerMultiplier: 1,
        acPowerDivisor: 1,
        acVoltageMultiplier: 1,
        acVoltageDivisor: 1,
        acCurrentMultiplier: 1,
        acCurrentDivisor: 1000,
      },
    },
  };
}

export function dimmableLight(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(4, index),
    modelId: 'TRADFRI bulb E27 WW 806lm',
    manufacturerName: 'IKEA of Sweden',
    role: 'router' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x0101,
        inClusters: [C.basic, C.identify, C.groups, C.scenes, C.onOff, C.level],
        outClusters: [C.ota],
      },
    ],
  };
  return {
    ...spec,
    attributes: {
      '1/genBasic': basic(spec, 1),
      '1/genOnOff': { onOff: 0 },
      '1/genLevelCtrl': { currentLevel: 254 },
    },
  };
}

export function radiatorValve(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(5, index),
    modelId: 'TRVZB',
    manufacturerName: 'SONOFF',
    role: 'end_device' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x0301,
        inClusters: [C.basic, C.power, C.identify, C.thermostat],
        outClusters: [C.ota],
      },
    ],
  };
  return {
    ...spec,
    attributes: {
      '1/genBasic': basic(spec, 3),
      '1/genPowerCfg': { batteryPercentageRemaining: 180, batteryVoltage: 30 },
      '1/hvacThermostat': {
        localTemp: 1950,
        occupiedHeatingSetpoint: 2000,
        localTemperatureCalibration: 0,
        systemMode: 4,
        runningState: 0,
      },
    },
  };
}

/** A battery remote with on/off buttons: it only sends commands, to what it is bound to. */
export function remoteSwitch(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(6, index),
    modelId: 'TRADFRI on/off switch',
    manufacturerName: 'IKEA of Sweden',
    role: 'end_device' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x0820,
        inClusters: [C.basic, C.power, C.identify],
        outClusters: [C.identify, C.groups, C.onOff, C.level, C.ota],
      },
    ],
  };
  return {
    ...spec,
    attributes: { '1/genBasic': basic(spec, 3), '1/genPowerCfg': { batteryPercentageRemaining: 160 } },
  };
}

/** A device no converter knows: it must still show its standard clusters. */
export function unknownDevice(index = 1): DeviceSpec {
  const spec = {
    ieee: ieeeFor(9, index),
    modelId: 'ACME-THERMO-9000',
    manufacturerName: 'ACME',
    role: 'end_device' as const,
    endpoints: [
      {
        id: 1,
        profileId: HA,
        deviceId: 0x0302,
        inClusters: [C.basic, C.temperature],
        outClusters: [],
      },
    ],
  };
  return {
    ...spec,
    attributes: { '1/genBasic': basic(spec, 3), '1/msTemperatureMeasurement': { measuredValue: 1800 } },
  };
}

/** The demo building's Zigbee set: one of each kind the issue names. */
export function demoDevices(): DeviceSpec[] {
  return [temperatureHumiditySensor(), contactSensor(), meteringPlug(), dimmableLight(), radiatorValve()];
}
