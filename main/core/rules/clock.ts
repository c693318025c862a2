/**
 * Time as the engine sees it. Production uses the system clock; tests and replay use the
 * simulated one, which only moves when told, so every delay, "for N minutes" and time trigger
 * is deterministic.
 */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
export type TimerHandle = { readonly id: number };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // Node caps timers at ~24.8 days; a longer wait re-arms itself.
    const MAX = 2 ** 31 - 1;
    const handle = { id: 0, t: null as NodeJS.Timeout | null };
    const due = Date.now() + ms;
    const arm = (left: number) => {
      handle.t = setTimeout(
        () => {
          const rest = due - Date.now();
          if (rest > 0) arm(rest);
          else fn();
        },
        Math.max(0, Math.min(left, MAX)),
      );
      handle.t.unref?.();
    };
    arm(ms);
    return handle;
  },
  clearTimer(handle) {
    const t = (handle as { t?: NodeJS.Timeout | null }).t;
    if (t) clearTimeout(t);
  },
};

interface SimTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets promise continuations (awaited commands, next actions) run before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export class SimulatedClock implements Clock {
  #now: number;
  #timers: SimTimer[] = [];
  #seq = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: ++this.#seq, at: this.#now + Math.max(0, ms), seq: this.#seq, fn };
    this.#timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  pending(): number {
    return this.#timers.length;
  }

  /** Fires every timer due up to `to`, in order, letting async work settle after each. */
  async advanceTo(to: number): Promise<void> {
    await settle();
    for (;;) {
      let next: SimTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= to && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, to);
    await settle();
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }
}
