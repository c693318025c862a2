import type { AvailabilityEntry } from './discovery/common.ts';
import { samePayload } from './components/model.ts';
import { compileValueTemplate } from './template.ts';

/**
 * A device's availability from its availability topics (usually its LWT). `latest` follows the
 * last message on any topic; `all` needs every topic online; `any` needs one.
 */
export class DeviceAvailability {
  readonly #topics = new Map<string, boolean>();
  #mode: 'all' | 'any' | 'latest' = 'latest';
  #latest: boolean | null = null;

  setMode(mode: 'all' | 'any' | 'latest'): void {
    this.#mode = mode;
  }

  /** the device's availability after this message, or null while still unknown */
  observe(entry: AvailabilityEntry, payload: string): boolean | null {
    const v = String(compileValueTemplate(entry.value_template)(payload));
    let online: boolean;
    if (samePayload(v, entry.payload_available)) online = true;
    else if (samePayload(v, entry.payload_not_available)) online = false;
    else
      throw new Error(
        `availability payload ${JSON.stringify(v.slice(0, 40))} is neither available nor not available`,
      );
    this.#topics.set(entry.topic, online);
    this.#latest = online;
    return this.current();
  }

  current(): boolean | null {
    if (this.#mode === 'latest') return this.#latest;
    const values = [...this.#topics.values()];
    if (values.length === 0) return null;
    return this.#mode === 'all' ? values.every(Boolean) : values.some(Boolean);
  }
}
