export interface BrokerLimits {
  maxPayloadBytes?: number;
  maxConnections?: number;
  maxQueuedPerClient?: number;
  maxMsgsPerSecPerClient?: number;
  /** connections not yet authenticated (TCP before CONNECT, TLS in handshake), in total */
  maxPendingTotal?: number;
  /** ... and from one source address (loopback excepted) */
  maxPendingPerSource?: number;
  /** retained payload bytes one client may park on the broker */
  maxRetainedBytesPerClient?: number;
}

export type ResolvedLimits = Required<BrokerLimits>;

/**
 * Defaults sized for a building: hundreds of devices that each publish a few messages a
 * second. aedes costs ~21-50 KB per connection and queues without bound, hence the caps.
 */
export function resolveLimits(limits: BrokerLimits = {}): ResolvedLimits {
  const pick = (v: number | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < 1) throw new Error(`broker limit ${name} must be a positive integer`);
    return v;
  };
  return {
    maxPayloadBytes: pick(limits.maxPayloadBytes, 256 * 1024, 'maxPayloadBytes'),
    maxConnections: pick(limits.maxConnections, 2000, 'maxConnections'),
    maxQueuedPerClient: pick(limits.maxQueuedPerClient, 64, 'maxQueuedPerClient'),
    maxMsgsPerSecPerClient: pick(limits.maxMsgsPerSecPerClient, 100, 'maxMsgsPerSecPerClient'),
    maxPendingTotal: pick(limits.maxPendingTotal, 256, 'maxPendingTotal'),
    maxPendingPerSource: pick(limits.maxPendingPerSource, 32, 'maxPendingPerSource'),
    // a Zigbee2MQTT bridge retains bridge/devices and bridge/definitions of several MB each
    maxRetainedBytesPerClient: pick(
      limits.maxRetainedBytesPerClient,
      16 * 1024 * 1024,
      'maxRetainedBytesPerClient',
    ),
  };
}

/** Room in a frame for the topic (up to 64 KiB by the protocol) and packet id on top of the payload. */
export function maxFrameBytes(limits: ResolvedLimits): number {
  return limits.maxPayloadBytes + 65_536 + 16;
}
