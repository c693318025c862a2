import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnpiFrame } from '../../../adapters/sim/zigbee/herdsman-internals.ts';
import { ZnpEmulator } from '../../../adapters/sim/zigbee/znp-emulator.ts';

/** The emulator as a peer: hostile bytes from the host side must not break it either. */
describe('ZNP emulator wire robustness', () => {
  let emu: ZnpEmulator;
  beforeAll(async () => {
    emu = new ZnpEmulator();
    await emu.listen();
  });
  afterAll(async () => {
    await emu.close();
  });

  async function exchange(chunks: Buffer[]): Promise<Buffer> {
    const socket = connect(emu.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const got: Buffer[] = [];
    socket.on('data', (d) => got.push(d));
    for (const c of chunks) socket.write(c);
    await new Promise((r) => setTimeout(r, 150));
    socket.destroy();
    return Buffer.concat(got);
  }

  it('answers a ping after garbage, a bad checksum, an unknown command and split frames', async () => {
    const ping = new UnpiFrame(1, 1, 0x01, Buffer.alloc(0)).toBuffer();
    const reply = await exchange([
      Buffer.from([0x00, 0x13, 0x37, 0xef]),
      Buffer.from([0xfe, 0x01, 0x21, 0x01, 0x55, 0x00]), // bad checksum
      new UnpiFrame(1, 1, 0x7f, Buffer.from([1, 2])).toBuffer(), // unknown SYS command id
      new UnpiFrame(1, 1, 0x13, Buffer.alloc(0)).toBuffer(), // osalNvLength without its parameters
      ping.subarray(0, 2),
      ping.subarray(2),
    ]);
    // SRSP SYS ping: FE 02 61 01 <capabilities LE> fcs
    const at = reply.indexOf(Buffer.from([0xfe, 0x02, 0x61, 0x01]));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(emu.trace.some((t) => t.startsWith('?'))).toBe(true); // the unknown command, ignored
    expect(emu.trace.filter((t) => t.startsWith('!')).length).toBeGreaterThanOrEqual(1); // refused frames
    expect(emu.networkFormed).toBe(false);
  });

  it('keeps its NV across a snapshot and restore', () => {
    const copy = new ZnpEmulator({ nv: emu.snapshot() });
    expect(copy.snapshot()).toEqual(emu.snapshot());
  });
});
