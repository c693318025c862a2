import { type ParsedPrices, type PriceParseOptions, parsePriceFile, parsePricePayload } from './formats.ts';
import type { PriceStore, SavedPrices } from './price-store.ts';
import { PriceDataError } from './validate.ts';

export type IngestResult =
  | { ok: true; format: ParsedPrices['format']; saved: SavedPrices; skipped: number }
  | { ok: false; error: string; problems: string[] };

function ingest(store: PriceStore, series: string, source: string, parse: () => ParsedPrices): IngestResult {
  let parsed: ParsedPrices;
  try {
    parsed = parse();
  } catch (err) {
    if (err instanceof PriceDataError) return { ok: false, error: err.message, problems: err.problems };
    throw err;
  }
  const saved = store.save(series, parsed.points, `${source} (${parsed.format}, ${parsed.unit})`);
  return { ok: true, format: parsed.format, saved, skipped: parsed.skipped };
}

/**
 * An MQTT price topic's payload into the store. A refused payload changes nothing and says why;
 * the caller logs it (and may publish it back). Only errors of the data are returned, not thrown.
 */
export function ingestPricePayload(
  store: PriceStore,
  series: string,
  topic: string,
  payload: Uint8Array | string,
  opts: PriceParseOptions,
): IngestResult {
  return ingest(store, series, `mqtt ${topic.slice(0, 120)}`, () => parsePricePayload(payload, opts));
}

/** A price file an installer uploaded (CSV or JSON) into the store. */
export function ingestPriceFile(
  store: PriceStore,
  series: string,
  fileName: string,
  text: string,
  opts: PriceParseOptions,
): IngestResult {
  return ingest(store, series, `file ${fileName.slice(0, 120)}`, () => parsePriceFile(text, opts));
}
