import { defineModule } from '../module.ts';
import { openDatabase, type TrussDatabase } from './database.ts';
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
    const db = await openDatabase(getRxStorageNodeSqlite({ databaseFile: ctx.dbFile }));
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
      health: () => ({ status: probe.ok ? 'ok' : 'down', detail: probe.detail }),
      stop: async () => {
        await db.close();
      },
    };
  },
});
