import { expect, it } from 'vitest';
import { AuthGate } from '../../../main/core/broker/auth-gate.ts';

it('AuthGate runs at most `concurrency` tasks, queues up to `maxWaiting`, refuses beyond', async () => {
  const gate = new AuthGate(2, 3);
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const task = () =>
    new Promise<number>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      releases.push(() => {
        running--;
        resolve(1);
      });
    });
  const accepted = Array.from({ length: 5 }, () => gate.run(task));
  expect(accepted.every((p) => p !== null)).toBe(true);
  expect(gate.run(task)).toBeNull(); // 2 running + 3 waiting
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    releases.shift()?.();
  }
  expect(await Promise.all(accepted)).toEqual([1, 1, 1, 1, 1]);
  expect(peak).toBe(2);
});
