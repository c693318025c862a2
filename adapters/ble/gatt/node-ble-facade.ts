import { createRequire } from 'node:module';
import type dbus from 'dbus-next';

/**
 * Typed facade over node-ble 1.13 (its index.d.ts has wrong types: RSSI as string, booleans as
 * strings). Built on our own dbus-next connection so node-ble shares the bus the watcher uses,
 * whichever address it has, instead of reading DBUS_SYSTEM_BUS_ADDRESS.
 */

export interface BleCharacteristic {
  getUUID(): Promise<string>;
  getFlags(): Promise<string[]>;
  readValue(offset?: number): Promise<Buffer>;
  writeValueWithResponse(value: Buffer): Promise<void>;
  writeValueWithoutResponse(value: Buffer): Promise<void>;
  startNotifications(): Promise<void>;
  stopNotifications(): Promise<void>;
  on(event: 'valuechanged', listener: (value: Buffer) => void): this;
  removeAllListeners(event?: string): this;
}

export interface BleService {
  characteristics(): Promise<string[]>;
  getCharacteristic(uuid: string): Promise<BleCharacteristic>;
}

export interface BleGattServer {
  services(): Promise<string[]>;
  getPrimaryService(uuid: string): Promise<BleService>;
}

export interface BleDevice {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): Promise<boolean>;
  gatt(): Promise<BleGattServer>;
}

export interface BleAdapterHandle {
  getDevice(mac: string): Promise<BleDevice>;
}

export interface NodeBle {
  adapters(): Promise<string[]>;
  getAdapter(name: string): Promise<BleAdapterHandle>;
}

type BluetoothCtor = new (bus: dbus.MessageBus) => NodeBle;

export function nodeBleOn(bus: dbus.MessageBus): NodeBle {
  const Bluetooth = createRequire(import.meta.url)('node-ble/src/Bluetooth.js') as BluetoothCtor;
  return new Bluetooth(bus);
}
