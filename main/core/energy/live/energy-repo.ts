import type { RxCollection } from 'rxdb';
import { MeteringTree } from '../../../../shared/energy/metering.ts';
import { EnergySettings } from '../../../../shared/energy/site.ts';
import { Tariff } from '../../../../shared/energy/tariff.ts';

/** One saved state of a tariff: who saved it and when, and what it was before. */
export interface TariffRevision {
  savedAt: number;
  actor: string;
  tariff: Tariff;
}

interface TariffDoc {
  tariff: Tariff;
  /** earlier states, newest first */
  revisions: TariffRevision[];
}

/** Revisions kept per tariff: enough to see a year of monthly edits and undo a bad one. */
export const MAX_REVISIONS = 50;

interface Doc {
  id: string;
  type: string;
  body: unknown;
  updatedAt: number;
}

/**
 * The energy documents in the `energy` collection: tariffs with their revisions
 * (`tariff:<id>`), the metering tree (`tree`) and the site's energy settings (`settings`). Held
 * in memory, written through; bodies are parsed again on load, so a document written by an older
 * build gets the current defaults and a corrupt one is reported, not used.
 */
export class EnergyRepo {
  readonly #col: RxCollection;
  readonly #now: () => number;
  #settings: EnergySettings = EnergySettings.parse({});
  #tree: MeteringTree | null = null;
  readonly #tariffs = new Map<string, TariffDoc>();
  /** documents that did not parse on load, in words (health shows them) */
  readonly problems: string[] = [];

  constructor(collection: RxCollection, now: () => number) {
    this.#col = collection;
    this.#now = now;
  }

  async load(): Promise<void> {
    const docs = (await this.#col.find().exec()).map((d) => d.toJSON(false) as Doc);
    for (const d of docs) {
      if (d.type === 'settings') {
        const p = EnergySettings.safeParse(d.body);
        if (p.success) this.#settings = p.data;
        else this.problems.push(`settings: ${p.error.issues[0]?.message ?? 'invalid'}`);
      } else if (d.type === 'tree') {
        const p = MeteringTree.safeParse(d.body);
        if (p.success) this.#tree = p.data;
        else this.problems.push(`metering tree: ${p.error.issues[0]?.message ?? 'invalid'}`);
      } else if (d.type === 'tariff') {
        const body = d.body as { tariff?: unknown; revisions?: unknown };
        const p = Tariff.safeParse(body.tariff);
        if (!p.success) {
          this.problems.push(`${d.id}: ${p.error.issues[0]?.message ?? 'invalid'}`);
          continue;
        }
        const revisions = Array.isArray(body.revisions)
          ? (body.revisions as TariffRevision[]).filter((r) => Tariff.safeParse(r.tariff).success)
          : [];
        this.#tariffs.set(p.data.id, { tariff: p.data, revisions });
      }
    }
  }

  get settings(): EnergySettings {
    return this.#settings;
  }

  async saveSettings(settings: EnergySettings): Promise<void> {
    await this.#put('settings', 'settings', settings);
    this.#settings = settings;
  }

  get tree(): MeteringTree | null {
    return this.#tree;
  }

  async saveTree(tree: MeteringTree): Promise<void> {
    await this.#put('tree', 'tree', tree);
    this.#tree = tree;
  }

  tariffs(): Tariff[] {
    return [...this.#tariffs.values()].map((d) => d.tariff);
  }

  tariff(id: string): Tariff | null {
    return this.#tariffs.get(id)?.tariff ?? null;
  }

  revisions(id: string): TariffRevision[] {
    return this.#tariffs.get(id)?.revisions ?? [];
  }

  /** Saves a tariff; its previous state becomes the newest revision. */
  async saveTariff(tariff: Tariff, actor: string): Promise<void> {
    const prev = this.#tariffs.get(tariff.id);
    const revisions = prev
      ? [{ savedAt: this.#now(), actor, tariff: prev.tariff }, ...prev.revisions].slice(0, MAX_REVISIONS)
      : [];
    const doc: TariffDoc = { tariff, revisions };
    await this.#put(`tariff:${tariff.id}`, 'tariff', doc);
    this.#tariffs.set(tariff.id, doc);
  }

  async #put(id: string, type: string, body: unknown): Promise<void> {
    // JSON round trip: RxDB stores plain JSON, and zod outputs may carry undefined fields
    await this.#col.upsert({ id, type, body: JSON.parse(JSON.stringify(body)), updatedAt: this.#now() });
  }
}
