import { describe, expect, it } from 'vitest';
import { AdapterRefusal } from '../../../shared/adapter/contract.ts';
import { MAX_OTA_IMAGE_BYTES, parseOtaImage } from '../../../adapters/zigbee/ota-image.ts';
import { buildOtaFile } from '../../../adapters/sim/zigbee/ota-file.ts';

const file = () =>
  buildOtaFile({ manufacturerCode: 0x117c, imageType: 0x2101, fileVersion: 0x23086631, payloadBytes: 300 });

function refusal(f: Uint8Array): string {
  try {
    parseOtaImage(f);
  } catch (err) {
    expect(err).toBeInstanceOf(AdapterRefusal);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('Zigbee OTA file header', () => {
  it('reads the fields a device check needs', () => {
    expect(parseOtaImage(file())).toEqual({
      manufacturerCode: 0x117c,
      imageType: 0x2101,
      fileVersion: 0x23086631,
      headerString: 'Truss test image',
      totalImageSize: 56 + 6 + 300,
      minHardwareVersion: null,
      maxHardwareVersion: null,
    });
  });

  it('reads the optional hardware range when the field control says so', () => {
    const f = file();
    const withHw = Buffer.concat([f.subarray(0, 56), Buffer.from([1, 0, 9, 0]), f.subarray(56)]);
    withHw.writeUInt16LE(0x0004, 8);
    withHw.writeUInt16LE(60, 6);
    withHw.writeUInt32LE(withHw.length, 52);
    expect(parseOtaImage(withHw)).toMatchObject({ minHardwareVersion: 1, maxHardwareVersion: 9 });
  });

  it('refuses truncated, padded, foreign and inconsistent files with a reason', () => {
    const f = file();
    expect(refusal(f.subarray(0, f.length - 1))).toMatch(/truncated/);
    expect(refusal(Buffer.concat([f, Buffer.alloc(3)]))).toMatch(/truncated or padded/);
    expect(refusal(f.subarray(0, 20))).toMatch(/shorter than an OTA header/);
    expect(refusal(Buffer.alloc(100))).toMatch(/identifier/);
    const badLen = Buffer.from(f);
    badLen.writeUInt16LE(64, 6);
    expect(refusal(badLen)).toMatch(/header length/);
    const badElement = Buffer.from(f);
    badElement.writeUInt32LE(10_000, 58);
    expect(refusal(badElement)).toMatch(/runs past the end/);
    const headerOnly = Buffer.from(f.subarray(0, 56));
    headerOnly.writeUInt32LE(56, 52);
    expect(refusal(headerOnly)).toMatch(/no image data/);
    const cutElement = Buffer.concat([f.subarray(0, 56), Buffer.from([0, 0, 1])]);
    cutElement.writeUInt32LE(cutElement.length, 52);
    expect(refusal(cutElement)).toMatch(/sub-element header is cut short/);
    expect(refusal(new Uint8Array(MAX_OTA_IMAGE_BYTES + 1))).toMatch(/at most/);
  });
});
