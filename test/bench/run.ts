/**
 * Runs every `test/bench/*.bench.ts` (or those whose name contains one of the arguments:
 * `npm run bench -- timeseries`) in turn and prints one table per benchmark.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatReport } from './bench-kit.ts';
import type { BenchModule } from './bench-kit.ts';

const filters = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ') || '*.bench.ts'}`);
  process.exit(2);
}

let failures = 0;
const started = performance.now();
for (const file of files) {
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') throw new Error(`${file} does not export run(): Promise<BenchReport>`);
    const report = await mod.run();
    console.log(formatReport(report));
  } catch (err) {
    failures++;
    console.error(`== ${file} FAILED`, err);
  }
  console.log(`  (${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
console.log(`${files.length} benchmark(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failures > 0 ? 1 : 0;
