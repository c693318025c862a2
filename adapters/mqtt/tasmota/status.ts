import type { EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import { isRecord } from '../families/family.ts';

/**
 * Tasmota's status sensors as hatasmota/status_sensor.py defines them: the device's IP, Wi-Fi
 * RSSI/signal/SSID/connect count, MQTT connect count, restart reason, last restart time, firmware
 * version and (with `bat: 1`) battery level. Read from the periodic `tele/<t>/STATE` (STATE_PATHS)
 * and from the replies to `Status 1/2/5/11` on `stat/<t>/STATUS<n>` (STATUS_PATHS).
 */
interface StatusSensor {
  key: string;
  name: string;
  unit: string | null;
  deviceClass: string | null;
  state?: Array<string | number>;
  status?: Array<string | number>;
}

const SENSORS: StatusSensor[] = [
  { key: 'status_ip', name: 'IP', unit: null, deviceClass: null, status: ['StatusNET', 'IPAddress'] },
  {
    key: 'last_restart_time',
    name: 'Last Restart Time',
    unit: null,
    deviceClass: 'timestamp',
    status: ['StatusSTS', 'UptimeSec'],
  },
  {
    key: 'status_link_count',
    name: 'WiFi Connect Count',
    unit: null,
    deviceClass: null,
    state: ['Wifi', 'LinkCount'],
    status: ['StatusSTS', 'Wifi', 'LinkCount'],
  },
  {
    key: 'status_mqtt_count',
    name: 'MQTT Connect Count',
    unit: null,
    deviceClass: null,
    state: ['MqttCount'],
    status: ['StatusSTS', 'MqttCount'],
  },
  {
    key: 'status_restart_reason',
    name: 'Restart Reason',
    unit: null,
    deviceClass: null,
    status: ['StatusPRM', 'RestartReason'],
  },
  {
    key: 'status_rssi',
    name: 'RSSI',
    unit: '%',
    deviceClass: null,
    state: ['Wifi', 'RSSI'],
    status: ['StatusSTS', 'Wifi', 'RSSI'],
  },
  {
    key: 'status_signal',
    name: 'Signal',
    unit: 'dBm',
    deviceClass: 'signal_strength',
    state: ['Wifi', 'Signal'],
    status: ['StatusSTS', 'Wifi', 'Signal'],
  },
  {
    key: 'status_ssid',
    name: 'SSID',
    unit: null,
    deviceClass: null,
    status: ['StatusSTS', 'Wifi', 'SSId'],
  },
  {
    key: 'status_version',
    name: 'Firmware Version',
    unit: null,
    deviceClass: null,
    status: ['StatusFWR', 'Version'],
  },
];
const BATTERY: StatusSensor = {
  key: 'status_battery',
  name: 'Battery Level',
  unit: '%',
  deviceClass: 'battery',
  state: ['BatteryPercentage'],
};

/** the status sensors a device has (battery only when its config says `bat: 1`) */
export function statusEntities(battery: boolean): EntityAnnouncement[] {
  return [...SENSORS, ...(battery ? [BATTERY] : [])].map((s) => ({
    key: s.key,
    name: s.name,
    kind: s.key === 'status_battery' ? 'battery' : 'sensor',
    deviceClass: s.deviceClass,
    unit: s.unit,
    writable: false,
  }));
}

function at(body: unknown, path: Array<string | number>): unknown {
  let node = body;
  for (const p of path) {
    if (!isRecord(node) || !Object.hasOwn(node, p)) return undefined;
    node = node[p];
  }
  return node;
}

/**
 * The status values a `tele/STATE` body (`from: 'state'`) or a STATUS reply (`from: 'status'`)
 * carries. Uptime becomes the restart time, as hatasmota computes it.
 */
export function statusValues(
  body: Record<string, unknown>,
  from: 'state' | 'status',
  now: number,
): Array<[string, string | number]> {
  const out: Array<[string, string | number]> = [];
  for (const s of [...SENSORS, BATTERY]) {
    const path = from === 'state' ? s.state : s.status;
    if (!path) continue;
    const v = at(body, path);
    if (s.key === 'last_restart_time') {
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0)
        out.push([s.key, new Date(now - v * 1000).toISOString()]);
      continue;
    }
    if (typeof v === 'number' && Number.isFinite(v)) out.push([s.key, v]);
    else if (typeof v === 'string' && v.length <= 64) {
      // Tasmota prints RSSI and Signal as numbers, older builds as text
      const n = Number(v);
      out.push([s.key, s.unit && v.trim() !== '' && Number.isFinite(n) ? n : v]);
    }
  }
  return out;
}
