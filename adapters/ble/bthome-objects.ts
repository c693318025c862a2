import type { MeasurementKind } from './measurement.ts';

/**
 * BTHome v2 object ids (bthome.io/format, as decoded by the reference parser
 * Bluetooth-Devices/bthome-ble). The id fixes the value's length, so an unknown id ends parsing.
 */
export interface BTHomeObject {
  key: string;
  name: string;
  kind: MeasurementKind;
  deviceClass: string | null;
  /** byte length; 'prefixed' = next byte is the length (text, raw) */
  length: number | 'prefixed';
  signed: boolean;
  /** float32 instead of an integer */
  factor: number;
  unit: string | null;
  encoding?: 'text' | 'raw' | 'button' | 'dimmer';
}

const s = (
  key: string,
  name: string,
  length: number,
  signed: boolean,
  factor: number,
  unit: string | null,
  deviceClass: string | null = key,
): BTHomeObject => ({ key, name, kind: 'sensor', deviceClass, length, signed, factor, unit });

const b = (key: string, name: string, deviceClass: string | null = key): BTHomeObject => ({
  key,
  name,
  kind: 'binary_sensor',
  deviceClass,
  length: 1,
  signed: false,
  factor: 1,
  unit: null,
});

export const BTHOME_OBJECTS: ReadonlyMap<number, BTHomeObject> = new Map<number, BTHomeObject>([
  [0x00, s('packet_id', 'Packet id', 1, false, 1, null, null)],
  [0x01, { ...s('battery', 'Battery', 1, false, 1, '%'), kind: 'battery' }],
  [0x02, s('temperature', 'Temperature', 2, true, 0.01, '°C')],
  [0x03, s('humidity', 'Humidity', 2, false, 0.01, '%')],
  [0x04, s('pressure', 'Pressure', 3, false, 0.01, 'hPa')],
  [0x05, s('illuminance', 'Illuminance', 3, false, 0.01, 'lx')],
  [0x06, s('mass', 'Mass', 2, false, 0.01, 'kg', 'weight')],
  [0x07, s('mass_lb', 'Mass', 2, false, 0.01, 'lb', 'weight')],
  [0x08, s('dew_point', 'Dew point', 2, true, 0.01, '°C', 'temperature')],
  [0x09, s('count', 'Count', 1, false, 1, null, null)],
  [0x0a, s('energy', 'Energy', 3, false, 0.001, 'kWh')],
  [0x0b, s('power', 'Power', 3, false, 0.01, 'W')],
  [0x0c, s('voltage', 'Voltage', 2, false, 0.001, 'V')],
  [0x0d, s('pm25', 'PM2.5', 2, false, 1, 'µg/m³', 'pm25')],
  [0x0e, s('pm10', 'PM10', 2, false, 1, 'µg/m³', 'pm10')],
  [0x0f, b('generic', 'Generic', null)],
  [0x10, b('power_on', 'Power', 'power')],
  [0x11, b('opening', 'Opening')],
  [0x12, s('co2', 'CO₂', 2, false, 1, 'ppm', 'carbon_dioxide')],
  [0x13, s('tvoc', 'TVOC', 2, false, 1, 'µg/m³', 'volatile_organic_compounds')],
  [0x14, s('moisture', 'Moisture', 2, false, 0.01, '%')],
  [0x15, b('battery_low', 'Battery low', 'battery')],
  [0x16, b('battery_charging', 'Battery charging', 'battery_charging')],
  [0x17, b('carbon_monoxide', 'Carbon monoxide')],
  [0x18, b('cold', 'Cold')],
  [0x19, b('connectivity', 'Connectivity')],
  [0x1a, b('door', 'Door')],
  [0x1b, b('garage_door', 'Garage door')],
  [0x1c, b('gas', 'Gas')],
  [0x1d, b('heat', 'Heat')],
  [0x1e, b('light', 'Light')],
  [0x1f, b('lock', 'Lock')],
  [0x20, b('moisture_detected', 'Moisture', 'moisture')],
  [0x21, b('motion', 'Motion')],
  [0x22, b('moving', 'Moving')],
  [0x23, b('occupancy', 'Occupancy')],
  [0x24, b('plug', 'Plug')],
  [0x25, b('presence', 'Presence')],
  [0x26, b('problem', 'Problem')],
  [0x27, b('running', 'Running')],
  [0x28, b('safety', 'Safety')],
  [0x29, b('smoke', 'Smoke')],
  [0x2a, b('sound', 'Sound')],
  [0x2b, b('tamper', 'Tamper')],
  [0x2c, b('vibration', 'Vibration')],
  [0x2d, b('window', 'Window')],
  [0x2e, s('humidity', 'Humidity', 1, false, 1, '%')],
  [0x2f, s('moisture', 'Moisture', 1, false, 1, '%')],
  [
    0x3a,
    {
      key: 'button',
      name: 'Button',
      kind: 'event',
      deviceClass: 'button',
      length: 1,
      signed: false,
      factor: 1,
      unit: null,
      encoding: 'button',
    },
  ],
  [
    0x3c,
    {
      key: 'dimmer',
      name: 'Dimmer',
      kind: 'event',
      deviceClass: 'dimmer',
      length: 2,
      signed: false,
      factor: 1,
      unit: null,
      encoding: 'dimmer',
    },
  ],
  [0x3d, s('count', 'Count', 2, false, 1, null, null)],
  [0x3e, s('count', 'Count', 4, false, 1, null, null)],
  [0x3f, s('rotation', 'Rotation', 2, true, 0.1, '°')],
  [0x40, s('distance', 'Distance', 2, false, 1, 'mm')],
  [0x41, s('distance', 'Distance', 2, false, 0.1, 'm')],
  [0x42, s('duration', 'Duration', 3, false, 0.001, 's')],
  [0x43, s('current', 'Current', 2, false, 0.001, 'A')],
  [0x44, s('speed', 'Speed', 2, false, 0.01, 'm/s')],
  [0x45, s('temperature', 'Temperature', 2, true, 0.1, '°C')],
  [0x46, s('uv_index', 'UV index', 1, false, 0.1, null)],
  [0x47, s('volume', 'Volume', 2, false, 0.1, 'L')],
  [0x48, s('volume', 'Volume', 2, false, 1, 'mL')],
  [0x49, s('volume_flow_rate', 'Volume flow rate', 2, false, 0.001, 'm³/h')],
  [0x4a, s('voltage', 'Voltage', 2, false, 0.1, 'V')],
  [0x4b, s('gas', 'Gas', 3, false, 0.001, 'm³')],
  [0x4c, s('gas', 'Gas', 4, false, 0.001, 'm³')],
  [0x4d, s('energy', 'Energy', 4, false, 0.001, 'kWh')],
  [0x4e, s('volume', 'Volume', 4, false, 0.001, 'L')],
  [0x4f, s('water', 'Water', 4, false, 0.001, 'L')],
  [0x50, s('timestamp', 'Timestamp', 4, false, 1, 's', 'timestamp')],
  [0x51, s('acceleration', 'Acceleration', 2, false, 0.001, 'm/s²')],
  [0x52, s('gyroscope', 'Gyroscope', 2, false, 0.001, '°/s')],
  [0x53, { ...s('text', 'Text', 0, false, 1, null, null), length: 'prefixed', encoding: 'text' }],
  [0x54, { ...s('raw', 'Raw', 0, false, 1, null, null), length: 'prefixed', encoding: 'raw' }],
  [0x55, s('volume_storage', 'Volume storage', 4, false, 0.001, 'L', 'volume_storage')],
  [0x56, s('conductivity', 'Conductivity', 2, false, 1, 'µS/cm')],
  [0x57, s('temperature', 'Temperature', 1, true, 1, '°C')],
  [0x58, s('temperature', 'Temperature', 1, true, 0.35, '°C')],
  [0x59, s('count', 'Count', 1, true, 1, null, null)],
  [0x5a, s('count', 'Count', 2, true, 1, null, null)],
  [0x5b, s('count', 'Count', 4, true, 1, null, null)],
  [0x5c, s('power', 'Power', 4, true, 0.01, 'W')],
  [0x5d, s('current', 'Current', 2, true, 0.001, 'A')],
  [0x5e, s('direction', 'Direction', 2, false, 0.01, '°')],
  [0x5f, s('precipitation', 'Precipitation', 2, false, 0.1, 'mm')],
  [0x60, s('channel', 'Channel', 1, false, 1, null, null)],
  [0x61, s('rotational_speed', 'Rotational speed', 2, false, 1, 'rpm')],
  [0xf0, s('device_type_id', 'Device type id', 2, false, 1, null, null)],
  [0xf1, s('firmware_version', 'Firmware version', 4, false, 1, null, null)],
  [0xf2, s('firmware_version', 'Firmware version', 3, false, 1, null, null)],
]);

export const BUTTON_EVENTS: Record<number, string> = {
  0x00: 'none',
  0x01: 'press',
  0x02: 'double_press',
  0x03: 'triple_press',
  0x04: 'long_press',
  0x05: 'long_double_press',
  0x06: 'long_triple_press',
  0x80: 'hold_press',
};
