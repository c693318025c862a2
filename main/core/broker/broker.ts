import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { Aedes, type Client } from 'aedes';
import type { Logger, MqttBus } from '../../../shared/adapter/contract.ts';
import { type Acl, mayPublish, maySubscribe } from './acl.ts';
import { AuthGate } from './auth-gate.ts';
import { authenticateDevice, authenticateKnownDevice } from './authenticate.ts';
import { createBus, DENIED_TOPIC } from './bus.ts';
import { assertValidAcl, assertValidUsername, type CredentialStore } from './credentials.ts';
import { GuardedConnection } from './guarded-connection.ts';
import { type BrokerLimits, maxFrameBytes, resolveLimits } from './limits.ts';
import { LogThrottle } from '../../../shared/log-throttle.ts';
import { generatePassword, hashPassword } from '../auth/password.ts';
import { PreAuthGuard } from './pre-auth-guard.ts';
import { RateLimiter } from './rate-limiter.ts';
import { RetainedOrigins } from './retained-origins.ts';
import { SqlitePersistence } from './sqlite-persistence.ts';
import { isValidTopicFilter } from './topic-filter.ts';
import {
  ENROLLMENT_ACL,
  EnrollmentWindow,
  enrollmentTopic,
  isEnrollableClientId,
  MAX_ENROLLING,
} from './enrollment.ts';

export interface BrokerOptions {
  host: string;
  port: number;
  credentials: CredentialStore;
  log: Logger;
  limits?: BrokerLimits;
  /** MQTT over TLS (8883 by convention) with the site's server certificate */
  tls?: { host: string; port: number; key: string; cert: string };
  /** MQTT over WebSocket, for browser tools and devices behind HTTP proxies */
  websocket?: { host: string; port: number };
  /**
   * SQLite file for retained messages, persistent sessions and queued QoS1/2 deliveries (tables
   * `mqtt_*`); without it they live in memory only.
   */
  persistenceFile?: string;
}

export interface BrokerListeners {
  port: number;
  tlsPort: number | null;
  wsPort: number | null;
}

export interface BrokerStats {
  clients: number;
  published: number;
  deniedAuth: number;
  deniedAcl: number;
  dropped: number;
  /** publishes held back (and acknowledged late) by the per-client rate limit */
  slowed: number;
  /** faults since start: listener and persistence errors, with the last one's reason and time */
  faults: number;
  lastFault: { reason: string; at: number } | null;
  /** connections not yet authenticated, and those refused at the pre-authentication caps */
  pendingAuth: number;
  refusedPreAuth: number;
  /** TLS handshakes that failed or went silent (closed at the handshake timeout) */
  tlsHandshakeFailures: number;
  /** each started listener, and whether it still accepts connections */
  listening: { tcp: boolean; tls: boolean | null; ws: boolean | null };
}

export interface Broker {
  start(): Promise<BrokerListeners>;
  stop(): Promise<void>;
  bus: MqttBus;
  issueCredential(
    username: string,
    acl: { publish: string[]; subscribe: string[] },
  ): Promise<{ username: string; password: string }>;
  revokeCredential(username: string): Promise<void>;
  stats(): BrokerStats;
  /**
   * Lets devices without a credential connect until `untilMs`, sandboxed: they may only publish
   * announcements, which reach `$truss/enroll/<clientId>/...` and nobody else.
   */
  openEnrollment(untilMs: number): void;
  /** ends the window and disconnects every enrolling device */
  closeEnrollment(): Promise<void>;
  enrollmentOpenUntil(): number | null;
}

interface Session {
  acl: Acl;
  /** connected without a credential through the commissioning window */
  enrolling: boolean;
  /** messages handed to this client while its socket was backed up */
  backlog: number;
  backedUpSince: number | null;
}

/** Past this many unsent bytes a client counts as backed up and its queue starts counting. */
const BACKED_UP_BYTES = 64 * 1024;
/** A client that stays backed up this long has stopped reading: disconnect it. */
const STALLED_MS = 30_000;
const AUTH_CONCURRENCY = 2;
/** a device finishes its TLS handshake in well under a second; a silent one is closed after this */
const TLS_HANDSHAKE_MS = 5_000;
/** ~50 ms per check over 2 slots: a full queue clears in ~6 s, inside clients' connect timeouts */
const AUTH_MAX_WAITING = 256;

type AuthError = Error & { returnCode: number };

export function createBroker(opts: BrokerOptions): Broker {
  const limits = resolveLimits(opts.limits);
  const log = opts.log.child({ component: 'broker' });
  const counters = { published: 0, deniedAuth: 0, deniedAcl: 0, dropped: 0, slowed: 0 };
  /** publishes already held back once for the rate limit (checked again after their wait) */
  const paced = new WeakSet<object>();
  let faults = 0;
  let lastFault: BrokerStats['lastFault'] = null;
  const fault = (reason: string) => {
    faults++;
    lastFault = { reason, at: Date.now() };
  };

  const sessions = new WeakMap<Client, Session>();
  const preAuth = new PreAuthGuard({
    maxTotal: limits.maxPendingTotal,
    maxPerSource: limits.maxPendingPerSource,
  });
  let tlsHandshakeFailures = 0;
  const refusePending = (socket: { remoteAddress?: string | undefined; destroy(): void }): void => {
    counters.dropped++;
    throttle.warn(
      log,
      `preauth|${socket.remoteAddress}`,
      { remoteAddress: socket.remoteAddress, reason: 'too many unauthenticated connections' },
      'connection refused',
    );
    socket.destroy();
  };
  const rate = new RateLimiter(limits.maxMsgsPerSecPerClient);
  const throttle = new LogThrottle();
  const origins = new RetainedOrigins();
  const sockets = new Set<{ destroy(): void }>();
  let server: Server | null = null;
  let tlsServer: TlsServer | null = null;
  let httpServer: HttpServer | null = null;
  let wss: WebSocketServer | null = null;
  const authGate = new AuthGate(AUTH_CONCURRENCY, AUTH_MAX_WAITING);
  const enrollment = new EnrollmentWindow();
  const enrolling = new Set<Client>();

  /** null when the client must go through normal authentication */
  const enrollmentRefusal = async (
    client: Client,
    username: string | undefined,
  ): Promise<{ enroll: true } | { enroll: false; reason: string } | null> => {
    if (!enrollment.isOpen()) return null;
    if (username && (await opts.credentials.get(username))) return null;
    if (!isEnrollableClientId(client.id))
      return { enroll: false, reason: 'clientId unusable for enrollment' };
    // an enrolling client must never take over (and so kick off) an adopted device's session
    if (liveClient(client.id) || (await opts.credentials.get(client.id)))
      return { enroll: false, reason: 'clientId belongs to an adopted device' };
    if (enrolling.size >= MAX_ENROLLING) return { enroll: false, reason: 'too many devices enrolling' };
    return { enroll: true };
  };

  // Re-routing instead of failing the callback: aedes closes the connection on an
  // authorizePublish error, and a device with one wrong topic would then reconnect in a loop.
  // The client still gets its PUBACK, as with mosquitto.
  const dropPublish = (packet: { topic: string; retain: boolean; payload: Buffer | string }): void => {
    packet.topic = DENIED_TOPIC;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
  };

  const aedes = new Aedes({
    ...(opts.persistenceFile
      ? { persistence: new SqlitePersistence(opts.persistenceFile, origins) as never }
      : {}),
    connectTimeout: 10_000,
    drainTimeout: 30_000,
    maxClientsIdLength: 64,
    maxTopicLevels: 64,

    authenticate(client, username, password, done) {
      // known devices first, outside the scrypt queue (fast verifier): floods never hold them back
      const known = authenticateKnownDevice(opts.credentials, client, username, password);
      const checked = known.then((fast) => {
        if (fast) return { ...fast, enrolling: false };
        return (
          authGate.run(async () => {
            const e = await enrollmentRefusal(client, username);
            if (e?.enroll) return { ok: true as const, acl: ENROLLMENT_ACL, enrolling: true };
            if (e) return { ok: false as const, returnCode: 5, reason: e.reason };
            const r = await authenticateDevice(opts.credentials, client, username, password);
            return r.ok ? { ...r, enrolling: false } : r;
          }) ?? {
            ok: false as const,
            returnCode: 3,
            reason: 'too many logins waiting',
          }
        );
      });
      checked.then(
        (result) => {
          if (!result.ok) {
            counters.deniedAuth++;
            // refusals of a flood are many: one log line per kind per interval
            throttle.warn(
              log,
              `auth|${result.reason}`,
              { clientId: client.id, username, reason: result.reason },
              'connection refused',
            );
            const err = Object.assign(new Error(result.reason), {
              returnCode: result.returnCode,
            }) as AuthError;
            return done(err as never, false);
          }
          sessions.set(client, {
            acl: result.acl,
            enrolling: result.enrolling,
            backlog: 0,
            backedUpSince: null,
          });
          if (result.enrolling) {
            enrolling.add(client);
            log.info({ clientId: client.id }, 'device enrolling (commissioning window)');
          }
          done(null, true);
        },
        (err: Error) => {
          counters.deniedAuth++;
          log.error({ clientId: client.id, reason: err.message }, 'authentication failed');
          done(Object.assign(err, { returnCode: 3 }) as never, false);
        },
      );
    },

    authorizePublish(client, packet, done) {
      if (!client) {
        // a will left over from a session the broker no longer knows: no owner to check
        counters.deniedAcl++;
        log.warn(
          { clientId: null, topic: packet.topic, reason: 'publish without a client' },
          'publish denied',
        );
        return done(new Error('publish without a client'));
      }
      const session = sessions.get(client);
      if (!session) return done(new Error('not authenticated'));
      const payload = packet.payload as Buffer;
      if (payload.length > limits.maxPayloadBytes) {
        counters.dropped++;
        log.warn(
          {
            clientId: client.id,
            topic: packet.topic,
            reason: 'payload over limit',
            bytes: payload.length,
            limit: limits.maxPayloadBytes,
          },
          'publish refused, disconnecting',
        );
        return done(new Error('payload over limit'));
      }
      if (!paced.has(packet)) {
        const wait = rate.reserve(client.id);
        if (wait < 0) {
          // refused before any PUBACK: the device resends its unacknowledged QoS1 on reconnect
          counters.dropped++;
          log.warn(
            { clientId: client.id, topic: packet.topic, reason: 'rate limit far exceeded' },
            'publish refused, disconnecting',
          );
          return done(new Error('rate limit'));
        }
        if (wait > 0) {
          // slowed, never acknowledged-then-dropped: the PUBACK waits for the message's turn
          paced.add(packet);
          counters.slowed++;
          throttle.warn(
            log,
            `${client.id}|rate`,
            { clientId: client.id, topic: packet.topic, reason: 'rate limit', waitMs: wait },
            'publish slowed',
          );
          setTimeout(() => aedes.authorizePublish(client, packet, done), wait);
          return;
        }
      }
      if (!mayPublish(session.acl, packet.topic)) {
        counters.deniedAcl++;
        throttle.warn(
          log,
          `${client.id}|acl|${packet.topic}`,
          { clientId: client.id, topic: packet.topic, reason: 'topic not in publish ACL' },
          'publish denied',
        );
        dropPublish(packet);
        return done(null);
      }
      if (session.enrolling) {
        if (!enrollment.isOpen()) {
          log.info({ clientId: client.id }, 'enrollment window closed, disconnecting');
          return done(new Error('enrollment window closed'));
        }
        // sandboxed: only the commissioning listener sees it, and nothing is retained
        packet.topic = enrollmentTopic(client.id, packet.topic);
        packet.retain = false;
        return done(null);
      }
      if (
        packet.retain &&
        origins.bytesAfter(packet.topic, client.id, payload.length) > limits.maxRetainedBytesPerClient
      ) {
        // refused before any PUBACK (the connection closes): never acknowledged and not kept
        counters.dropped++;
        log.warn(
          {
            clientId: client.id,
            topic: packet.topic,
            reason: 'retained bytes over limit',
            limit: limits.maxRetainedBytesPerClient,
          },
          'publish refused, disconnecting',
        );
        return done(new Error('retained bytes over limit'));
      }
      counters.published++;
      if (packet.retain) origins.record(packet.topic, client.id, payload.length);
      done(null);
    },

    authorizeSubscribe(client, sub, done) {
      const session = sessions.get(client);
      if (!session || !isValidTopicFilter(sub.topic) || !maySubscribe(session.acl, sub.topic)) {
        counters.deniedAcl++;
        log.warn(
          { clientId: client.id, topic: sub.topic, reason: 'filter not in subscribe ACL' },
          'subscribe denied',
        );
        return done(null, null);
      }
      done(null, sub);
    },

    authorizeForward(client, packet) {
      if (packet.topic === DENIED_TOPIC) return null;
      const session = sessions.get(client);
      if (!session) return null;
      const queued = client.conn instanceof GuardedConnection ? client.conn.queuedBytes() : 0;
      if (queued <= BACKED_UP_BYTES) {
        session.backlog = 0;
        session.backedUpSince = null;
        return packet;
      }
      const now = Date.now();
      session.backedUpSince ??= now;
      if (++session.backlog <= limits.maxQueuedPerClient) return packet;
      counters.dropped++;
      throttle.warn(
        log,
        `${client.id}|queue`,
        { clientId: client.id, topic: packet.topic, reason: 'client queue full', queuedBytes: queued },
        'delivery dropped',
      );
      if (now - session.backedUpSince > STALLED_MS) {
        log.warn({ clientId: client.id, reason: 'client stopped reading' }, 'disconnecting stalled client');
        client.close();
      }
      return null;
    },
  });

  aedes.on('client', (client) => log.info({ clientId: client.id }, 'device connected'));
  // authenticated: no longer counts against the pre-authentication caps
  aedes.on('clientReady', (client) => {
    const conn = client.conn as { remoteAddress?: string; remotePort?: number };
    preAuth.release(conn.remoteAddress, conn.remotePort);
  });
  aedes.on('clientDisconnect', (client) => {
    rate.forget(client.id);
    enrolling.delete(client);
    log.info({ clientId: client.id }, 'device disconnected');
  });
  aedes.on('clientError', (client, err) =>
    log.warn({ clientId: client.id, reason: err.message }, 'client error, connection closed'),
  );
  aedes.on('connectionError', (client, err) =>
    log.warn({ clientId: client.id, reason: err.message }, 'connection error'),
  );
  // aedes emits 'error' when its persistence fails; unhandled it would crash the core.
  (aedes as unknown as NodeJS.EventEmitter).on('error', (err: Error) => {
    fault(err.message);
    log.error({ reason: err.message }, 'broker error');
  });

  const onConnection = (socket: Socket, transport: 'tcp' | 'tls' | 'ws' = 'tcp'): void => {
    // TLS connections were admitted when their TCP connection arrived, before the handshake
    if (transport !== 'tls') {
      if (!preAuth.admit(socket.remoteAddress, socket.remotePort)) return refusePending(socket);
      const { remoteAddress, remotePort } = socket;
      socket.once('close', () => preAuth.release(remoteAddress, remotePort));
    }
    if (sockets.size >= limits.maxConnections) {
      counters.dropped++;
      throttle.warn(
        log,
        'maxConnections',
        { remoteAddress: socket.remoteAddress, reason: 'connection limit' },
        'connection refused',
      );
      socket.destroy();
      return;
    }
    if (transport !== 'ws') socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let client: Client | null = null;
    const conn = new GuardedConnection(socket, maxFrameBytes(limits), (reason, declared) => {
      counters.dropped++;
      log.warn({ clientId: client?.id ?? null, reason, declared }, 'connection closed: bad frame');
    });
    client = aedes.handle(conn);
  };

  const bus = createBus(aedes, origins, log, () => counters.published++);

  const listen = async (
    srv: Server | TlsServer | HttpServer,
    host: string,
    port: number,
  ): Promise<number> => {
    srv.on('error', (err) => {
      fault(`listener: ${err.message}`);
      log.error({ reason: err.message }, 'listener error');
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host || '127.0.0.1', () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const address = srv.address();
    return typeof address === 'object' && address ? address.port : port;
  };

  const startTls = async (t: NonNullable<BrokerOptions['tls']>): Promise<number> => {
    const srv = createTlsServer({
      key: t.key,
      cert: t.cert,
      minVersion: 'TLSv1.2',
      handshakeTimeout: TLS_HANDSHAKE_MS,
    });
    srv.on('connection', (raw: Socket) => {
      if (!preAuth.admit(raw.remoteAddress, raw.remotePort)) return refusePending(raw);
      const { remoteAddress, remotePort } = raw;
      raw.once('close', () => preAuth.release(remoteAddress, remotePort));
    });
    srv.on('secureConnection', (s) => onConnection(s, 'tls'));
    // failed handshakes (wrong CA, scanners) are the TLS form of a bad frame: log, never crash.
    // With a listener here Node reports a silent client's handshake timeout but leaves the socket
    // open (the probe's 937 descriptors): close it.
    srv.on('tlsClientError', (err, s) => {
      tlsHandshakeFailures++;
      s.destroy();
      throttle.warn(
        log,
        `tls|${s.remoteAddress}`,
        { remoteAddress: s.remoteAddress, reason: err.message },
        'TLS handshake failed',
      );
    });
    tlsServer = srv;
    return listen(srv, t.host, t.port);
  };

  const startWebSocket = async (w: NonNullable<BrokerOptions['websocket']>): Promise<number> => {
    const srv = createHttpServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('MQTT over WebSocket only\n');
    });
    const server = new WebSocketServer({
      server: srv,
      maxPayload: maxFrameBytes(limits),
      handleProtocols: (protocols) =>
        protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false,
    });
    server.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      Object.defineProperty(stream, 'remoteAddress', { value: req.socket.remoteAddress });
      Object.defineProperty(stream, 'remotePort', { value: req.socket.remotePort });
      stream.on('error', () => ws.terminate());
      onConnection(stream as unknown as Socket, 'ws');
    });
    server.on('error', (err) => {
      fault(`websocket listener: ${err.message}`);
      log.error({ reason: err.message }, 'websocket listener error');
    });
    httpServer = srv;
    wss = server;
    return listen(srv, w.host, w.port);
  };

  function liveClient(id: string): Client | undefined {
    return (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[id];
  }

  const closeSession = (username: string): Promise<void> => {
    const live = liveClient(username);
    if (!live) return Promise.resolve();
    return new Promise((resolve) => live.close(() => resolve()));
  };

  return {
    bus,

    async start() {
      if (server) throw new Error('broker already started');
      await aedes.listen();
      const srv = createServer((s) => onConnection(s));
      server = srv;
      const port = await listen(srv, opts.host, opts.port);
      const tlsPort = opts.tls ? await startTls(opts.tls) : null;
      const wsPort = opts.websocket ? await startWebSocket(opts.websocket) : null;
      log.info({ host: opts.host, port, tlsPort, wsPort }, 'broker listening');
      return { port, tlsPort, wsPort };
    },

    async stop() {
      const servers = [server, tlsServer, httpServer].filter((x) => x !== null);
      server = null;
      tlsServer = null;
      httpServer = null;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
      wss?.close();
      wss = null;
      await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
      log.info({}, 'broker stopped');
    },

    async issueCredential(username, acl) {
      assertValidUsername(username);
      assertValidAcl(acl);
      const password = generatePassword();
      await opts.credentials.put({
        username,
        passwordHash: await hashPassword(password, 'device'),
        publish: [...acl.publish],
        subscribe: [...acl.subscribe],
        createdAt: Date.now(),
      });
      // a session authenticated with the old credential must not keep the old ACL
      await closeSession(username);
      log.info({ clientId: username }, 'credential issued');
      return { username, password };
    },

    async revokeCredential(username) {
      await opts.credentials.delete(username);
      await closeSession(username);
      log.info({ clientId: username }, 'credential revoked');
    },

    stats() {
      return {
        clients: aedes.connectedClients ?? 0,
        ...counters,
        faults,
        lastFault,
        pendingAuth: preAuth.pending,
        refusedPreAuth: preAuth.refused,
        tlsHandshakeFailures,
        listening: {
          tcp: server?.listening ?? false,
          tls: opts.tls ? (tlsServer?.listening ?? false) : null,
          ws: opts.websocket ? (httpServer?.listening ?? false) : null,
        },
      };
    },

    openEnrollment(untilMs) {
      enrollment.open(untilMs);
      log.info({ until: untilMs }, 'enrollment window open');
    },

    async closeEnrollment() {
      enrollment.close();
      const closing = [...enrolling].map((c) => new Promise<void>((resolve) => c.close(() => resolve())));
      enrolling.clear();
      await Promise.all(closing);
      log.info({}, 'enrollment window closed');
    },

    enrollmentOpenUntil() {
      return enrollment.openUntil();
    },
  };
}
