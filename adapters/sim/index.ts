export { createVirtualBuilding } from './mqtt/virtual-building.ts';
export type { VirtualBuilding, VirtualBuildingOptions } from './mqtt/virtual-building.ts';
export type { SimDeviceSpec } from './mqtt/device.ts';
export type { BuildingSnapshot, ZoneSnapshot } from './building/snapshot.ts';
