/** One topic the broker refused a device, with how often and when last. */
export interface RefusedTopic {
  kind: 'publish' | 'subscribe';
  topic: string;
  count: number;
  last: number;
}

const MAX_TOPICS_PER_CLIENT = 32;
const MAX_CLIENTS = 2_000;

/**
 * What each device tried outside its ACL, kept for its diagnostics: an adopted device whose
 * firmware uses topics its ACL does not cover shows it on its page, not only in the server log.
 * Bounded per client and in clients (the least recently refused client goes first).
 */
export class RefusedTraffic {
  readonly #byClient = new Map<string, Map<string, RefusedTopic>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  record(clientId: string, kind: RefusedTopic['kind'], topic: string): void {
    let topics = this.#byClient.get(clientId);
    if (topics) this.#byClient.delete(clientId);
    else {
      topics = new Map();
      if (this.#byClient.size >= MAX_CLIENTS) this.#byClient.delete(this.#byClient.keys().next().value!);
    }
    this.#byClient.set(clientId, topics);
    const key = `${kind} ${topic}`;
    const hit = topics.get(key);
    if (hit) {
      hit.count++;
      hit.last = this.#now();
      return;
    }
    if (topics.size >= MAX_TOPICS_PER_CLIENT) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [k, v] of topics) if (v.last < at) [oldest, at] = [k, v.last];
      if (oldest !== null) topics.delete(oldest);
    }
    topics.set(key, { kind, topic: topic.slice(0, 256), count: 1, last: this.#now() });
  }

  of(clientId: string): RefusedTopic[] {
    return [...(this.#byClient.get(clientId)?.values() ?? [])]
      .map((t) => ({ ...t }))
      .sort((a, b) => b.last - a.last);
  }

  forget(clientId: string): void {
    this.#byClient.delete(clientId);
  }
}
