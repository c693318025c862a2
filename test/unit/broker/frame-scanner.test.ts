import { describe, expect, it } from 'vitest';
import { FrameScanner } from '../../../main/core/broker/frame-scanner.ts';

const frame = (len: number): Buffer => {
  const header = [0x30];
  let n = len;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    header.push(b);
  } while (n > 0);
  return Buffer.concat([Buffer.from(header), Buffer.alloc(len, 7)]);
};

describe('FrameScanner', () => {
  it('passes frames within the limit, however they are split across chunks', () => {
    const s = new FrameScanner(1000);
    const stream = Buffer.concat([frame(0), frame(127), frame(128), frame(1000), frame(5)]);
    for (let i = 0; i < stream.length; i += 3) expect(s.feed(stream.subarray(i, i + 3)).ok).toBe(true);
  });

  it('reports a frame over the limit from its header alone', () => {
    const s = new FrameScanner(1000);
    expect(s.feed(frame(10)).ok).toBe(true);
    const verdict = s.feed(frame(1001).subarray(0, 3));
    expect(verdict).toEqual({ ok: false, reason: 'frame over size limit', declared: 1001 });
  });

  it('reports a remaining-length varint longer than four bytes', () => {
    const s = new FrameScanner(1 << 30);
    expect(s.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).ok).toBe(false);
  });
});
