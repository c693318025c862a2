import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretStore } from '../../../shared/adapter/contract.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';

interface SecretDoc {
  id: string;
  iv: string;
  tag: string;
  data: string;
}

const NAME = /^[a-z0-9][a-z0-9._:-]{0,127}$/i;

/**
 * Secrets encrypted at rest with AES-256-GCM under the host's master key. The document id is
 * bound in as additional data, so a ciphertext moved to another name does not decrypt.
 */
export class EncryptedSecretStore implements SecretStore {
  readonly #db: TrussDatabase;
  readonly #key: Buffer;
  readonly #prefix: string;

  constructor(db: TrussDatabase, key: Buffer, prefix = '') {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
    this.#db = db;
    this.#key = key;
    this.#prefix = prefix;
  }

  /** A view limited to names under `namespace:` (one per adapter). */
  scoped(namespace: string): SecretStore {
    return new EncryptedSecretStore(this.#db, this.#key, `${this.#prefix}${namespace}:`);
  }

  #id(name: string): string {
    if (!NAME.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name)}`);
    return this.#prefix + name;
  }

  async get(name: string): Promise<string | null> {
    const id = this.#id(name);
    const doc = await this.#db.secrets.findOne(id).exec();
    if (!doc) return null;
    const s = plain<SecretDoc>(doc);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(s.iv, 'base64'));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(`secret "${id}" does not decrypt: the key file does not match this database`);
    }
  }

  async set(name: string, value: string): Promise<void> {
    const id = this.#id(name);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(id));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await this.#db.secrets.upsert({
      id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    });
  }

  async delete(name: string): Promise<void> {
    await (await this.#db.secrets.findOne(this.#id(name)).exec())?.remove();
  }
}
