import { connectAsync, type MqttClient } from 'mqtt';
import type { Logger } from '../../../shared/adapter/contract.ts';
import { dayAheadPrices } from '../building/day-ahead.ts';

/** The topic the demo's price feed publishes on (the demo's energy settings name it). */
export const DEMO_PRICE_TOPIC = 'market/dayahead/de-lu';

const HOUR = 3_600_000;

export interface SimPriceFeedSpec {
  nodeId: string;
  name: string;
  acl: { publish: string[]; subscribe: string[] };
}

/**
 * A day-ahead price publisher, as a site's energy supplier or a market gateway would be: after
 * connecting, and every hour, it publishes today's and tomorrow's hourly prices (retained, QoS 1)
 * in aWATTar's marketdata JSON (https://www.awattar.de/services/api: `data[]` of
 * `start_timestamp`, `end_timestamp`, `marketprice`, `unit` "Eur/MWh").
 */
export class SimPriceFeed {
  readonly #log: Logger;
  readonly #seed: number;
  readonly #now: () => number;
  readonly #utcOffsetH: number;
  #client: MqttClient | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: { log: Logger; seed: number; now?: () => number; utcOffsetH?: number }) {
    this.#log = opts.log.child({ nodeId: 'sim-price-feed' });
    this.#seed = opts.seed;
    this.#now = opts.now ?? Date.now;
    this.#utcOffsetH = opts.utcOffsetH ?? 1;
  }

  spec(): SimPriceFeedSpec {
    return {
      nodeId: 'sim-price-feed',
      name: 'Day-ahead price feed',
      acl: { publish: [DEMO_PRICE_TOPIC], subscribe: [] },
    };
  }

  /** The aWATTar payload for the local days around `now`: yesterday, today and tomorrow. */
  payload(now = this.#now()): string {
    const off = this.#utcOffsetH * HOUR;
    const today = Math.floor((now + off) / (24 * HOUR)) * 24 * HOUR - off;
    const data = [-1, 0, 1].flatMap((d) =>
      dayAheadPrices(today + d * 24 * HOUR, this.#seed, this.#utcOffsetH).map((p) => ({
        start_timestamp: p.start,
        end_timestamp: p.end,
        marketprice: p.price,
        unit: 'Eur/MWh',
      })),
    );
    return JSON.stringify({ object: 'list', data, url: '/at/v1/marketdata' });
  }

  async connect(url: string, c: { username: string; password: string }): Promise<void> {
    this.#client = await connectAsync(url, {
      clientId: c.username,
      username: c.username,
      password: c.password,
      reconnectPeriod: 1000,
    });
    await this.publish();
    this.#timer = setInterval(() => void this.publish(), HOUR);
    this.#timer.unref?.();
  }

  async publish(): Promise<void> {
    try {
      await this.#client?.publishAsync(DEMO_PRICE_TOPIC, this.payload(), { qos: 1, retain: true });
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'price publish failed');
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#client?.endAsync().catch(() => undefined);
    this.#client = null;
  }
}
