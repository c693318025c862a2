import type { ComponentType } from 'react';
import type { Device } from '../../../shared/domain/device.ts';
import { MqttCredentials } from './MqttCredentials.tsx';
import { ZigbeeTools } from './ZigbeeTools.tsx';

/**
 * Where device families plug family-specific UI into the generic commissioning page, keyed by
 * adapter id: extra tools under the family's header (a network map, a scan filter...) and what to
 * show once a device is adopted (e.g. the broker settings to type into a Wi-Fi device).
 */
export const FAMILY_TOOLS: Record<string, ComponentType<{ adapter: string }>> = {
  zigbee: ZigbeeTools,
};
export const ADOPTED_PANELS: Record<string, ComponentType<{ adapter: string; device: Device }>> = {
  mqtt: MqttCredentials,
};

/** Names installers know, for adapter ids. */
export const FAMILY_NAMES: Record<string, string> = {
  mqtt: 'Wi-Fi / MQTT',
  zigbee: 'Zigbee',
  ble: 'Bluetooth LE',
};
