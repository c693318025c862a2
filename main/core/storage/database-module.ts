import { defineModule } from '../module.ts';
import { openDatabase, type TrussDatabase } from './database.ts';
import { checkDatabaseFile } from './integrity-check.ts';
import { securePrivateDataDir } from './private-files.ts';
import { getRxStorageNodeSqlite } from './sqlite-rxstorage/index.ts';

declare module '../module.ts' {
  interface ModuleApis {
    database: TrussDatabase;
  }
}

const PROBE_MS = 30_000;

/**
 * The document database (RxDB over node:sqlite) in the data folder's truss.db. Health is a real
 * read, repeated: a database that stops answering shows as down.
 */
export const databaseModule = defineModule({
  name: 'database',
  async start(ctx) {
    // Password hashes, keys and logs live here: private whatever the umask or an older folder's mode.
    const loosened = securePrivateDataDir(ctx.dataDir);
    if (loosened > 0) ctx.log.warn({ loosened }, 'tightened data-folder entries to 0700/0600');
    const integrity = checkDatabaseFile(ctx.dbFile);
    if (!integrity.ok)
      ctx.log.error({ file: ctx.dbFile, problems: integrity.problems }, 'database integrity check failed');
    const damaged = integrity.ok
      ? null
      : `${ctx.dbFile} is damaged (quick_check: ${integrity.problems.slice(0, 3).join('; ')}). ` +
        'Restore the last verified backup, or stop Truss and salvage what is readable with ' +
        '`sqlite3 truss.db ".recover" | sqlite3 truss.recovered.db`, then put truss.recovered.db in its place.';
    let db: TrussDatabase;
    try {
      db = await openDatabase(getRxStorageNodeSqlite({ databaseFile: ctx.dbFile }));
    } catch (err) {
      // the documents themselves are unreadable: say which file and how back, not a bare SQLite error
      if (damaged) throw new Error(damaged, { cause: err });
      throw err;
    }
    let probe: { ok: boolean; detail: string } = { ok: false, detail: 'not probed yet' };
    const read = async () => {
      const t0 = performance.now();
      try {
        const users = await db.users.count().exec();
        probe = {
          ok: true,
          detail: `reads answer (${users} users, ${Math.round(performance.now() - t0)} ms)`,
        };
      } catch (err) {
        probe = { ok: false, detail: `reads fail: ${(err as Error).message}` };
      }
    };
    await read();
    ctx.every(PROBE_MS, 'database probe', read);
    return {
      api: db,
      health: () =>
        damaged
          ? { status: probe.ok ? 'degraded' : 'down', detail: `${damaged} Reads: ${probe.detail}` }
          : {
              status: probe.ok ? 'ok' : 'down',
              detail: `${probe.detail}; quick_check ok at start (${integrity.ms} ms)`,
            },
      stop: async () => {
        await db.close();
      },
    };
  },
});
