import {
  AdapterRefusal,
  type AdapterFiles,
  type AdapterSink,
  type BusMessage,
  type Commissioning,
  type CommissioningCandidate,
  type DeviceAccess,
  type DeviceAccessInfo,
  type DeviceConnectionSettings,
  type Logger,
  type MqttBus,
  type MqttCommissioningHook,
} from '../../../shared/adapter/contract.ts';
import { assertEditableAcl } from './acl-edit.ts';
import { announcedAcl, type Frame } from './announced-acl.ts';
import { AdoptedStore, framesOf } from './adopted-store.ts';
import { type Announcement, classify, type FamilyId } from './classify.ts';
import { aclConflict, topicSpace } from './topic-space.ts';

export const ENROLL_FILTER = '$truss/enroll/#';
const ENROLL_PREFIX = '$truss/enroll/';
const MAX_CANDIDATES = 64;
/** every frame a device sends in the window is kept, in order, up to these bounds */
const MAX_FRAMES = 128;
const MAX_FRAME_BYTES = 512 * 1024;
/** frames from a client that has not yet sent an identifying announcement */
const MAX_EARLY_CLIENTS = 64;

interface Pending {
  /** null for a client whose announcement was refused (a failed candidate showing why) */
  announcement: Announcement | null;
  candidate: CommissioningCandidate;
  /** what the device published in the window, replayed under its new identity at adoption */
  frames: Frame[];
  bytes: number;
}

export interface MqttCommissioningOptions {
  bus: MqttBus;
  hook: MqttCommissioningHook;
  sink: AdapterSink;
  files: AdapterFiles;
  log: Logger;
  now(): number;
  discoveryPrefix: string;
  zigbee2mqttBase: string;
  /**
   * hands a message to the family that understands it, as if the device had published it;
   * resolves with the reasons any part of it was refused
   */
  ingest(family: FamilyId, msg: BusMessage): Promise<string[]>;
  /** whether the adapter knows the device now (its announcements were accepted) */
  knows(address: string): boolean;
  /** drops a device the adapter half-learnt from a refused adoption */
  forget(address: string): Promise<void>;
  /** the client that announced a device adopted before adoption was recorded (older sites) */
  ownerOf(address: string): string | null;
  /** every device the adapter knows from this client (a bridge announces many) */
  ownedBy(username: string): string[];
}

export type MqttCommissioning = Commissioning & {
  access: DeviceAccess;
  /** replays the kept configs of adopted devices (after the adapter started) */
  restore(): Promise<void>;
  /** forgets what was kept of a removed device; `revoke` (a ban) ends its login too */
  forgetDevice(address: string, opts: { revoke: boolean }): Promise<void>;
  stop(): Promise<void>;
};

const isConfigTopic = (topic: string, prefix: string): boolean =>
  (topic.startsWith(`${prefix}/`) && topic.endsWith('/config')) ||
  /^tasmota\/discovery\/[^/]+\/(config|sensors)$/.test(topic);

/**
 * Adoption of Wi-Fi devices: while the window is open the broker lets devices without a
 * credential connect, sandboxed (see README "Commissioning"); what they announce becomes a
 * candidate here, in memory only. Adopting is all or nothing: the ACL is derived from what the
 * device announced and checked against shared roots and other devices' topics, the credential is
 * issued, the announcements are replayed, and if the family refuses them the credential is
 * revoked again and the reasons are returned. The connection settings are shown once.
 */
export function createMqttCommissioning(o: MqttCommissioningOptions): MqttCommissioning {
  const pending = new Map<string, Pending>();
  const early = new Map<string, Frame[]>();
  const space = topicSpace(o.discoveryPrefix, o.zigbee2mqttBase);
  const broadcast = new Set([`${o.discoveryPrefix}/status`]);
  const store = new AdoptedStore(o.files);
  let until: number | null = null;
  let unsubscribe: (() => void) | null = null;
  let configUnsubscribe: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const drop = (id: string): void => {
    if (pending.delete(id)) o.sink.candidateRemoved?.(id);
  };
  const candidateOf = (clientId: string): Pending | undefined =>
    [...pending.values()].find((p) => p.announcement !== null && p.candidate.detail.clientId === clientId);
  const keep = (p: Pending, frame: Frame): void => {
    if (p.frames.length >= MAX_FRAMES || p.bytes + frame.payload.length > MAX_FRAME_BYTES) return;
    p.frames.push(frame);
    p.bytes += frame.payload.length;
  };

  /**
   * An announcement that cannot be adopted still shows, as a failed candidate with the reason
   * (a MAC that does not match its topic, a prefix that is no topic level...), so the installer
   * learns why the device does not appear instead of waiting for it.
   */
  const refusedId = (clientId: string): string => `refused:${clientId}`;
  const refuse = (clientId: string, reason: string): void => {
    if (
      [...pending.values()].some(
        (p) => p.candidate.detail.clientId === clientId && p.candidate.status !== 'failed',
      )
    )
      return;
    const id = refusedId(clientId);
    if (!pending.has(id) && pending.size >= MAX_CANDIDATES) return;
    const candidate: CommissioningCandidate = {
      id,
      address: id,
      label: clientId,
      status: 'failed',
      error: reason.slice(0, 300),
      detail: { clientId },
      secret: null,
      lastSeen: o.now(),
    };
    pending.set(id, { announcement: null, candidate, frames: [], bytes: 0 });
    o.sink.candidateChanged?.({ ...candidate });
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
    const frame = { topic, payload: msg.payload };
    let a: Announcement | null;
    try {
      a = classify(clientId, topic, msg.payload, o.discoveryPrefix, o.zigbee2mqttBase);
    } catch (err) {
      const reason = `${topic}: ${(err as Error).message}`;
      o.log.info({ clientId, topic, reason }, 'enrollment announcement refused');
      refuse(clientId, reason);
      return;
    }
    if (!a) {
      // a companion frame (Tasmota `sensors`, a later status): kept with its device's candidate
      const p = candidateOf(clientId);
      if (p) keep(p, frame);
      else if (early.has(clientId) || early.size < MAX_EARLY_CLIENTS) {
        const list = early.get(clientId) ?? [];
        if (list.length < 16) list.push(frame);
        early.set(clientId, list);
      }
      return;
    }
    drop(refusedId(clientId));
    let p = pending.get(a.id);
    if (p && p.candidate.detail.clientId !== clientId) {
      o.log.warn({ clientId, candidate: a.id }, 'a second client announced the same device; kept the first');
      return;
    }
    if (!p) {
      if (pending.size >= MAX_CANDIDATES) return;
      p = {
        announcement: a,
        frames: [],
        bytes: 0,
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
      for (const f of early.get(clientId) ?? []) keep(p, f);
      early.delete(clientId);
      o.log.info({ clientId, candidate: a.id, family: a.family }, 'device announced itself');
    }
    p.candidate.lastSeen = o.now();
    keep(p, frame);
    o.sink.candidateChanged?.({ ...p.candidate });
  };

  const close = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    until = null;
    unsubscribe?.();
    unsubscribe = null;
    early.clear();
    for (const id of [...pending.keys()]) drop(id);
    await o.hook.closeEnrollment();
  };

  /** the checks every grant passes: no shared root, nobody else's topics */
  const assertGrantable = async (
    username: string,
    acl: { publish: string[]; subscribe: string[] },
  ): Promise<void> => {
    const conflict = aclConflict(username, acl, await o.hook.credentials(), space, broadcast);
    if (conflict) throw new AdapterRefusal(conflict);
  };

  const usernameOf = (address: string): string | null => store.get(address)?.username ?? o.ownerOf(address);

  const replay = async (family: FamilyId, username: string, frames: readonly Frame[]): Promise<string[]> => {
    const reasons: string[] = [];
    for (const f of frames)
      reasons.push(
        ...(await o.ingest(family, {
          topic: f.topic,
          payload: f.payload,
          retain: false,
          clientId: username,
        })),
      );
    return reasons;
  };

  const access: DeviceAccess = {
    async get(address): Promise<DeviceAccessInfo> {
      const username = usernameOf(address);
      if (!username)
        throw new AdapterRefusal(
          `${address} has no broker login of its own (the core publishes for it)`,
          'not_found',
        );
      const acl = await o.hook.credential(username);
      return {
        username,
        active: acl !== null,
        publish: acl?.publish ?? [],
        subscribe: acl?.subscribe ?? [],
        outside: o.hook.refusedTraffic(username),
      };
    },
    async set(address, acl) {
      const username = usernameOf(address);
      if (!username) throw new AdapterRefusal(`${address} has no broker login of its own`, 'not_found');
      if (!(await o.hook.credential(username)))
        throw new AdapterRefusal(`the login of ${address} was revoked: adopt the device again`);
      assertEditableAcl(acl);
      await assertGrantable(username, acl);
      await o.hook.setAcl(username, acl);
      o.log.info({ address, username }, 'device ACL edited');
      return access.get(address);
    },
    async revoke(address) {
      const username = usernameOf(address);
      if (!username) throw new AdapterRefusal(`${address} has no broker login of its own`, 'not_found');
      await o.hook.revokeCredential(username);
      o.log.info({ address, username }, 'device credential revoked');
    },
  };

  /** adopted devices' later configs are kept too, so the replay at start is their latest */
  const onConfig = (msg: BusMessage): void => {
    if (msg.clientId === null) return;
    for (const d of store.byUsername(msg.clientId)) {
      if (d.family === 'ha' || d.family === 'tasmota')
        store.noteConfig(d, { topic: msg.topic, payload: msg.payload });
    }
  };

  return {
    access,

    async open(seconds) {
      until = o.now() + seconds * 1000;
      const z = o.zigbee2mqttBase;
      o.hook.openEnrollment(until, [
        'tasmota/discovery/+/config',
        'tasmota/discovery/+/sensors',
        `${o.discoveryPrefix}/#`,
        '+/online',
        '+/events/rpc',
        '+/status/+',
        `${z}/bridge/devices`,
        `${z}/bridge/info`,
      ]);
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
        throw new AdapterRefusal(
          `no candidate ${candidateId}: open the window and let the device announce itself`,
          'not_found',
        );
      const a = p.announcement;
      if (!a)
        throw new AdapterRefusal(
          `this device cannot be adopted: ${p.candidate.error ?? 'its announcement was refused'}`,
        );
      // everything that can refuse runs before anything is stored
      const acl = announcedAcl(a, p.frames, o.discoveryPrefix, space);
      if (await o.hook.credential(a.username))
        throw new AdapterRefusal(
          `the client id ${a.username} already has a login (a device adopted before): revoke it or forget that device first`,
        );
      await assertGrantable(a.username, acl);
      const frames = [...p.frames];
      if (a.family === 'shelly' && !frames.some((f) => f.topic.endsWith('/events/rpc'))) {
        // no status yet: announce the device bare; its first status after reconnecting fills it in
        const frame = { src: a.topic, method: 'NotifyFullStatus', params: {} };
        frames.push({
          topic: `${a.topic}/events/rpc`,
          payload: new TextEncoder().encode(JSON.stringify(frame)),
        });
      }
      const cred = await o.hook.issueCredential(a.username, acl);
      try {
        const reasons = await replay(a.family, a.username, frames);
        if (!o.knows(a.address))
          throw new AdapterRefusal(
            `the device's announcements were refused: ${reasons.slice(0, 5).join('; ') || 'none of them described a device'}`,
          );
        store.put({
          address: a.address,
          family: a.family,
          username: a.username,
          configs: frames
            .filter((f) => isConfigTopic(f.topic, o.discoveryPrefix))
            .map((f) => ({ topic: f.topic, payload: Buffer.from(f.payload).toString('base64') })),
        });
      } catch (err) {
        // all or nothing: no login and no half-learnt device stays behind a refused adoption
        await o.hook.revokeCredential(a.username);
        await o.forget(a.address).catch(() => {});
        throw err;
      }
      drop(candidateId);
      o.log.info({ candidate: candidateId, username: a.username, family: a.family, acl }, 'device adopted');
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

    async restore() {
      configUnsubscribe = [
        o.bus.subscribe(`${o.discoveryPrefix}/+/+/config`, onConfig),
        o.bus.subscribe(`${o.discoveryPrefix}/+/+/+/config`, onConfig),
        o.bus.subscribe('tasmota/discovery/+/config', onConfig),
        o.bus.subscribe('tasmota/discovery/+/sensors', onConfig),
      ];
      for (const d of store.all()) {
        if (d.configs.length === 0 || !(await o.hook.credential(d.username))) continue;
        const reasons = await replay(d.family, d.username, framesOf(d));
        if (reasons.length > 0)
          o.log.warn(
            { address: d.address, reasons: reasons.slice(0, 5) },
            'kept config partly refused at start',
          );
      }
    },

    async forgetDevice(address, { revoke }) {
      const username = usernameOf(address);
      store.delete(address);
      if (!username || !revoke) return;
      // a bridge's other devices still need its login
      if (o.ownedBy(username).some((a) => a !== address) || store.byUsername(username).length > 0) return;
      if (await o.hook.credential(username)) await o.hook.revokeCredential(username);
    },

    async stop() {
      for (const u of configUnsubscribe) u();
      configUnsubscribe = [];
      if (until !== null) await close();
    },
  };
}
