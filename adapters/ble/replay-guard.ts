/**
 * Memory across advertisements of one device: drops repeated packets (same packet id as the last
 * one: BlueZ reports every copy when DuplicateData is on) and encrypted frames whose counter does
 * not increase (replay). A counter back at 0 is accepted: the device restarted.
 */
export class ReplayGuard {
  readonly #lastPacket = new Map<string, number>();
  readonly #lastCounter = new Map<string, number>();

  check(
    device: string,
    packetId: number | null,
    counter: number | null,
  ): { ok: true } | { ok: false; reason: string } {
    if (counter !== null) {
      const last = this.#lastCounter.get(device);
      if (last !== undefined && counter <= last && counter !== 0)
        return { ok: false, reason: `replayed or stale counter ${counter} (last accepted ${last})` };
    }
    if (packetId !== null && this.#lastPacket.get(device) === packetId && counter === null)
      return { ok: false, reason: `duplicate packet id ${packetId}` };
    if (counter !== null) this.#lastCounter.set(device, counter);
    if (packetId !== null) this.#lastPacket.set(device, packetId);
    return { ok: true };
  }

  forget(device: string): void {
    this.#lastPacket.delete(device);
    this.#lastCounter.delete(device);
  }
}
