import type { MqttCommissioningHook } from '../../../shared/adapter/contract.ts';
import { CoreError } from '../errors.ts';
import { defineModule, type ModuleHealth } from '../module.ts';
import { createAclOracle, type AclOracle } from './acl-oracle.ts';
import { createBroker, type Broker, type BrokerListeners, type BrokerStats } from './broker.ts';
import { brokerNames, createCommissioningHook } from './commissioning-hook.ts';
import { createDbCredentialStore } from './credential-store-db.ts';
import { maxPendingFor, raiseDescriptorLimit } from './descriptor-limit.ts';
import { loadOrCreateSiteTls } from './site-ca.ts';
import { StablePorts } from './stable-ports.ts';

export type { BrokerListeners };

/** The embedded broker as other modules and hosts see it. */
export type BrokerService = Broker & {
  readonly listeners: BrokerListeners;
  /** the site CA devices pin to trust the TLS listener; null when TLS is off */
  readonly caPem: string | null;
  readonly acl: AclOracle;
  /** the enrollment window and credentials, as the MQTT adapter commissions devices */
  readonly commissioning: MqttCommissioningHook;
};

declare module '../module.ts' {
  interface ModuleApis {
    broker: BrokerService;
  }
}

/** the conventional pair 1883/8883; beside any other plain port (tests, a second instance) a free one */
function tlsPortFor(port: number, tlsPort: number | null | undefined): number | null {
  return tlsPort === undefined ? (port === 1883 ? 8883 : 0) : tlsPort;
}

/**
 * The embedded MQTT broker (aedes): device credentials and ACLs from the database, the site CA's
 * TLS listener, WebSocket when configured; retained messages, sessions and queued QoS1/2 are kept
 * in the database file across restarts.
 */
export const brokerModule = defineModule({
  name: 'broker',
  async start(ctx) {
    const db = ctx.use('database');
    const credentials = createDbCredentialStore(db);
    const acl = createAclOracle(credentials);
    const { host, port, tlsPort, wsPort, maxPayloadBytes } = ctx.config.mqtt;
    const fds = raiseDescriptorLimit();
    if (fds.raised) ctx.log.info({ nofile: fds.soft }, 'raised the open-files limit to the hard limit');
    const stable = new StablePorts(ctx.dataDir);
    const plainAt = await stable.choose('plain', port, host);
    const tlsWanted = tlsPortFor(port, tlsPort);
    const tlsAt = tlsWanted === null ? null : await stable.choose('tls', tlsWanted, host);
    const lostPorts = [plainAt.lost, tlsAt?.lost ?? null].filter((p) => p !== null);
    if (lostPorts.length > 0)
      ctx.log.warn(
        { lost: lostPorts },
        'a port devices were told is taken by another program: devices need the new one',
      );
    let tls: { host: string; port: number; key: string; cert: string } | undefined;
    let caPem: string | null = null;
    if (tlsAt !== null) {
      const site = await loadOrCreateSiteTls(ctx.use('secrets').scoped('broker'), brokerNames(host), ctx.now);
      caPem = site.caPem;
      tls = { host, port: tlsAt.port, key: site.keyPem, cert: site.certPem };
    }
    const broker = createBroker({
      host,
      port: plainAt.port,
      credentials,
      log: ctx.log,
      limits: { maxPayloadBytes, maxPendingTotal: maxPendingFor(fds.soft) },
      persistenceFile: ctx.dbFile,
      ...(tls ? { tls } : {}),
      ...(wsPort !== null ? { websocket: { host, port: wsPort } } : {}),
    });
    const listeners: BrokerListeners = await broker.start();
    stable.remember('plain', listeners.port);
    if (listeners.tlsPort !== null) stable.remember('tls', listeners.tlsPort);
    const commissioning = createCommissioningHook(broker, () => ({
      host,
      port: listeners.port,
      tlsPort: listeners.tlsPort,
    }));
    const api: BrokerService = Object.assign(broker, { listeners, caPem, acl, commissioning });
    return {
      api,
      stop: () => broker.stop(),
      health: () => {
        const h = brokerHealth(broker.stats(), listeners, ctx.now());
        if (lostPorts.length === 0 || h.status === 'down') return h;
        return {
          status: 'degraded',
          detail: `${h.detail}; port ${lostPorts.join(', ')} that devices were told was taken by another program`,
        };
      },
      handlers: {
        'mqtt.caCertificate': async () => {
          if (!caPem)
            throw new CoreError('unavailable', 'The broker has no TLS listener (mqtt.tlsPort is off).');
          return { pem: caPem };
        },
      },
    };
  },
});

const RECENT_FAULT_MS = 10 * 60_000;

/** Down when a listener stopped accepting; degraded after a recent listener or persistence fault. */
export function brokerHealth(s: BrokerStats, l: BrokerListeners, now: number): ModuleHealth {
  const where = [
    `port ${l.port}`,
    ...(l.tlsPort === null ? [] : [`TLS ${l.tlsPort}`]),
    ...(l.wsPort === null ? [] : [`WebSocket ${l.wsPort}`]),
  ].join(', ');
  const down = [
    ...(s.listening.tcp ? [] : ['TCP']),
    ...(s.listening.tls === false ? ['TLS'] : []),
    ...(s.listening.ws === false ? ['WebSocket'] : []),
  ];
  if (down.length > 0)
    return { status: 'down', detail: `${down.join(', ')} listener not accepting (${where})` };
  if (s.lastFault && now - s.lastFault.at < RECENT_FAULT_MS)
    return {
      status: 'degraded',
      detail: `${s.clients} clients on ${where}; last fault: ${s.lastFault.reason}`,
    };
  return { status: 'ok', detail: `${s.clients} clients on ${where}` };
}
