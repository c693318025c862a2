/**
 * Bits written and read most-significant first, for the packed sample format. Values up to 53
 * bits (every integer a double holds exactly) are split into 32-bit parts, so no BigInt is needed
 * on the ingest path.
 */
export class BitWriter {
  #buf = new Uint8Array(256);
  #bytes = 0;
  /** bits used in the current byte (0-7) */
  #bit = 0;

  /** the low `n` bits of `value` (an unsigned integer below 2^32), 0 <= n <= 32 */
  write(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.#writeBit((value >>> i) & 1);
  }

  /** an unsigned integer below 2^53 in `n` bits (n <= 53) */
  writeWide(value: number, n: number): void {
    if (n <= 32) return this.write(value >>> 0, n);
    this.write(Math.floor(value / 2 ** 32), n - 32);
    this.write(value >>> 0, 32);
  }

  #writeBit(bit: number): void {
    if (this.#bit === 0) {
      if (this.#bytes === this.#buf.length) {
        const next = new Uint8Array(this.#buf.length * 2);
        next.set(this.#buf);
        this.#buf = next;
      }
      this.#buf[this.#bytes++] = 0;
    }
    if (bit) this.#buf[this.#bytes - 1]! |= 0x80 >>> this.#bit;
    this.#bit = (this.#bit + 1) & 7;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#bytes);
  }
}

export class BitReader {
  readonly #buf: Uint8Array;
  #pos: number;

  constructor(buf: Uint8Array, byteOffset = 0) {
    this.#buf = buf;
    this.#pos = byteOffset * 8;
  }

  bit(): number {
    const byte = this.#pos >>> 3;
    if (byte >= this.#buf.length) throw new RangeError('packed samples end early');
    const b = (this.#buf[byte]! >>> (7 - (this.#pos & 7))) & 1;
    this.#pos++;
    return b;
  }

  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = ((v << 1) | this.bit()) >>> 0;
    return v;
  }

  readWide(n: number): number {
    if (n <= 32) return this.read(n);
    const hi = this.read(n - 32);
    return hi * 2 ** 32 + this.read(32);
  }
}
