import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile } from '../../../main/core/secrets/key-file.ts';
import { EncryptedSecretStore } from '../../../main/core/secrets/secret-store.ts';
import { openDatabase } from '../../../main/core/storage/database.ts';
import { getRxStorageNodeSqlite } from '../../../main/core/storage/sqlite-rxstorage/index.ts';

describe('secrets at rest', () => {
  it('creates a 0600 key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truss-key-'));
    const k1 = loadOrCreateKeyFile(dir);
    const k2 = loadOrCreateKeyFile(dir);
    expect(k1.length).toBe(32);
    expect(k2.equals(k1)).toBe(true);
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'secrets.key'), 'short');
    expect(() => loadOrCreateKeyFile(dir)).toThrow(/not a 32-byte base64 key/);
  });

  it('stores secrets encrypted, per adapter, and refuses a wrong key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'truss-secrets-'));
    const file = join(dir, 'truss.db');
    const key = loadOrCreateKeyFile(dir);
    const db = await openDatabase(getRxStorageNodeSqlite({ databaseFile: file }), 'secrets1');
    const store = new EncryptedSecretStore(db, key);
    const ble = store.scoped('ble');
    const zigbee = store.scoped('zigbee');
    await ble.set('bindkey.A4C1381234', '231d39c1d7cc1ab1aee224cd096db932');
    await zigbee.set('network-key', 'secret network key');
    expect(await ble.get('bindkey.A4C1381234')).toBe('231d39c1d7cc1ab1aee224cd096db932');
    expect(await zigbee.get('bindkey.A4C1381234')).toBeNull();
    await expect(ble.set('../escape', 'x')).rejects.toThrow(/invalid secret name/);
    await db.close();

    // Nothing readable on disk.
    const raw = new DatabaseSync(file);
    const dump =
      JSON.stringify(raw.prepare("SELECT * FROM sqlite_master WHERE type = 'table'").all()) +
      raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((t) => JSON.stringify(raw.prepare(`SELECT * FROM "${(t as { name: string }).name}"`).all()))
        .join('');
    raw.close();
    expect(dump).not.toContain('231d39c1d7cc1ab1aee224cd096db932');
    expect(dump).not.toContain('secret network key');

    const db2 = await openDatabase(getRxStorageNodeSqlite({ databaseFile: file }), 'secrets1');
    const wrong = new EncryptedSecretStore(db2, Buffer.alloc(32, 7)).scoped('ble');
    await expect(wrong.get('bindkey.A4C1381234')).rejects.toThrow(/does not decrypt/);
    expect(await new EncryptedSecretStore(db2, key).scoped('ble').get('bindkey.A4C1381234')).toBe(
      '231d39c1d7cc1ab1aee224cd096db932',
    );
    await db2.close();
  });
});
