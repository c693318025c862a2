import { AdapterRefusal } from '../../../shared/adapter/contract.ts';

const MAX_FILTERS = 32;
const MAX_FILTER_BYTES = 256;

/** Why `filter` is not an MQTT topic filter a device may hold (MQTT 3.1.1 §4.7.1), or null. */
export function filterError(filter: unknown): string | null {
  if (typeof filter !== 'string' || filter.length === 0) return 'an empty filter';
  if (new TextEncoder().encode(filter).length > MAX_FILTER_BYTES)
    return `longer than ${MAX_FILTER_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(filter)) return 'a control character';
  if (filter.startsWith('$')) return 'a broker-internal $ topic';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return '# not alone as the last level';
    if (l.includes('+') && l !== '+') return '+ not alone in its level';
  }
  return null;
}

/** An installer's ACL edit: lists of valid filters, bounded; refused with the first problem named. */
export function assertEditableAcl(acl: { publish: unknown; subscribe: unknown }): void {
  for (const kind of ['publish', 'subscribe'] as const) {
    const list = acl[kind];
    if (!Array.isArray(list)) throw new AdapterRefusal(`${kind} must be a list of topic filters`);
    if (list.length > MAX_FILTERS) throw new AdapterRefusal(`at most ${MAX_FILTERS} ${kind} filters`);
    for (const f of list) {
      const err = filterError(f);
      if (err) throw new AdapterRefusal(`${kind} filter ${JSON.stringify(String(f).slice(0, 80))}: ${err}`);
    }
  }
}
