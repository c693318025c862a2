import { watch, type FSWatcher } from 'node:fs';
import type { AdapterFiles, SecretStore } from '../../shared/adapter/contract.ts';

export const BACKUP_FILE = 'coordinator_backup.json';
const SECRET = 'coordinatorBackupNetworkKey';
/** what stands in the file where the key was; the key itself is in the encrypted secret store */
export const SEALED = 'sealed:truss-secret-store';

type Backup = { network_key?: { key?: unknown } };

/**
 * zigbee-herdsman writes the coordinator backup (open coordinator backup format) with the network
 * key in plain hex. Truss moves the key into its encrypted secret store and leaves a marker in the
 * file (`seal`), and puts it back just before herdsman may read the file (`unseal`, at start).
 * herdsman also rewrites the file on its own (start, daily, stop): a watcher seals each new copy.
 */
export class BackupKeySeal {
  readonly #files: AdapterFiles;
  readonly #secrets: SecretStore;
  readonly #dir: string;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(files: AdapterFiles, secrets: SecretStore, dir: string) {
    this.#files = files;
    this.#secrets = secrets;
    this.#dir = dir;
  }

  async seal(): Promise<void> {
    const backup = this.#files.readJson<Backup>(BACKUP_FILE);
    const key = backup?.network_key?.key;
    if (!backup || typeof key !== 'string' || key === SEALED) return;
    await this.#secrets.set(SECRET, key);
    this.#files.write(
      BACKUP_FILE,
      JSON.stringify({ ...backup, network_key: { ...backup.network_key, key: SEALED } }, null, 2),
    );
  }

  async unseal(): Promise<void> {
    const backup = this.#files.readJson<Backup>(BACKUP_FILE);
    if (!backup || backup.network_key?.key !== SEALED) return;
    const key = await this.#secrets.get(SECRET);
    if (!key) return;
    this.#files.write(
      BACKUP_FILE,
      JSON.stringify({ ...backup, network_key: { ...backup.network_key, key } }, null, 2),
    );
  }

  /** seals every copy herdsman writes from now on (debounced), until `stopWatching` */
  watch(onError: (err: unknown) => void): void {
    this.stopWatching();
    this.#watcher = watch(this.#dir, (_event, name) => {
      if (name !== BACKUP_FILE) return;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.seal().catch(onError), 50);
    });
  }

  stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
