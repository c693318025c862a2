import { BTHOME_UUID, parseBTHome } from './bthome.ts';
import { reject, type ParseResult } from './measurement.ts';
import { MIBEACON_UUID, parseMiBeacon } from './mibeacon.ts';
import { ENVIRONMENTAL_SENSING_UUID, parsePvvx } from './pvvx.ts';
import { parseRuuvi, RUUVI_COMPANY_ID } from './ruuvi.ts';

export interface Advertisement {
  mac: string;
  serviceData: ReadonlyMap<string, Uint8Array>;
  manufacturerData: ReadonlyMap<number, Uint8Array>;
}

/** Largest legacy advertising payload: anything longer under one UUID is not a real advertisement. */
const MAX_AD_BYTES = 251;

/** Picks the parser by service UUID / company id; null when the advertisement is in no known format. */
export function decodeAdvertisement(adv: Advertisement, bindKey?: Uint8Array): ParseResult | null {
  const opts = { mac: adv.mac, ...(bindKey ? { bindKey } : {}) };
  const tooBig = (format: ParseResult['format'], d: Uint8Array) =>
    d.length > MAX_AD_BYTES ? reject(format, `oversized payload (${d.length} bytes)`) : null;
  const bthome = adv.serviceData.get(BTHOME_UUID);
  if (bthome) return tooBig('bthome', bthome) ?? parseBTHome(bthome, opts);
  const mi = adv.serviceData.get(MIBEACON_UUID);
  if (mi) return tooBig('mibeacon', mi) ?? parseMiBeacon(mi, opts);
  const ess = adv.serviceData.get(ENVIRONMENTAL_SENSING_UUID);
  if (ess) return tooBig('pvvx', ess) ?? parsePvvx(ess, adv.mac);
  const ruuvi = adv.manufacturerData.get(RUUVI_COMPANY_ID);
  if (ruuvi) return tooBig('ruuvi', ruuvi) ?? parseRuuvi(ruuvi);
  return null;
}
