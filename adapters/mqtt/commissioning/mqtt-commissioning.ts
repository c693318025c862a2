import type {
  BusMessage,
  Commissioning,
  CommissioningCandidate,
  DeviceConnectionSettings,
  Logger,
  MqttBus,
  MqttCommissioningHook,
  AdapterSink,
} from '../../../shared/adapter/contract.ts';
import { type Announcement, classify, type FamilyId } from './classify.ts';

export const ENROLL_FILTER = '$truss/enroll/#';
const ENROLL_PREFIX = '$truss/enroll/';
const MAX_CANDIDATES = 64;
const MAX_CAPTURED = 16;

interface Pending {
  announcement: Announcement;
  candidate: CommissioningCandidate;
  /** the announcements to replay under the device's new identity when it is adopted */
  captured: Map<string, Uint8Array>;
}

export interface MqttCommissioningOptions {
  bus: MqttBus;
  hook: MqttCommissioningHook;
  sink: AdapterSink;
  log: Logger;
  now(): number;
  discoveryPrefix: string;
  /** hands a message to the family that understands it, as if the device had published it */
  ingest(family: FamilyId, msg: BusMessage): Promise<void>;
}

/**
 * Adoption of Wi-Fi devices: while the window is open the broker lets devices without a
 * credential connect, sandboxed (see README "Commissioning"); what they announce becomes a
 * candidate here, in memory only. Adopting issues the device's own credential and ACL and returns,
 * once, the settings to type into its web page.
 */
export function createMqttCommissioning(
  o: MqttCommissioningOptions,
): Commissioning & { stop(): Promise<void> } {
  const pending = new Map<string, Pending>();
  let until: number | null = null;
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const drop = (id: string): void => {
    if (pending.delete(id)) o.sink.candidateRemoved?.(id);
  };

  const onEnroll = (msg: BusMessage): void => {
    if (until === null) return;
    const rest = msg.topic.slice(ENROLL_PREFIX.length);
    const cut = rest.indexOf('/');
    if (cut <= 0) return;
    const clientId = rest.slice(0, cut);
    const topic = rest.slice(cut + 1);
    // the broker wrote the sandbox prefix itself, so the clientId in it is the publisher's
    if (msg.clientId !== clientId) return;
    let a: Announcement | null;
    try {
      a = classify(clientId, topic, msg.payload, o.discoveryPrefix);
    } catch (err) {
      o.log.info({ clientId, topic, reason: (err as Error).message }, 'enrollment announcement ignored');
      return;
    }
    if (!a && topic.startsWith('tasmota/discovery/')) {
      // the `sensors` companion of a Tasmota config: keep it with its candidate
      const p = pending.get(`tasmota:${topic.split('/')[2]?.toUpperCase()}`);
      if (p && p.captured.size < MAX_CAPTURED) p.captured.set(topic, msg.payload);
      return;
    }
    if (!a) return;
    let p = pending.get(a.id);
    if (p && p.candidate.detail.clientId !== clientId) {
      o.log.warn({ clientId, candidate: a.id }, 'a second client announced the same device; kept the first');
      return;
    }
    if (!p) {
      if (pending.size >= MAX_CANDIDATES) return;
      p = {
        announcement: a,
        captured: new Map(),
        candidate: {
          id: a.id,
          address: a.address,
          label: a.label,
          status: 'ready',
          error: null,
          detail: a.detail,
          secret: null,
          lastSeen: o.now(),
        },
      };
      pending.set(a.id, p);
      o.log.info({ clientId, candidate: a.id, family: a.family }, 'device announced itself');
    }
    p.candidate.lastSeen = o.now();
    if (p.captured.size < MAX_CAPTURED || p.captured.has(topic)) p.captured.set(topic, msg.payload);
    o.sink.candidateChanged?.({ ...p.candidate });
  };

  const close = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    until = null;
    unsubscribe?.();
    unsubscribe = null;
    for (const id of [...pending.keys()]) drop(id);
    await o.hook.closeEnrollment();
  };

  return {
    async open(seconds) {
      until = o.now() + seconds * 1000;
      o.hook.openEnrollment(until);
      unsubscribe ??= o.bus.subscribe(ENROLL_FILTER, onEnroll);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void close().catch(() => {}), seconds * 1000);
      timer.unref?.();
    },
    close,
    openUntil: () => (until !== null && until > o.now() ? until : null),
    candidates: () => [...pending.values()].map((p) => ({ ...p.candidate })),
    async adopt(candidateId): Promise<{ address: string; connection: DeviceConnectionSettings }> {
      const p = pending.get(candidateId);
      if (!p)
        throw new Error(`no candidate ${candidateId}: open the window and let the device announce itself`);
      const a = p.announcement;
      const cred = await o.hook.issueCredential(a.username, a.acl);
      const replay = [...p.captured];
      if (a.family === 'shelly' && !replay.some(([t]) => t.endsWith('/events/rpc'))) {
        // no status yet: announce the device bare; its first status after reconnecting fills it in
        const frame = { src: a.topic, method: 'NotifyFullStatus', params: {} };
        replay.push([`${a.topic}/events/rpc`, new TextEncoder().encode(JSON.stringify(frame))]);
      }
      for (const [topic, payload] of replay)
        await o.ingest(a.family, { topic, payload, retain: false, clientId: a.username });
      drop(candidateId);
      o.log.info({ candidate: candidateId, username: a.username, family: a.family }, 'device adopted');
      const ep = o.hook.endpoint();
      return {
        address: a.address,
        connection: {
          host: ep.host,
          port: ep.port,
          tlsPort: ep.tlsPort,
          username: cred.username,
          password: cred.password,
          clientId: cred.username,
          topic: a.topic,
        },
      };
    },
    async stop() {
      if (until !== null) await close();
    },
  };
}
