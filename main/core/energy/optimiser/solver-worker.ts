import { parentPort } from 'node:worker_threads';
import type { PlanProblem } from './plan-problem.ts';
import { type SolveOptions, solveProblem } from './solve-model.ts';

/**
 * The solver's thread: HiGHS' solve is synchronous WebAssembly, so it runs here and the core's
 * event loop keeps serving devices and clients while a plan is solved. One request at a time.
 */
export interface SolveRequest {
  id: number;
  problem: PlanProblem;
  options: SolveOptions;
}

const port = parentPort;
if (!port) throw new Error('solver-worker.ts runs as a worker thread');
port.on('message', (req: SolveRequest) => {
  solveProblem(req.problem, req.options).then(
    (result) => port.postMessage({ id: req.id, result }),
    (err: unknown) => port.postMessage({ id: req.id, error: (err as Error).message ?? String(err) }),
  );
});
