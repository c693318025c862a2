/**
 * Reads MQTT fixed headers as bytes arrive and reports a frame whose declared length is over
 * the limit before its body is buffered: the MQTT parser would otherwise hold up to 256 MB per
 * connection waiting for a body that a hostile client announces but never needs to send.
 */
export type ScanResult = { ok: true } | { ok: false; reason: string; declared?: number };

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

export class FrameScanner {
  readonly #maxFrameBytes: number;
  #state = HEADER;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  feed(chunk: Uint8Array): ScanResult {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === HEADER) {
        i++;
        this.#state = LENGTH;
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
      } else if (this.#state === LENGTH) {
        const byte = chunk[i++] as number;
        this.#length += (byte & 0x7f) * this.#multiplier;
        this.#multiplier *= 128;
        this.#lengthBytes++;
        if (byte & 0x80) {
          if (this.#lengthBytes >= 4) return { ok: false, reason: 'malformed remaining length' };
          continue;
        }
        if (this.#length > this.#maxFrameBytes) {
          return { ok: false, reason: 'frame over size limit', declared: this.#length };
        }
        this.#remaining = this.#length;
        this.#state = this.#remaining === 0 ? HEADER : BODY;
      } else {
        const take = Math.min(this.#remaining, chunk.length - i);
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = HEADER;
      }
    }
    return { ok: true };
  }
}
