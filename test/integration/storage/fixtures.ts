import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fillWithDefaultSettings, now, randomToken } from 'rxdb';
import type { RxDocumentData, RxJsonSchema, RxStorage } from 'rxdb';

export type TempDir = { readonly dir: string; file(name: string): string; remove(): void };

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'truss-sqlite-rxstorage-'));
  return {
    dir,
    file: (name) => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type Device = { id: string; name: string; floor: number; online: boolean };

export const deviceSchemaLiteral = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    name: { type: 'string', maxLength: 64 },
    floor: { type: 'integer', minimum: -5, maximum: 200, multipleOf: 1 },
    online: { type: 'boolean' },
  },
  required: ['id', 'name', 'floor', 'online'],
  indexes: ['name', ['online', 'floor']],
} as const;

export function deviceSchema(): RxJsonSchema<RxDocumentData<Device>> {
  return fillWithDefaultSettings(structuredClone(deviceSchemaLiteral) as unknown as RxJsonSchema<Device>);
}

export function deviceRow(doc: Device, rev = '1-a'): RxDocumentData<Device> {
  return { ...doc, _deleted: false, _attachments: {}, _rev: rev, _meta: { lwt: now() } };
}

export function createDeviceInstance(
  storage: RxStorage<unknown, unknown>,
  databaseName = 'truss',
  collectionName = 'devices',
) {
  return storage.createStorageInstance<Device>({
    databaseInstanceToken: randomToken(10),
    databaseName,
    collectionName,
    schema: deviceSchema(),
    options: {},
    multiInstance: true,
    devMode: false,
  });
}
