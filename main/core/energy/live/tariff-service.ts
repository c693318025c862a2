import type { Logger } from '../../../../shared/adapter/contract.ts';
import { type EnergySettings } from '../../../../shared/energy/site.ts';
import {
  type Tariff,
  checkTariffUpdate,
  exportTariff,
  formatIssues,
  importTariff,
  Tariff as TariffSchema,
} from '../../../../shared/energy/tariff.ts';
import { CoreError } from '../../errors.ts';
import { type TariffContext, createTariffContext } from '../tariffs/context.ts';
import { type IngestResult, ingestPriceFile, ingestPricePayload } from '../tariffs/dynamic/ingest.ts';
import type { PriceStore } from '../tariffs/dynamic/price-store.ts';
import { localDateOf } from '../tariffs/local-calendar.ts';
import type { EnergyRepo, TariffRevision } from './energy-repo.ts';

/** Day-ahead prices not covering the next hours make a dynamic tariff fall back to its bands: worth a warning. */
export const PRICES_STALE_AHEAD_MS = 2 * 3_600_000;
/** how long after start a dynamic tariff may wait for its first prices before health says so */
export const FEED_GRACE_MS = 5 * 60_000;

export interface PriceFeedStatus {
  series: string | null;
  topic: string | null;
  /** end of the last known price (null: none yet) */
  knownUntil: number | null;
  lastAccepted: { at: number; source: string; count: number } | null;
  lastRefused: { at: number; source: string; reason: string } | null;
}

/** What a CoreError with field issues looks like for a list of "path: message" strings. */
function issues(errors: string[]): Array<{ path: string; message: string }> {
  return errors.map((e) => {
    const m = /^([\w.[\]]+): (.*)$/s.exec(e);
    return m ? { path: m[1]!.replace(/\[(\d+)\]/g, '.$1'), message: m[2]! } : { path: '(file)', message: e };
  });
}

/**
 * Tariffs (saved with revisions; versions already billed never change), the tariff context the
 * cost engine prices with, and day-ahead prices from files and the MQTT topic.
 */
export class TariffService {
  readonly #repo: EnergyRepo;
  readonly #prices: PriceStore;
  readonly #log: Logger;
  readonly #now: () => number;
  /** a feed needs a moment after start to deliver (a retained message, the first fetch) */
  readonly #startedAt: number;
  readonly #timezone: string;
  #ctx: TariffContext | null = null;
  #ctxKey = '';
  /** why the tariff in force could not be loaded (health) */
  contextError: string | null = null;
  readonly feed: PriceFeedStatus = {
    series: null,
    topic: null,
    knownUntil: null,
    lastAccepted: null,
    lastRefused: null,
  };

  constructor(opts: {
    repo: EnergyRepo;
    prices: PriceStore;
    log: Logger;
    now: () => number;
    timezone: string;
  }) {
    this.#repo = opts.repo;
    this.#prices = opts.prices;
    this.#log = opts.log;
    this.#now = opts.now;
    this.#startedAt = opts.now();
    this.#timezone = opts.timezone;
  }

  get timezone(): string {
    return this.#timezone;
  }

  today(): string {
    return localDateOf(this.#now(), this.#timezone);
  }

  /** The tariff in force, ready to price; null when none is chosen. */
  context(): TariffContext | null {
    const id = this.#repo.settings.tariffId;
    const tariff = id ? this.#repo.tariff(id) : null;
    if (!tariff) {
      this.contextError = id ? `the tariff "${id}" in the settings does not exist` : null;
      return null;
    }
    const key = JSON.stringify(tariff);
    if (this.#ctx && key === this.#ctxKey) return this.#ctx;
    try {
      this.#ctx = createTariffContext({ tariff, timezone: this.#timezone, prices: this.#prices });
      this.#ctxKey = key;
      this.contextError = null;
      return this.#ctx;
    } catch (err) {
      this.contextError = (err as Error).message;
      return null;
    }
  }

  list(): Tariff[] {
    return this.#repo.tariffs();
  }

  get(id: string): Tariff {
    const t = this.#repo.tariff(id);
    if (!t) throw new CoreError('not_found', `No tariff "${id}".`);
    return t;
  }

  revisions(id: string): TariffRevision[] {
    this.get(id);
    return this.#repo.revisions(id);
  }

  /**
   * Saves a tariff (validated by the API's schema already). Versions already in force are frozen:
   * a changed price starts with a new version, so billed history is never re-priced.
   */
  async save(tariff: Tariff, actor: string): Promise<Tariff> {
    const parsed = TariffSchema.safeParse(tariff);
    if (!parsed.success)
      throw new CoreError('bad_request', 'The tariff is not valid.', issues(formatIssues(parsed.error)));
    const before = this.#repo.tariff(parsed.data.id);
    if (before) {
      const why = checkTariffUpdate(before, parsed.data, this.today());
      if (why) throw new CoreError('conflict', why, [{ path: 'tariff.versions', message: why }]);
    }
    // a tariff the cost engine cannot load (an unknown holiday country or region) is refused now
    try {
      createTariffContext({ tariff: parsed.data, timezone: this.#timezone });
    } catch (err) {
      const msg = (err as Error).message.replace(/^tariff /, '');
      throw new CoreError('bad_request', `The tariff cannot be used: ${msg}`, issues([msg]));
    }
    await this.#repo.saveTariff(parsed.data, actor);
    return parsed.data;
  }

  async import(text: string, actor: string): Promise<Tariff> {
    const r = importTariff(text);
    if (!r.ok)
      throw new CoreError('bad_request', `The tariff file is not valid: ${r.errors[0]}`, issues(r.errors));
    return this.save(r.tariff, actor);
  }

  export(id: string): { fileName: string; text: string } {
    return { fileName: `tariff-${id}.json`, text: exportTariff(this.get(id)) };
  }

  #priceOptions(settings: EnergySettings) {
    const currency = this.context()?.tariff.currency ?? 'EUR';
    return {
      currency,
      timezone: this.#timezone,
      ...(settings.prices?.unit ? { unit: settings.prices.unit } : {}),
    };
  }

  #record(r: IngestResult, source: string): void {
    const at = this.#now();
    if (r.ok) {
      this.feed.lastAccepted = { at, source, count: r.saved.count };
      this.feed.knownUntil = this.#prices.knownUntil(r.saved.series);
    } else this.feed.lastRefused = { at, source, reason: r.error };
  }

  /** An uploaded price file (CSV or JSON) into the configured series. Refused files change nothing. */
  uploadFile(fileName: string, text: string): Extract<IngestResult, { ok: true }> {
    const settings = this.#repo.settings;
    if (!settings.prices)
      throw new CoreError('bad_request', 'Set up a price series in the energy settings first.', [
        { path: 'prices', message: 'no price series configured' },
      ]);
    const r = ingestPriceFile(
      this.#prices,
      settings.prices.series,
      fileName,
      text,
      this.#priceOptions(settings),
    );
    this.#record(r, `file ${fileName}`);
    if (!r.ok) {
      this.#log.warn({ fileName, reason: r.error }, 'price file refused');
      throw new CoreError(
        'bad_request',
        `The price file was refused: ${r.error}`,
        r.problems.slice(0, 20).map((p) => ({ path: 'file', message: p })),
      );
    }
    this.#log.info({ fileName, count: r.saved.count, format: r.format }, 'price file imported');
    return r;
  }

  /**
   * A payload from the price topic. Only the configured publishers (when listed) are heard; a bad
   * payload is refused with its reason logged, and never throws into the broker.
   */
  onPayload(topic: string, payload: Uint8Array, clientId: string | null): IngestResult | null {
    const settings = this.#repo.settings;
    const feed = settings.prices;
    if (!feed || feed.topic !== topic) return null;
    const source = `mqtt ${topic} from ${clientId ?? 'the core'}`;
    if (feed.publishers.length > 0 && (clientId === null || !feed.publishers.includes(clientId))) {
      const r: IngestResult = {
        ok: false,
        error: `client "${clientId ?? '(core)'}" is not a listed price publisher`,
        problems: [],
      };
      this.#record(r, source);
      this.#log.warn({ topic, clientId, reason: r.error }, 'price payload refused');
      return r;
    }
    let r: IngestResult;
    try {
      r = ingestPricePayload(this.#prices, feed.series, topic, payload, this.#priceOptions(settings));
    } catch (err) {
      r = { ok: false, error: (err as Error).message, problems: [] };
    }
    this.#record(r, source);
    if (r.ok) this.#log.info({ topic, clientId, count: r.saved.count }, 'day-ahead prices received');
    else
      this.#log.warn(
        { topic, clientId, reason: r.error, problems: r.problems.slice(0, 5) },
        'price payload refused',
      );
    return r;
  }

  prices(from: number, to: number): Array<{ start: number; end: number; price: number }> {
    const series = this.#repo.settings.prices?.series;
    return series ? this.#prices.segments(series, from, to) : [];
  }

  /** Refreshes the feed's status (series, topic, how far prices are known). */
  refreshFeed(): PriceFeedStatus {
    const p = this.#repo.settings.prices;
    this.feed.series = p?.series ?? null;
    this.feed.topic = p?.topic ?? null;
    this.feed.knownUntil = p ? this.#prices.knownUntil(p.series) : null;
    return this.feed;
  }

  /** Health of the price side (missing prices count only after a grace period from start): a dynamic tariff whose prices have run out, a tariff that cannot load. */
  problems(now: number): string[] {
    const out: string[] = [];
    const ctx = this.context();
    if (this.contextError) out.push(`tariff: ${this.contextError}`);
    const version = ctx?.versionOn(this.today())?.version;
    if (version?.dynamic) {
      const until = this.#prices.knownUntil(version.dynamic.series);
      if (until === null) {
        if (now - this.#startedAt > FEED_GRACE_MS)
          out.push(`no day-ahead prices yet for series "${version.dynamic.series}"`);
      } else if (until < now + PRICES_STALE_AHEAD_MS)
        out.push(
          `day-ahead prices end ${until <= now ? 'in the past' : 'within 2 hours'} (${new Date(until).toISOString()}): the bands apply after that`,
        );
    }
    return out;
  }
}
