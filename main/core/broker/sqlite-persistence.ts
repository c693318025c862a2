import { createRequire } from 'node:module';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Client, Subscription } from 'aedes';
import type { RetainedOrigins } from './retained-origins.ts';

/**
 * aedes' in-memory persistence, written through to tables of our own in `<dataDir>/truss.db`:
 * retained messages (with who published them, so a replayed HA discovery config keeps its
 * owner), subscriptions of persistent sessions, queued QoS1/2 deliveries and QoS2 messages in
 * flight. Reads stay in memory; on start the tables are loaded back, so sessions resume and
 * queued messages are delivered after a broker or core restart.
 *
 * Wills are not persisted: a will of a broker instance that no longer runs has no client to
 * authorize it, and the broker refuses such publishes.
 */

interface Packet {
  cmd: string;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  dup?: boolean;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
}
type SubRecord = { qos: number; rh?: number; rap?: number; nl?: number };

/** the parts of aedes-persistence's in-memory class that this layer extends */
interface MemoryBase {
  setup(broker: unknown): Promise<void>;
  storeRetained(packet: Packet): Promise<void>;
  addSubscriptions(client: Client, subs: Subscription[]): Promise<void>;
  removeSubscriptions(client: Client, topics: string[]): Promise<void>;
  cleanSubscriptions(client: Client): Promise<void>;
  outgoingEnqueue(sub: { clientId: string }, packet: Packet): Promise<void>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: Packet): Promise<void>;
  outgoingUpdate(client: Client, packet: Packet): Promise<void>;
  outgoingClearMessageId(client: Client, packet: Packet): Promise<Packet | undefined>;
  incomingStorePacket(client: Client, packet: Packet): Promise<void>;
  incomingDelPacket(client: Client, packet: Packet): Promise<void>;
  cleanIncoming(client: Client): Promise<void>;
  destroy(): Promise<void>;
}
// aedes 1.x calls the promise-based class directly; the package's main export wraps it in callbacks
const MemoryPersistence = createRequire(import.meta.url)(
  'aedes-persistence/asyncPersistence.js',
) as new () => MemoryBase;

const BUSY_TIMEOUT_MS = 5000;

const encode = (p: Packet): string =>
  JSON.stringify({ ...p, payload: Buffer.from(p.payload as Buffer).toString('base64') });

const decode = (s: string): Packet => {
  const o = JSON.parse(s) as Packet & { payload: string };
  return { ...o, payload: Buffer.from(o.payload, 'base64') } as Packet;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mqtt_retained (topic TEXT PRIMARY KEY, packet TEXT NOT NULL, origin TEXT);
CREATE TABLE IF NOT EXISTS mqtt_subscriptions (client_id TEXT NOT NULL, topic TEXT NOT NULL, sub TEXT NOT NULL, PRIMARY KEY (client_id, topic));
CREATE TABLE IF NOT EXISTS mqtt_outgoing (seq INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT NOT NULL, broker_id TEXT, broker_counter INTEGER, message_id INTEGER, packet TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mqtt_outgoing_client ON mqtt_outgoing (client_id, message_id);
CREATE TABLE IF NOT EXISTS mqtt_incoming (client_id TEXT NOT NULL, message_id INTEGER NOT NULL, packet TEXT NOT NULL, PRIMARY KEY (client_id, message_id));
`;

export class SqlitePersistence extends MemoryPersistence {
  readonly #db: DatabaseSync;
  readonly #origins: RetainedOrigins;
  readonly #q: Record<string, StatementSync>;
  #closed = false;

  constructor(file: string, origins: RetainedOrigins) {
    super();
    this.#origins = origins;
    this.#db = new DatabaseSync(file);
    this.#db.exec(
      `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;`,
    );
    this.#db.exec(SCHEMA);
    const p = (sql: string): StatementSync => this.#db.prepare(sql);
    this.#q = {
      putRetained: p('INSERT OR REPLACE INTO mqtt_retained (topic, packet, origin) VALUES (?, ?, ?)'),
      delRetained: p('DELETE FROM mqtt_retained WHERE topic = ?'),
      putSub: p('INSERT OR REPLACE INTO mqtt_subscriptions (client_id, topic, sub) VALUES (?, ?, ?)'),
      delSub: p('DELETE FROM mqtt_subscriptions WHERE client_id = ? AND topic = ?'),
      delSubs: p('DELETE FROM mqtt_subscriptions WHERE client_id = ?'),
      enqueue: p(
        'INSERT INTO mqtt_outgoing (client_id, broker_id, broker_counter, message_id, packet) VALUES (?, ?, ?, ?, ?)',
      ),
      updateByCounter: p(
        'UPDATE mqtt_outgoing SET message_id = ?, packet = ? WHERE client_id = ? AND broker_id = ? AND broker_counter = ?',
      ),
      updateByMessageId: p(
        'UPDATE mqtt_outgoing SET broker_id = ?, broker_counter = ?, packet = ? WHERE seq = (SELECT seq FROM mqtt_outgoing WHERE client_id = ? AND message_id = ? ORDER BY seq LIMIT 1)',
      ),
      clearMessageId: p(
        'DELETE FROM mqtt_outgoing WHERE seq = (SELECT seq FROM mqtt_outgoing WHERE client_id = ? AND message_id = ? ORDER BY seq LIMIT 1)',
      ),
      putIncoming: p('INSERT OR REPLACE INTO mqtt_incoming (client_id, message_id, packet) VALUES (?, ?, ?)'),
      delIncoming: p('DELETE FROM mqtt_incoming WHERE client_id = ? AND message_id = ?'),
      cleanIncoming: p('DELETE FROM mqtt_incoming WHERE client_id = ?'),
    };
  }

  override async setup(broker: unknown): Promise<void> {
    await super.setup(broker);
    // loaded through the in-memory layer only: these rows are already on disk
    for (const row of this.#db.prepare('SELECT topic, packet, origin FROM mqtt_retained').all()) {
      const packet = decode(String(row.packet));
      this.#origins.record(packet.topic, (row.origin as string | null) ?? null, packet.payload.length);
      await super.storeRetained(packet);
    }
    const subs = new Map<string, Subscription[]>();
    for (const row of this.#db.prepare('SELECT client_id, topic, sub FROM mqtt_subscriptions').all()) {
      const list = subs.get(String(row.client_id)) ?? [];
      list.push({ topic: String(row.topic), ...(JSON.parse(String(row.sub)) as SubRecord) } as Subscription);
      subs.set(String(row.client_id), list);
    }
    for (const [id, list] of subs) await super.addSubscriptions({ id } as Client, list);
    for (const row of this.#db.prepare('SELECT client_id, packet FROM mqtt_outgoing ORDER BY seq').all()) {
      await super.outgoingEnqueue({ clientId: String(row.client_id) }, decode(String(row.packet)));
    }
    for (const row of this.#db.prepare('SELECT client_id, message_id, packet FROM mqtt_incoming').all()) {
      const packet = decode(String(row.packet));
      packet.messageId = Number(row.message_id);
      await super.incomingStorePacket({ id: String(row.client_id) } as Client, packet);
    }
  }

  override async storeRetained(packet: Packet): Promise<void> {
    await super.storeRetained(packet);
    if (packet.payload.length === 0) this.#q.delRetained!.run(packet.topic);
    else this.#q.putRetained!.run(packet.topic, encode(packet), this.#origins.get(packet.topic));
  }

  override async addSubscriptions(client: Client, subs: Subscription[]): Promise<void> {
    await super.addSubscriptions(client, subs);
    // a clean session's subscriptions end with its connection: nothing to keep across a restart
    if ((client as { clean?: boolean }).clean !== false) return;
    for (const s of subs) {
      const rec = { qos: s.qos, rh: s.rh, rap: s.rap, nl: s.nl };
      this.#q.putSub!.run(client.id, s.topic, JSON.stringify(rec));
    }
  }

  override async removeSubscriptions(client: Client, topics: string[]): Promise<void> {
    await super.removeSubscriptions(client, topics);
    for (const t of topics) this.#q.delSub!.run(client.id, t);
  }

  override async cleanSubscriptions(client: Client): Promise<void> {
    await super.cleanSubscriptions(client);
    this.#q.delSubs!.run(client.id);
  }

  #enqueueRow(clientId: string, packet: Packet): void {
    this.#q.enqueue!.run(
      clientId,
      packet.brokerId ?? null,
      packet.brokerCounter ?? null,
      packet.messageId ?? null,
      encode(packet),
    );
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: Packet): Promise<void> {
    await super.outgoingEnqueue(sub, packet);
    this.#enqueueRow(sub.clientId, packet);
  }

  override async outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: Packet): Promise<void> {
    await super.outgoingEnqueueCombi(subs, packet);
    this.#db.exec('BEGIN');
    try {
      for (const s of subs) this.#enqueueRow(s.clientId, packet);
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  override async outgoingUpdate(client: Client, packet: Packet): Promise<void> {
    await super.outgoingUpdate(client, packet);
    const r = this.#q.updateByCounter!.run(
      packet.messageId ?? null,
      encode(packet),
      client.id,
      packet.brokerId ?? null,
      packet.brokerCounter ?? null,
    );
    if (Number(r.changes) === 0 && packet.messageId !== undefined) {
      this.#q.updateByMessageId!.run(
        packet.brokerId ?? null,
        packet.brokerCounter ?? null,
        encode(packet),
        client.id,
        packet.messageId,
      );
    }
  }

  override async outgoingClearMessageId(client: Client, packet: Packet): Promise<Packet | undefined> {
    const cleared = await super.outgoingClearMessageId(client, packet);
    if (packet.messageId !== undefined) this.#q.clearMessageId!.run(client.id, packet.messageId);
    return cleared;
  }

  override async incomingStorePacket(client: Client, packet: Packet): Promise<void> {
    await super.incomingStorePacket(client, packet);
    this.#q.putIncoming!.run(client.id, packet.messageId ?? 0, encode(packet));
  }

  override async incomingDelPacket(client: Client, packet: Packet): Promise<void> {
    await super.incomingDelPacket(client, packet);
    this.#q.delIncoming!.run(client.id, packet.messageId ?? 0);
  }

  override async cleanIncoming(client: Client): Promise<void> {
    await super.cleanIncoming(client);
    this.#q.cleanIncoming!.run(client.id);
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
