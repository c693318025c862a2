import { Zcl } from 'zigbee-herdsman';
import type { AttributeValues, DeviceSpec } from './devices.ts';

/**
 * The application side of one emulated device: it answers ZCL reads/writes/reporting
 * configuration from its attribute values and changes state on cluster commands the way a real
 * plug, bulb or valve does, returning the frames it sends back.
 */

export interface ZclOut {
  endpoint: number;
  clusterId: number;
  data: Buffer;
}

const STATUS_SUCCESS = 0;
const STATUS_UNSUPPORTED_ATTRIBUTE = 0x86;
const STATUS_UNSUP_COMMAND = 0x81;

interface AttrDef {
  ID: number;
  type: number;
  name: string;
}
interface ClusterDef {
  ID: number;
  name: string;
  attributes: Record<string, AttrDef>;
}

export function clusterDef(idOrName: number | string): ClusterDef | null {
  try {
    return Zcl.Utils.getCluster(idOrName, undefined, {}) as unknown as ClusterDef;
  } catch {
    return null;
  }
}

const STATUS_UNSUPPORTED_CLUSTER = 0xc3;

function unsupportedCluster(
  endpoint: number,
  clusterId: number,
  header: {
    manufacturerCode?: number | undefined;
    transactionSequenceNumber: number;
    commandIdentifier: number;
  },
): ZclOut {
  const manuf = header.manufacturerCode !== undefined;
  // frame control: global, server to client, no default response (+ manufacturer specific)
  const head = manuf ? [0x1c, header.manufacturerCode! & 0xff, header.manufacturerCode! >> 8] : [0x18];
  const data = Buffer.from([
    ...head,
    header.transactionSequenceNumber,
    0x0b,
    header.commandIdentifier,
    STATUS_UNSUPPORTED_CLUSTER,
  ]);
  return { endpoint, clusterId, data };
}

/** what the device's OTA client (genOta) runs and asks for */
export interface OtaClientState {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
}

interface OtaDownload {
  offer: OtaClientState;
  size: number;
  data: Buffer[];
  received: number;
}

/** the node descriptor's manufacturer code the emulator gives every device */
export const EMULATED_MANUFACTURER_CODE = 0x1037;
/** blocks a small device asks for (real firmware uses 48-64 bytes) */
const OTA_BLOCK_BYTES = 64;
const STATUS_INVALID_IMAGE = 0x96;

export class ZclDevice {
  readonly spec: DeviceSpec;
  readonly groups = new Set<number>();
  readonly ota: OtaClientState;
  /** block requests sent in the current and past downloads (tests: 'nothing was sent') */
  otaBlocksRequested = 0;
  /** set when an upgrade finished: the emulator reboots the device (device announce) */
  onRebooted: (() => void) | null = null;
  #download: OtaDownload | null = null;
  #tsn = 0;

  constructor(spec: DeviceSpec) {
    this.spec = { ...spec, attributes: structuredClone(spec.attributes) };
    this.ota = {
      manufacturerCode: EMULATED_MANUFACTURER_CODE,
      imageType: spec.otaImageType ?? 0x0101,
      fileVersion: 0x01000000,
    };
  }

  values(endpoint: number, cluster: string): AttributeValues {
    const key = `${endpoint}/${cluster}`;
    this.spec.attributes[key] ??= {};
    return this.spec.attributes[key];
  }

  /** an unsolicited attribute report, as a device sends on change or on its reporting interval */
  report(endpoint: number, cluster: string, values: AttributeValues): ZclOut | null {
    const def = clusterDef(cluster);
    if (!def) return null;
    Object.assign(this.values(endpoint, cluster), values);
    const payload = Object.entries(values).flatMap(([name, value]) => {
      const attr = def.attributes[name];
      return attr ? [{ attrId: attr.ID, dataType: attr.type, attrData: value }] : [];
    });
    if (payload.length === 0) return null;
    const frame = Zcl.Frame.create(
      Zcl.FrameType.GLOBAL,
      Zcl.Direction.SERVER_TO_CLIENT,
      true,
      undefined,
      this.#nextTsn(),
      'report',
      def.ID,
      payload,
      {},
    );
    return { endpoint, clusterId: def.ID, data: frame.toBuffer() };
  }

  /** handles one ZCL frame addressed to `endpoint`; returns responses and resulting reports */
  handle(endpoint: number, clusterId: number, data: Buffer): ZclOut[] {
    const header = Zcl.Header.fromBuffer(data);
    if (!header) return [];
    const def = clusterDef(clusterId);
    // a manufacturer cluster the emulator does not model: refuse it at once, as firmware does
    if (!def) return [unsupportedCluster(endpoint, clusterId, header)];
    const frame = Zcl.Frame.fromBuffer(clusterId, header, data, {});
    const cmd = frame.command.name;
    const reply = (command: string, payload: unknown, type = Zcl.FrameType.GLOBAL): ZclOut => ({
      endpoint,
      clusterId,
      data: Zcl.Frame.create(
        type,
        Zcl.Direction.SERVER_TO_CLIENT,
        true,
        header.manufacturerCode,
        header.transactionSequenceNumber,
        command,
        clusterId,
        payload as never,
        {},
      ).toBuffer(),
    });
    if (def.name === 'genOta' && !header.isGlobal) {
      return this.#otaClient(endpoint, cmd, frame.payload as Record<string, unknown>);
    }
    const values = this.values(endpoint, def.name);
    if (header.isGlobal) {
      switch (cmd) {
        case 'read': {
          const rows = (frame.payload as { attrId: number }[]).map(({ attrId }) => {
            const attr = Object.values(def.attributes).find((a) => a.ID === attrId);
            const value = attr && values[attr.name];
            return attr && value !== undefined
              ? { attrId, status: STATUS_SUCCESS, dataType: attr.type, attrData: value }
              : { attrId, status: STATUS_UNSUPPORTED_ATTRIBUTE };
          });
          return [reply('readRsp', rows)];
        }
        case 'write': {
          const changed: AttributeValues = {};
          for (const { attrId, attrData } of frame.payload as { attrId: number; attrData: number }[]) {
            const attr = Object.values(def.attributes).find((a) => a.ID === attrId);
            if (attr) changed[attr.name] = attrData;
          }
          return [
            reply('writeRsp', [{ status: STATUS_SUCCESS }]),
            ...this.#reportOf(endpoint, def.name, changed),
          ];
        }
        case 'configReport':
          return [reply('configReportRsp', [{ status: STATUS_SUCCESS }])];
        default:
          return this.#defaultRsp(header, frame.command.ID, STATUS_UNSUP_COMMAND, reply);
      }
    }
    const changed = this.#apply(def.name, cmd, frame.payload as Record<string, number>, endpoint);
    if (changed === null) return this.#defaultRsp(header, frame.command.ID, STATUS_UNSUP_COMMAND, reply);
    const out = this.#defaultRsp(header, frame.command.ID, STATUS_SUCCESS, reply);
    if ((cmd === 'add' || cmd === 'remove') && def.name === 'genGroups') {
      out.push(reply(`${cmd}Rsp`, { status: 0, groupid: frame.payload.groupid }, Zcl.FrameType.SPECIFIC));
    }
    return [...out, ...this.#reportOf(endpoint, def.name, changed)];
  }

  /** state behaviour of the clusters the demo devices have; null = command not supported */
  #apply(cluster: string, cmd: string, p: Record<string, number>, endpoint: number): AttributeValues | null {
    const v = this.values(endpoint, cluster);
    switch (`${cluster}.${cmd}`) {
      case 'genOnOff.on':
        return { onOff: 1 };
      case 'genOnOff.off':
        return { onOff: 0 };
      case 'genOnOff.toggle':
        return { onOff: v.onOff ? 0 : 1 };
      case 'genLevelCtrl.moveToLevel':
      case 'genLevelCtrl.moveToLevelWithOnOff': {
        const level = Math.max(0, Math.min(254, p.level ?? 0));
        if (cmd === 'moveToLevelWithOnOff') {
          Object.assign(this.values(endpoint, 'genOnOff'), { onOff: level > 0 ? 1 : 0 });
        }
        return { currentLevel: level };
      }
      case 'hvacThermostat.setpointRaiseLower': {
        const cur = Number(v.occupiedHeatingSetpoint ?? 2000);
        return { occupiedHeatingSetpoint: cur + (p.amount ?? 0) * 10 };
      }
      case 'genIdentify.identify':
        return { identifyTime: p.identifytime ?? 0 };
      case 'genGroups.add':
        this.groups.add(p.groupid ?? 0);
        return {};
      case 'genGroups.remove':
        this.groups.delete(p.groupid ?? 0);
        return {};
      case 'genGroups.removeAll':
        this.groups.clear();
        return {};
      default:
        return null;
    }
  }

  /**
   * The device side of the OTA Upgrade cluster as a real client runs it: imageNotify ->
   * queryNextImageRequest; an offered image -> imageBlockRequest until it has every byte ->
   * upgradeEndRequest (INVALID_IMAGE when the bytes are not an OTA file); upgradeEndResponse ->
   * it boots the new version and reports it.
   */
  #otaClient(endpoint: number, cmd: string, p: Record<string, unknown>): ZclOut[] {
    const request = (command: string, payload: Record<string, unknown>): ZclOut => ({
      endpoint,
      clusterId: 0x0019,
      data: Zcl.Frame.create(
        Zcl.FrameType.SPECIFIC,
        Zcl.Direction.CLIENT_TO_SERVER,
        true,
        undefined,
        this.#nextTsn(),
        command,
        0x0019,
        payload as never,
        {},
      ).toBuffer(),
    });
    const blockRequest = (d: OtaDownload) => {
      this.otaBlocksRequested++;
      return request('imageBlockRequest', {
        fieldControl: 0,
        ...d.offer,
        fileOffset: d.received,
        maximumDataSize: OTA_BLOCK_BYTES,
      });
    };
    switch (cmd) {
      case 'imageNotify':
        return [request('queryNextImageRequest', { fieldControl: 0, ...this.ota })];
      case 'queryNextImageResponse': {
        if (p.status !== STATUS_SUCCESS) return [];
        this.#download = {
          offer: {
            manufacturerCode: Number(p.manufacturerCode),
            imageType: Number(p.imageType),
            fileVersion: Number(p.fileVersion),
          },
          size: Number(p.imageSize),
          data: [],
          received: 0,
        };
        return [blockRequest(this.#download)];
      }
      case 'imageBlockResponse': {
        const d = this.#download;
        if (!d || p.status !== STATUS_SUCCESS || Number(p.fileOffset) !== d.received) return [];
        const chunk = Buffer.from(p.data as Buffer);
        d.data.push(chunk);
        d.received += chunk.length;
        if (chunk.length > 0 && d.received < d.size) return [blockRequest(d)];
        const image = Buffer.concat(d.data);
        const valid = image.length === d.size && image.length >= 4 && image.readUInt32LE(0) === 0x0beef11e;
        return [
          request('upgradeEndRequest', { status: valid ? STATUS_SUCCESS : STATUS_INVALID_IMAGE, ...d.offer }),
        ];
      }
      case 'upgradeEndResponse': {
        const d = this.#download;
        this.#download = null;
        if (!d) return [];
        Object.assign(this.ota, d.offer);
        const v = d.offer.fileVersion;
        this.values(1, 'genBasic').swBuildId = `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}`;
        this.onRebooted?.();
        return [];
      }
      default:
        return [];
    }
  }

  #reportOf(endpoint: number, cluster: string, changed: AttributeValues): ZclOut[] {
    const out: ZclOut[] = [];
    if (Object.keys(changed).length > 0) {
      const r = this.report(endpoint, cluster, changed);
      if (r) out.push(r);
    }
    // an on/off switched on the side by a level command is reported too, as real bulbs do
    if (cluster === 'genLevelCtrl' && this.spec.attributes[`${endpoint}/genOnOff`]) {
      const r = this.report(endpoint, 'genOnOff', { onOff: this.values(endpoint, 'genOnOff').onOff ?? 0 });
      if (r) out.push(r);
    }
    return out;
  }

  #defaultRsp(
    header: { frameControl: { disableDefaultResponse: boolean } },
    cmdId: number,
    statusCode: number,
    reply: (command: string, payload: unknown) => ZclOut,
  ): ZclOut[] {
    if (header.frameControl.disableDefaultResponse && statusCode === STATUS_SUCCESS) return [];
    return [reply('defaultRsp', { cmdId, statusCode })];
  }

  #nextTsn(): number {
    this.#tsn = (this.#tsn + 1) & 0xff;
    return this.#tsn;
  }
}
