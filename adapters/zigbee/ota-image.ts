import { AdapterRefusal } from '../../shared/adapter/contract.ts';

/**
 * The Zigbee OTA upgrade file header (ZCL spec 11.4), parsed strictly: an installer's file is
 * checked against the device before a single block goes over the air, and a truncated or
 * foreign file is refused with a reason instead of bricking a bulb halfway.
 */
export interface OtaImageHeader {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  headerString: string;
  totalImageSize: number;
  minHardwareVersion: number | null;
  maxHardwareVersion: number | null;
}

export const OTA_FILE_IDENTIFIER = 0x0beef11e;
/** the fixed part of the header; optional fields follow, as the field control says */
const FIXED_HEADER_BYTES = 56;
/** large enough for any bulb, plug or TRV image seen in the wild; bounds memory per request */
export const MAX_OTA_IMAGE_BYTES = 4 * 1024 * 1024;

function refuse(reason: string): never {
  throw new AdapterRefusal(`This is not a usable Zigbee OTA file: ${reason}.`);
}

export function parseOtaImage(file: Uint8Array): OtaImageHeader {
  if (file.length > MAX_OTA_IMAGE_BYTES) {
    throw new AdapterRefusal(
      `The firmware file is ${file.length} bytes; at most ${MAX_OTA_IMAGE_BYTES} bytes are accepted.`,
    );
  }
  if (file.length < FIXED_HEADER_BYTES) refuse(`only ${file.length} bytes, shorter than an OTA header`);
  const b = Buffer.from(file.buffer, file.byteOffset, file.length);
  if (b.readUInt32LE(0) !== OTA_FILE_IDENTIFIER) refuse('it does not start with the OTA file identifier');
  const headerLength = b.readUInt16LE(6);
  const fieldControl = b.readUInt16LE(8);
  let expected = FIXED_HEADER_BYTES;
  if (fieldControl & 0x01) expected += 1;
  if (fieldControl & 0x02) expected += 8;
  let minHw: number | null = null;
  let maxHw: number | null = null;
  if (fieldControl & 0x04) {
    if (b.length < expected + 4) refuse('the header is cut short');
    minHw = b.readUInt16LE(expected);
    maxHw = b.readUInt16LE(expected + 2);
    expected += 4;
  }
  if (headerLength !== expected) refuse(`header length ${headerLength} does not match its fields`);
  const totalImageSize = b.readUInt32LE(52);
  if (totalImageSize !== b.length) {
    refuse(`the header says ${totalImageSize} bytes but the file has ${b.length} (truncated or padded)`);
  }
  // the sub-elements (tag, length, data) must tile the rest of the file exactly
  let pos = headerLength;
  let elements = 0;
  while (pos < b.length) {
    if (pos + 6 > b.length) refuse('a sub-element header is cut short');
    const length = b.readUInt32LE(pos + 2);
    if (pos + 6 + length > b.length) refuse('a sub-element runs past the end of the file');
    pos += 6 + length;
    elements++;
  }
  if (elements === 0) refuse('it holds no image data');
  return {
    manufacturerCode: b.readUInt16LE(10),
    imageType: b.readUInt16LE(12),
    fileVersion: b.readUInt32LE(14),
    headerString: b
      .subarray(20, 52)
      .toString('latin1')
      .replace(/\0[\s\S]*$/, '')
      .trim(),
    totalImageSize,
    minHardwareVersion: minHw,
    maxHardwareVersion: maxHw,
  };
}

/** hex as installers see it on vendor release notes, e.g. 0x1037 */
export function hex(n: number, digits = 4): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
