import type { RxCollection } from 'rxdb';
import { Rule } from '../../../shared/rules/rule.ts';
import { Scene } from '../../../shared/rules/scene.ts';
import { Schedule } from '../../../shared/rules/schedule.ts';

export type AutomationType = 'rule' | 'scene' | 'schedule';
const PARSERS = { rule: Rule, scene: Scene, schedule: Schedule } as const;

/**
 * Rules, scenes and schedules share one RxDB collection (the free tier's collection budget is
 * small), keyed "<type>:<id>". A stored document that no longer validates (a schema change, a
 * hand-edited file) is reported and skipped, never dropped.
 */
export class AutomationRepo {
  readonly #col: RxCollection;
  readonly #now: () => number;

  constructor(col: RxCollection, now: () => number) {
    this.#col = col;
    this.#now = now;
  }

  async loadAll(): Promise<{ rules: Rule[]; scenes: Scene[]; schedules: Schedule[]; invalid: string[] }> {
    const out = {
      rules: [] as Rule[],
      scenes: [] as Scene[],
      schedules: [] as Schedule[],
      invalid: [] as string[],
    };
    for (const doc of await this.#col.find().exec()) {
      const { id, type, body } = doc.toJSON() as { id: string; type: AutomationType; body: unknown };
      const parser = PARSERS[type];
      const parsed = parser?.safeParse(body);
      if (!parsed?.success) {
        out.invalid.push(id);
        continue;
      }
      if (type === 'rule') out.rules.push(parsed.data as Rule);
      else if (type === 'scene') out.scenes.push(parsed.data as Scene);
      else out.schedules.push(parsed.data as Schedule);
    }
    return out;
  }

  async save(type: AutomationType, item: { id: string }): Promise<void> {
    await this.#col.upsert({ id: `${type}:${item.id}`, type, body: item, updatedAt: this.#now() });
  }

  async remove(type: AutomationType, id: string): Promise<boolean> {
    const doc = await this.#col.findOne(`${type}:${id}`).exec();
    if (!doc) return false;
    await doc.remove();
    return true;
  }
}
