import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Controller } from 'zigbee-herdsman';
import { AdapterRefusal } from '../../shared/adapter/contract.ts';
import type { FirmwareCheck, FirmwareProgress } from '../../shared/adapter/contract.ts';
import { hex, parseOtaImage, type OtaImageHeader } from './ota-image.ts';

type ZhDevice = ReturnType<Controller['getDevices']>[number];

/**
 * Firmware updates from a file the installer brings (offline sites have no vendor index):
 * the file's header is checked against what the device says it runs before any block is
 * sent, then herdsman's own OTA server streams it.
 */
export interface OtaOptions {
  /** folder for the image while herdsman streams it (herdsman reads OTA files from disk) */
  dir: string;
  /** pause between block responses; sleepy and slow radios drop blocks sent back to back */
  blockDelayMs: number;
}

function otaEndpoint(device: ZhDevice) {
  const ep = device.endpoints.find((e) => e.supportsOutputCluster('genOta'));
  if (!ep) throw new AdapterRefusal('This device does not take firmware updates over Zigbee.');
  return ep;
}

function versionText(v: number): string {
  return hex(v >>> 0, 8);
}

/** herdsman wants an index; an empty local one makes `checkOta` a pure "what do you run?" query */
function emptyIndex(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'no-images.json');
  writeFileSync(file, '[]');
  return file;
}

export async function checkFirmware(
  device: ZhDevice,
  file: Uint8Array,
  opts: OtaOptions,
): Promise<{ check: FirmwareCheck; header: OtaImageHeader }> {
  const header = parseOtaImage(file);
  const endpoint = otaEndpoint(device);
  // refused before a single frame goes out: the node descriptor already names the maker
  if (device.manufacturerID !== undefined && device.manufacturerID !== header.manufacturerCode) {
    throw new AdapterRefusal(
      `The file is for manufacturer ${hex(header.manufacturerCode)}; this device is made by ${hex(device.manufacturerID)}.`,
    );
  }
  let current;
  try {
    ({ current } = await device.checkOta({ url: emptyIndex(opts.dir) }, undefined, {}, endpoint));
  } catch (err) {
    throw new AdapterRefusal(
      `The device did not say which firmware it runs (${String((err as Error).message ?? err)}); wake it and try again.`,
      'unavailable',
    );
  }
  if (current.manufacturerCode !== header.manufacturerCode) {
    throw new AdapterRefusal(
      `The file is for manufacturer ${hex(header.manufacturerCode)}; the device's firmware is from ${hex(current.manufacturerCode)}.`,
    );
  }
  if (current.imageType !== header.imageType) {
    throw new AdapterRefusal(
      `The file is image type ${hex(header.imageType)}; this device runs image type ${hex(current.imageType)} (a different product).`,
    );
  }
  if (header.fileVersion <= current.fileVersion) {
    throw new AdapterRefusal(
      `The file is version ${versionText(header.fileVersion)}, not newer than the device's ${versionText(current.fileVersion)}.`,
    );
  }
  return {
    header,
    check: {
      manufacturerCode: header.manufacturerCode,
      imageType: header.imageType,
      currentVersion: current.fileVersion,
      newVersion: header.fileVersion,
      size: header.totalImageSize,
      label: header.headerString,
    },
  };
}

export async function updateFirmware(
  device: ZhDevice,
  file: Uint8Array,
  opts: OtaOptions,
  onProgress: (p: FirmwareProgress) => void,
): Promise<FirmwareCheck & { swVersion: string | null }> {
  if (device.otaInProgress) throw new AdapterRefusal('An update of this device is already running.');
  const { check } = await checkFirmware(device, file, opts);
  const endpoint = otaEndpoint(device);
  const path = join(opts.dir, `${device.ieeeAddr}-${check.newVersion}.ota`);
  writeFileSync(path, file);
  try {
    const [, to] = await device.updateOta(
      { url: path },
      undefined,
      undefined,
      {},
      (percent, remaining) =>
        onProgress({ percent: Math.round(percent * 10) / 10, remainingS: Math.round(remaining) }),
      { requestTimeout: 150_000, responseDelay: opts.blockDelayMs, baseSize: 64 },
      endpoint,
    );
    if (!to) throw new AdapterRefusal('The device did not take the image.');
  } catch (err) {
    if (err instanceof AdapterRefusal) throw err;
    throw new AdapterRefusal(`The update failed: ${String((err as Error).message ?? err)}`, 'unavailable');
  } finally {
    rmSync(path, { force: true });
  }
  let swVersion: string | null = device.softwareBuildID ?? null;
  try {
    const basic = device.endpoints.find((e) => e.supportsInputCluster('genBasic')) ?? endpoint;
    const read = (await basic.read('genBasic', ['swBuildId'])) as { swBuildId?: unknown };
    if (typeof read.swBuildId === 'string') {
      swVersion = read.swBuildId;
      device.softwareBuildID = swVersion;
      device.save();
    }
  } catch {
    // the update succeeded; the version is read again at the next interview
  }
  return { ...check, swVersion };
}

/** block requests tell how far the device is; herdsman itself reports only every 30 s */
export function progressOfBlockRequest(
  data: unknown,
  totalBytes: number,
): { percent: number; remainingS: null } | null {
  const offset = (data as { fileOffset?: unknown } | null)?.fileOffset;
  if (typeof offset !== 'number' || totalBytes <= 0) return null;
  return { percent: Math.min(99.9, Math.round((offset / totalBytes) * 1000) / 10), remainingS: null };
}
