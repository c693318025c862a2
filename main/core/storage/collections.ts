import type { RxJsonSchema } from 'rxdb';

/**
 * The document collections. Free RxDB allows at most 13 open collections per process, so
 * collections are per concept and coarse (settings and secrets are keyed documents in one
 * collection each; rules, scenes and schedules share `automations`) — 11 of 13 are used here
 * (`energy` holds tariffs, the metering tree and the site's energy settings). High-volume data (telemetry, rule traces, broker
 * persistence) lives in plain SQLite tables of the same file instead.
 */
const str = (maxLength = 200) => ({ type: 'string', maxLength }) as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableNum = { type: ['number', 'null'] } as const;

function schema<T>(
  title: string,
  primaryKey: string,
  properties: Record<string, unknown>,
  required: string[],
  indexes: (string | string[])[] = [],
): RxJsonSchema<T> {
  return {
    title,
    version: 0,
    primaryKey,
    type: 'object',
    properties: properties as never,
    required: required as never,
    indexes,
  } as unknown as RxJsonSchema<T>;
}

export const COLLECTION_SCHEMAS = {
  settings: schema('settings', 'id', { id: str(), value: {} }, ['id']),
  zones: schema(
    'zones',
    'id',
    { id: str(), name: { type: 'string' }, kind: { type: 'string' }, parentId: nullableStr },
    ['id', 'name', 'kind'],
  ),
  devices: schema(
    'devices',
    'id',
    {
      id: str(),
      name: { type: 'string' },
      zoneId: nullableStr,
      adapter: { type: 'string' },
      address: { type: 'string' },
      manufacturer: nullableStr,
      model: nullableStr,
      swVersion: nullableStr,
      availability: { type: 'string' },
      lastSeen: nullableNum,
      createdAt: { type: 'number' },
      // A removed device stays on record, so re-pairing it restores its name, zone and entity ids.
      removedAt: nullableNum,
      banned: { type: 'boolean' },
    },
    ['id', 'name', 'adapter', 'address', 'createdAt'],
  ),
  entities: schema(
    'entities',
    'id',
    {
      id: str(),
      deviceId: str(),
      key: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      deviceClass: nullableStr,
      unit: nullableStr,
      writable: { type: 'boolean' },
      attributes: { type: 'object' },
      createdAt: { type: 'number' },
    },
    ['id', 'deviceId', 'key', 'kind'],
    ['deviceId'],
  ),
  users: schema(
    'users',
    'id',
    {
      id: str(),
      username: str(64),
      passwordHash: { type: 'string' },
      role: { type: 'string' },
      createdAt: { type: 'number' },
    },
    ['id', 'username', 'passwordHash', 'role', 'createdAt'],
    ['username'],
  ),
  sessions: schema(
    'sessions',
    'id',
    {
      id: str(128),
      userId: str(),
      createdAt: { type: 'number' },
      expiresAt: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
    },
    ['id', 'userId', 'createdAt', 'expiresAt'],
    ['expiresAt'],
  ),
  audit: schema(
    'audit',
    'id',
    {
      id: str(),
      ts: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
      actor: { type: 'string' },
      role: { type: 'string' },
      action: { type: 'string' },
      target: nullableStr,
      outcome: { type: 'string' },
      detail: nullableStr,
    },
    ['id', 'ts', 'actor', 'role', 'action', 'outcome'],
    ['ts'],
  ),
  credentials: schema(
    'credentials',
    'username',
    {
      username: str(128),
      passwordHash: { type: 'string' },
      publish: { type: 'array', items: { type: 'string' } },
      subscribe: { type: 'array', items: { type: 'string' } },
      createdAt: { type: 'number' },
      disabled: { type: 'boolean' },
    },
    ['username', 'passwordHash', 'publish', 'subscribe', 'createdAt'],
  ),
  secrets: schema(
    'secrets',
    'id',
    { id: str(200), iv: { type: 'string' }, tag: { type: 'string' }, data: { type: 'string' } },
    ['id', 'iv', 'tag', 'data'],
  ),
  // Rules, scenes and schedules in one collection ("<type>:<id>"); their traces live in SQLite.
  automations: schema(
    'automations',
    'id',
    { id: str(), type: str(16), body: { type: 'object' }, updatedAt: { type: 'number' } },
    ['id', 'type', 'body', 'updatedAt'],
  ),
  // Tariffs (with their revisions), the metering tree and energy settings ("<type>:<id>").
  energy: schema(
    'energy',
    'id',
    { id: str(), type: str(16), body: { type: 'object' }, updatedAt: { type: 'number' } },
    ['id', 'type', 'body', 'updatedAt'],
  ),
} as const;

export type CollectionName = keyof typeof COLLECTION_SCHEMAS;
