/**
 * Who published each retained message. aedes' persistence stores a copy of the packet before
 * it stamps the publisher's clientId, so without this a bus subscriber replaying retained
 * messages (HA discovery configs above all) could not tell which device sent them.
 */
export class RetainedOrigins {
  readonly #byTopic = new Map<string, string | null>();

  record(topic: string, clientId: string | null, payloadLength: number): void {
    if (payloadLength === 0) this.#byTopic.delete(topic);
    else this.#byTopic.set(topic, clientId);
  }

  get(topic: string): string | null {
    return this.#byTopic.get(topic) ?? null;
  }
}
