import { Worker } from 'node:worker_threads';
import type { PlanProblem } from './plan-problem.ts';
import type { SolveOptions, SolveResult } from './solve-model.ts';
import type { SolveRequest } from './solver-worker.ts';

/**
 * Runs solves in a worker thread, one at a time, each within its time limit. HiGHS stops itself
 * at `timeLimitS`; should it not come back (a solve stuck in presolve, a crashed worker), the
 * worker is terminated `graceMs` later and the solve reports a timeout. A fresh worker starts
 * with the next solve.
 */
export class PlanSolver {
  readonly #graceMs: number;
  #worker: Worker | null = null;
  #next = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(opts: { graceMs?: number } = {}) {
    this.#graceMs = opts.graceMs ?? 2000;
  }

  solve(problem: PlanProblem, options: SolveOptions): Promise<SolveResult> {
    const run = this.#queue.then(() => this.#run(problem, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    if (w) await w.terminate();
  }

  #run(problem: PlanProblem, options: SolveOptions): Promise<SolveResult> {
    if (this.#closed) return Promise.reject(new Error('the plan solver is closed'));
    const worker = (this.#worker ??= this.#spawn());
    const id = this.#next++;
    return new Promise<SolveResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (msg: { id: number; result?: SolveResult; error?: string }) => {
        if (msg.id !== id) return;
        done();
        if (msg.result) resolve(msg.result);
        else reject(new Error(msg.error ?? 'the solver failed'));
      };
      const onError = (err: Error) => {
        done();
        this.#drop(worker);
        reject(err);
      };
      const onExit = (code: number) => {
        done();
        this.#drop(worker);
        reject(new Error(`the solver thread exited (${code})`));
      };
      const timer = setTimeout(
        () => {
          done();
          this.#drop(worker);
          void worker.terminate();
          resolve(timedOut(options));
        },
        options.timeLimitS * 1000 + this.#graceMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, problem, options } satisfies SolveRequest);
    });
  }

  #spawn(): Worker {
    const w = new Worker(new URL('./solver-worker.ts', import.meta.url));
    w.unref();
    return w;
  }

  #drop(worker: Worker): void {
    if (this.#worker === worker) this.#worker = null;
  }
}

function timedOut(options: SolveOptions): SolveResult {
  return {
    status: 'timeout',
    detail: `no answer within ${options.timeLimitS} s; the solver thread was stopped`,
    objective: null,
    values: {},
    duals: {},
    size: { variables: 0, binaries: 0, rows: 0 },
    ms: { build: 0, mip: options.timeLimitS * 1000, duals: 0, relaxation: null },
    relaxationObjective: null,
  };
}
