/**
 * Ingests at a high rate into a history store until killed, printing after each burst
 * the highest sequence number appended so far ("<seq>\n"). Sample seq goes to entity
 * `sensor.k<seq % ENTITIES>` at ts = base + seq with value = seq, so the parent can tell
 * exactly which samples reached the file. Usage: node ingest-child.ts <file> <baseTs>
 */
import { openTimeSeriesStore } from '../../../main/core/history/index.ts';

const ENTITIES = 10;
/** 5,000 samples every 10 ms: ~500k samples/s, far above any building, small enough to verify quickly. */
const BURST = 5_000;
const BURST_EVERY_MS = 10;

const [file, baseArg] = process.argv.slice(2);
if (!file || !baseArg) throw new Error('usage: ingest-child.ts <file> <baseTs>');
const base = Number(baseArg);
const store = openTimeSeriesStore({ file });
let seq = 0;

function burst(): void {
  for (let i = 0; i < BURST; i++, seq++) store.append(`sensor.k${seq % ENTITIES}`, base + seq, seq);
  process.stdout.write(`${seq - 1}\n`);
  // Yield so the store's flush timer runs as it does in the real process.
  setTimeout(burst, BURST_EVERY_MS);
}
burst();
