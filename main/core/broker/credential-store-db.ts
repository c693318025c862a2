import type { CredentialStore, DeviceCredential } from './credentials.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';

/** Broker credentials persisted in the document database, so devices keep their logins across restarts. */
export function createDbCredentialStore(db: TrussDatabase): CredentialStore {
  return {
    async get(username) {
      const doc = await db.credentials.findOne(username).exec();
      return doc ? plain<DeviceCredential>(doc) : null;
    },
    async put(c) {
      await db.credentials.upsert({ ...c, disabled: c.disabled ?? false });
    },
    async delete(username) {
      await (await db.credentials.findOne(username).exec())?.remove();
    },
    async list() {
      return (await db.credentials.find().exec()).map((d) => plain<DeviceCredential>(d));
    },
  };
}
