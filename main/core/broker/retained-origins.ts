/**
 * Who published each retained message, and how many retained bytes each client parks. aedes'
 * persistence stores a copy of the packet before it stamps the publisher's clientId, so without
 * this a bus subscriber replaying retained messages (HA discovery configs above all) could not
 * tell which device sent them. The byte count per client lets the broker cap what one device
 * may park (the probe parked 150 MB from one client).
 */
export class RetainedOrigins {
  readonly #byTopic = new Map<string, { clientId: string | null; bytes: number }>();
  readonly #bytesByClient = new Map<string, number>();

  record(topic: string, clientId: string | null, payloadLength: number): void {
    const prev = this.#byTopic.get(topic);
    if (prev?.clientId) this.#add(prev.clientId, -prev.bytes);
    if (payloadLength === 0) this.#byTopic.delete(topic);
    else {
      this.#byTopic.set(topic, { clientId, bytes: payloadLength });
      if (clientId) this.#add(clientId, payloadLength);
    }
  }

  get(topic: string): string | null {
    return this.#byTopic.get(topic)?.clientId ?? null;
  }

  /** the retained bytes `clientId` would hold if it retained `payloadLength` bytes on `topic` */
  bytesAfter(topic: string, clientId: string, payloadLength: number): number {
    const prev = this.#byTopic.get(topic);
    const freed = prev?.clientId === clientId ? prev.bytes : 0;
    return (this.#bytesByClient.get(clientId) ?? 0) - freed + payloadLength;
  }

  #add(clientId: string, delta: number): void {
    const next = (this.#bytesByClient.get(clientId) ?? 0) + delta;
    if (next <= 0) this.#bytesByClient.delete(clientId);
    else this.#bytesByClient.set(clientId, next);
  }
}
