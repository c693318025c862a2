/**
 * Builds Zigbee OTA upgrade files (ZCL spec 11.4) for tests and the demo: the header an
 * installer's vendor file carries, then one upgrade-image sub-element.
 */
export interface OtaFileSpec {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  /** bytes of firmware in the upgrade-image element */
  payloadBytes?: number;
  headerString?: string;
}

export function buildOtaFile(spec: OtaFileSpec): Buffer {
  const header = Buffer.alloc(56);
  const payload = Buffer.alloc(spec.payloadBytes ?? 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  const element = Buffer.alloc(6);
  element.writeUInt16LE(0x0000, 0); // upgrade image
  element.writeUInt32LE(payload.length, 2);
  header.writeUInt32LE(0x0beef11e, 0);
  header.writeUInt16LE(0x0100, 4);
  header.writeUInt16LE(56, 6);
  header.writeUInt16LE(0, 8);
  header.writeUInt16LE(spec.manufacturerCode, 10);
  header.writeUInt16LE(spec.imageType, 12);
  header.writeUInt32LE(spec.fileVersion, 14);
  header.writeUInt16LE(2, 18);
  header.write((spec.headerString ?? 'Truss test image').slice(0, 32), 20, 'latin1');
  header.writeUInt32LE(56 + 6 + payload.length, 52);
  return Buffer.concat([header, element, payload]);
}
