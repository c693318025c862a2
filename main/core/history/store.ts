import { DatabaseSync } from 'node:sqlite';
import { BatchWriter } from './batch-writer.ts';
import { HistoryCompactor } from './compaction.ts';
import { HistoryReader } from './query.ts';
import { DEFAULT_RETENTION, RetentionSweeper, checkRetention } from './retention.ts';
import { checkSample } from './sample-validation.ts';
import { migrate } from './schema.ts';
import { SeriesRegistry } from './series-registry.ts';
import type { MaintenanceResult, TimeSeriesStore, TimeSeriesStoreOptions } from './types.ts';

const DEFAULT_FLUSH_INTERVAL_MS = 250;
const DEFAULT_MAX_BATCH = 10_000;
/** While the database refuses writes we hold samples, but never without bound. */
const MAX_BUFFER_BATCHES = 50;
const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
/** Soon after start-up, so a process restarted more often than the interval still purges. */
const FIRST_MAINTENANCE_MS = 60_000;
/** Per maintenance call: long enough to make progress, short enough not to stall ingest. */
const MAINTENANCE_BUDGET_MS = 100;
/** Another connection (the document store) may hold the write lock briefly. */
const BUSY_TIMEOUT_MS = 2_000;

const noopLog = { warn() {} };

export function openTimeSeriesStore(opts: TimeSeriesStoreOptions): TimeSeriesStore {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? noopLog;
  const flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const maxBatch = Math.max(1, opts.maxBatch ?? DEFAULT_MAX_BATCH);
  const maxBuffered = maxBatch * MAX_BUFFER_BATCHES;
  const defaultRetention = opts.defaultRetention ?? DEFAULT_RETENTION;
  checkRetention(defaultRetention);

  const db = new DatabaseSync(opts.file);
  // WAL: readers never block the writer. NORMAL: a committed batch survives a process
  // crash; only a power cut can take the last one, which the durability promise allows.
  db.exec(
    `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;`,
  );
  migrate(db);
  const series = new SeriesRegistry(db);
  const writer = new BatchWriter(db, series);
  const reader = new HistoryReader(db);
  const sweeper = new RetentionSweeper(db);
  const compactor = new HistoryCompactor(db);

  let bufEntity: string[] = [];
  let bufTs: number[] = [];
  let bufValue: number[] = [];
  let written = 0;
  let rejected = 0;
  let dropped = 0;
  let writeError: string | null = null;
  let lastFlushMs = 0;
  let batches = 0;
  let closed = false;
  let lastRejectionLog = 0;

  const flushTimer = setInterval(() => flushSafely('timer'), flushIntervalMs);
  flushTimer.unref();
  let maintenanceTimer: NodeJS.Timeout = setTimeout(maintainInBackground, FIRST_MAINTENANCE_MS);
  maintenanceTimer.unref();

  function reject(reason: string, entityId: unknown): void {
    rejected++;
    // One warning per second at most: a flood of bad samples must not become a flood of logs.
    const t = Date.now();
    if (t - lastRejectionLog >= 1000) {
      lastRejectionLog = t;
      const id = typeof entityId === 'string' ? entityId.slice(0, 80) : typeof entityId;
      log.warn({ reason, entityId: id, rejectedTotal: rejected }, 'history sample rejected');
    }
  }

  function flush(): void {
    if (closed) throw new Error('time-series store is closed');
    if (bufTs.length === 0) return;
    const entities = bufEntity;
    const ts = bufTs;
    const values = bufValue;
    bufEntity = [];
    bufTs = [];
    bufValue = [];
    const started = performance.now();
    try {
      writer.write(entities, ts, values);
    } catch (err) {
      // Put the batch back in front of whatever arrived meanwhile; it is retried next flush.
      bufEntity = entities.concat(bufEntity);
      bufTs = ts.concat(bufTs);
      bufValue = values.concat(bufValue);
      dropOverflow();
      writeError = (err as Error).message;
      throw err;
    }
    writeError = null;
    lastFlushMs = performance.now() - started;
    written += ts.length;
    batches++;
  }

  function dropOverflow(): void {
    const excess = bufTs.length - maxBuffered;
    if (excess <= 0) return;
    bufEntity.splice(0, excess);
    bufTs.splice(0, excess);
    bufValue.splice(0, excess);
    dropped += excess;
    log.warn(
      { dropped: excess, maxBuffered },
      'history buffer full while the database refuses writes: oldest dropped',
    );
  }

  function flushSafely(trigger: string): void {
    try {
      flush();
    } catch (err) {
      log.warn({ err, trigger, buffered: bufTs.length }, 'history flush failed; batch kept for retry');
    }
  }

  function runMaintenance(at?: number): MaintenanceResult & { done: boolean } {
    if (closed) throw new Error('time-series store is closed');
    const swept = sweeper.sweep(series.all(), defaultRetention, at ?? now(), MAINTENANCE_BUDGET_MS);
    // Expired data goes first, so nothing is packed only to be deleted.
    const packed = swept.done ? compactor.compact(at ?? now(), MAINTENANCE_BUDGET_MS) : { done: false };
    return { ...swept, done: swept.done && packed.done };
  }

  function maintainInBackground(): void {
    let done = true;
    try {
      done = runMaintenance().done;
    } catch (err) {
      log.warn({ err }, 'history maintenance failed');
    }
    if (closed) return;
    // Unfinished: come back soon, letting ingest and queries run in between.
    maintenanceTimer = setTimeout(maintainInBackground, done ? MAINTENANCE_INTERVAL_MS : 50);
    maintenanceTimer.unref();
  }

  return {
    append(entityId, ts, value) {
      if (closed) return reject('closed', entityId);
      const why = checkSample(entityId, ts, value, now());
      if (why) return reject(why, entityId);
      bufEntity.push(entityId);
      bufTs.push(ts);
      bufValue.push(value);
      if (bufTs.length >= maxBatch) flushSafely('maxBatch');
    },
    flush,
    configure(entityId, options) {
      if (closed) throw new Error('time-series store is closed');
      if (typeof entityId !== 'string' || checkSample(entityId, now(), 0, now()) !== null) {
        throw new TypeError('configure: entityId must be a non-empty string of at most 200 characters');
      }
      if (options.retention) checkRetention(options.retention);
      // Samples appended before this call belong to the old configuration.
      flush();
      db.exec('BEGIN IMMEDIATE');
      const knownMaxId = series.maxId();
      try {
        const info = series.ensure(entityId);
        const next = {
          ...info,
          counter: options.counter ?? info.counter,
          retention: { ...info.retention, ...options.retention },
        };
        series.saveConfig(next);
        db.exec('COMMIT');
        Object.assign(info, next);
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        series.forgetAbove(knownMaxId);
        throw err;
      }
    },
    query(q) {
      if (closed) throw new Error('time-series store is closed');
      // Read-your-writes: a chart drawn right after an append shows it.
      flush();
      return reader.query(series.get(q.entityId), q, defaultRetention, now());
    },
    consumption(q) {
      if (closed) throw new Error('time-series store is closed');
      flush();
      return reader.consumption(series.get(q.entityId), q.from, q.to, q.resolution);
    },
    runMaintenance(at) {
      const { done: _done, ...counts } = runMaintenance(at);
      return counts;
    },
    stats() {
      return {
        buffered: bufTs.length,
        maxBuffered,
        written,
        rejected,
        dropped,
        writeError,
        lastFlushMs,
        batches,
      };
    },
    close() {
      if (closed) return;
      clearInterval(flushTimer);
      clearTimeout(maintenanceTimer);
      try {
        flush();
      } finally {
        closed = true;
        db.close();
      }
    },
  };
}
