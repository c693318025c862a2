/**
 * Admission for password checks. scrypt runs on libuv's small thread pool (shared with file
 * I/O) and takes ~16 MiB per call, so at most `concurrency` run at once; the rest wait their
 * turn (a building's devices all reconnect together after a restart) up to `maxWaiting`, past
 * which a CONNECT is refused so a storm cannot pile up without bound.
 */
export class AuthGate {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(concurrency: number, maxWaiting: number) {
    this.#concurrency = concurrency;
    this.#maxWaiting = maxWaiting;
  }

  /** runs `task` when a slot is free; null when the queue is full */
  run<T>(task: () => Promise<T>): Promise<T> | null {
    let turn: Promise<void>;
    if (this.#running < this.#concurrency) {
      // the slot is taken synchronously, so a burst of calls in one tick cannot overshoot
      this.#running++;
      turn = Promise.resolve();
    } else if (this.#waiting.length < this.#maxWaiting) {
      // a finishing task hands its slot straight to the next in line (#running stays the same)
      turn = new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else return null;
    return turn.then(async () => {
      try {
        return await task();
      } finally {
        const next = this.#waiting.shift();
        if (next) next();
        else this.#running--;
      }
    });
  }
}
