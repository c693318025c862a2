import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface DescriptorLimits {
  soft: number | null;
  hard: number | null;
  raised: boolean;
}

function readLimits(): { soft: number | null; hard: number | null } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').split(/\s{2,}/).slice(1, 3);
    const num = (v: string | undefined) => (v === undefined || v === 'unlimited' ? null : Number(v));
    return { soft: num(soft), hard: num(hard) };
  } catch {
    return { soft: null, hard: null };
  }
}

/**
 * Every connection costs a descriptor; the soft RLIMIT_NOFILE is often 1,024 while the hard limit
 * allows far more. Node has no setrlimit, so on Linux util-linux's `prlimit` raises this process's
 * soft limit to its hard limit (allowed without privileges). Where that is not possible the
 * limits stay as they are and the caps below them are sized from the soft one.
 */
export function raiseDescriptorLimit(): DescriptorLimits {
  const before = readLimits();
  if (
    process.platform !== 'linux' ||
    before.soft === null ||
    before.hard === null ||
    before.soft >= before.hard
  )
    return { ...before, raised: false };
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${before.hard}:${before.hard}`], {
      stdio: 'ignore',
      timeout: 2000,
    });
  } catch {
    return { ...before, raised: false };
  }
  const after = readLimits();
  return { ...after, raised: (after.soft ?? 0) > before.soft };
}

/** Unauthenticated connections may hold at most a quarter of the descriptors (and 4,096). */
export function maxPendingFor(soft: number | null): number {
  return Math.max(64, Math.min(4096, Math.floor((soft ?? 1024) / 4)));
}
