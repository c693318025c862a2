import { createRequire } from 'node:module';

/**
 * herdsman's own Z-Stack framing and MT command table, so the emulator speaks exactly the dialect
 * the adapter parses. The package has no exports map for these, so they are loaded by path.
 */
const require = createRequire(import.meta.url);

export interface UnpiFrame {
  type: number;
  subsystem: number;
  commandID: number;
  data: Buffer;
  toBuffer(): Buffer;
}
interface UnpiFrameClass {
  new (type: number, subsystem: number, commandID: number, data: Buffer): UnpiFrame;
  fromBuffer(length: number, fcsPosition: number, buffer: Buffer): UnpiFrame;
}
export interface MtParameter {
  name: string;
  parameterType: number;
}
export interface MtCmd {
  name: string;
  ID: number;
  type: number;
  request?: MtParameter[];
  response?: MtParameter[];
  zdoClusterId?: number;
}
interface Buffalo {
  write(type: number, value: unknown, options: object): void;
  read(type: number, options: { length?: number }): unknown;
  getWritten(): Buffer;
}

export const UnpiFrame = (
  require('zigbee-herdsman/dist/adapter/z-stack/unpi/frame.js') as { Frame: UnpiFrameClass }
).Frame;
export const MT_DEFINITION = (
  require('zigbee-herdsman/dist/adapter/z-stack/znp/definition.js') as {
    default: Record<number, MtCmd[]>;
  }
).default;
const BuffaloZnp = (
  require('zigbee-herdsman/dist/adapter/z-stack/znp/buffaloZnp.js') as {
    default: new (b: Buffer) => Buffalo;
  }
).default;
const ParameterType = (
  require('zigbee-herdsman/dist/adapter/z-stack/znp/parameterType.js') as {
    default: Record<string, number>;
  }
).default;
export const Structs = require('zigbee-herdsman/dist/adapter/z-stack/structs/index.js') as {
  nib(data?: Buffer): Record<string, unknown> & { serialize(a: 'aligned' | 'unaligned'): Buffer };
  nwkKeyDescriptor(data?: Buffer): Record<string, unknown> & {
    serialize(a: 'aligned' | 'unaligned'): Buffer;
  };
};

export const TYPE = { SREQ: 1, AREQ: 2, SRSP: 3 } as const;
export const SUBSYSTEM = { SYS: 1, AF: 4, ZDO: 5, SAPI: 6, UTIL: 7, APP_CNF: 15 } as const;

const LIST_TYPES = new Set(
  [
    'BUFFER',
    'BUFFER8',
    'BUFFER16',
    'BUFFER18',
    'BUFFER32',
    'BUFFER42',
    'BUFFER100',
    'LIST_UINT16',
    'LIST_NETWORK',
    'LIST_UINT8',
  ].map((n) => ParameterType[n]),
);

export function findCmd(subsystem: number, id: number): MtCmd | undefined {
  return MT_DEFINITION[subsystem]?.find((c) => c.ID === id);
}

export function findCmdByName(subsystem: number, name: string): MtCmd {
  const cmd = MT_DEFINITION[subsystem]?.find((c) => c.name === name);
  if (!cmd) throw new Error(`no MT command ${subsystem}/${name}`);
  return cmd;
}

export function readParams(data: Buffer, params: MtParameter[]): Record<string, unknown> {
  const buffalo = new BuffaloZnp(data);
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => {
    const opts: { length?: number } = {};
    if (LIST_TYPES.has(p.parameterType)) {
      const prev = params[i - 1];
      const len = prev && out[prev.name];
      if (typeof len === 'number') opts.length = len;
    }
    out[p.name] = buffalo.read(p.parameterType, opts);
  });
  return out;
}

export function writeParams(params: MtParameter[], values: Record<string, unknown>): Buffer {
  const buffalo = new BuffaloZnp(Buffer.alloc(250));
  for (const p of params) buffalo.write(p.parameterType, values[p.name], {});
  return buffalo.getWritten();
}
