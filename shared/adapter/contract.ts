import type { z } from 'zod';
import type { EntityAttributes, EntityKind, EntityState } from '../domain/entity.ts';
import type { EntityCommand } from '../domain/command.ts';

/**
 * The adapter contract (DESIGN.md): a device family is a folder with a manifest and a
 * `setup(ctx, config)` that returns its lifecycle. Adapters translate protocol to domain and hold
 * no business rules; the core maps their protocol addresses onto stable device and entity ids.
 */

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A message seen on the embedded broker, as an in-process subscriber gets it. */
export interface BusMessage {
  topic: string;
  payload: Uint8Array;
  retain: boolean;
  /** the publishing MQTT client, or null when the core itself published */
  clientId: string | null;
}

/** The embedded broker as the core hands it to adapters: in-process, no loopback client. */
export interface MqttBus {
  subscribe(pattern: string, handler: (msg: BusMessage) => void): () => void;
  publish(
    topic: string,
    payload: string | Uint8Array,
    opts?: { retain?: boolean; qos?: 0 | 1 },
  ): Promise<void>;
}

/**
 * The broker's per-client ACL, so an adapter can refuse a discovery config that declares topics
 * its publishing client could not use itself (topic injection).
 */
export interface MqttAclHook {
  mayPublish(clientId: string, topic: string): boolean | Promise<boolean>;
  maySubscribe(clientId: string, filter: string): boolean | Promise<boolean>;
}

export interface EntityAnnouncement {
  /** stable key within the device, e.g. the HA unique_id or a cluster/attribute name */
  key: string;
  name: string;
  kind: EntityKind;
  deviceClass: string | null;
  unit: string | null;
  writable: boolean;
  attributes?: EntityAttributes;
}

export interface DeviceAnnouncement {
  /** protocol address, unique within the adapter */
  address: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  swVersion: string | null;
  entities: EntityAnnouncement[];
}

/**
 * Secrets an adapter keeps (network keys, bindkeys, install codes): encrypted at rest by the
 * core, namespaced per adapter. Never log what comes out of here.
 */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** A device the adapter sees but that is not (yet) part of the site: joining, interviewing, or heard in a scan. */
export interface CommissioningCandidate {
  /** stable while the candidate exists; usually the protocol address */
  id: string;
  address: string;
  /** what the installer recognises: model, advertised name, MAC... */
  label: string;
  status: 'discovered' | 'joining' | 'interviewing' | 'ready' | 'failed';
  /** for 'failed': why, in words an installer can act on */
  error: string | null;
  /** protocol facts worth showing: RSSI, LQI, detected format, decoded values... */
  detail: Record<string, string | number | boolean | null>;
  /** whether adopting needs a key (BLE bindkey, install code) */
  secret: { required: boolean; label: string } | null;
  lastSeen: number;
}

/**
 * What an installer types into a Wi-Fi device's own web page after adopting it. Carries a
 * password: handed out once in the adopt result, never stored or logged in plain text.
 */
export interface DeviceConnectionSettings {
  host: string;
  port: number;
  /** the TLS listener, when the broker has one */
  tlsPort: number | null;
  username: string;
  password: string;
  clientId: string;
  /** the device's topic (Tasmota "Topic", Shelly "MQTT prefix", HA node id) */
  topic: string;
}

/** The embedded broker's commissioning side, handed to adapters that need 'mqtt'. */
export interface MqttCommissioningHook {
  /** lets devices without a credential announce themselves (sandboxed) until `untilMs` */
  openEnrollment(untilMs: number): void;
  closeEnrollment(): Promise<void>;
  issueCredential(
    username: string,
    acl: { publish: string[]; subscribe: string[] },
  ): Promise<{ username: string; password: string }>;
  /** where devices reach the broker, as an installer types it */
  endpoint(): { host: string; port: number; tlsPort: number | null };
}

/** Families that commission devices (permit join, scan, adopt) implement this. */
export interface Commissioning {
  /** open the network / start scanning for `seconds`; `via` names a router where the family supports it */
  /**
   * `installCode`: for devices that join only with one (Zigbee install code, typed or the QR
   * payload), given before they try to join
   */
  open(seconds: number, opts?: { via?: string | null; installCode?: string }): Promise<void>;
  close(): Promise<void>;
  /** when the window closes (ms epoch), or null when closed */
  openUntil(): number | null;
  candidates(): CommissioningCandidate[];
  /** make the candidate a device of the site: the adapter then announces it through the sink */
  adopt(
    candidateId: string,
    opts: { secret?: string },
  ): Promise<{ address: string; connection?: DeviceConnectionSettings }>;
  /** try a failed interview again */
  retry?(candidateId: string): Promise<void>;
}

/** A mesh as its routers report it: nodes by protocol address, links with link quality (0-255). */
export interface NetworkMap {
  nodes: { address: string; role: 'coordinator' | 'router' | 'end_device'; label: string }[];
  links: { from: string; to: string; quality: number }[];
}

/** A firmware file checked against the device it is meant for (Zigbee OTA header). */
export interface FirmwareCheck {
  manufacturerCode: number;
  imageType: number;
  /** the version the device runs and the file's, as the OTA header numbers them */
  currentVersion: number;
  newVersion: number;
  size: number;
  /** the header string the vendor put in the file */
  label: string;
}

export interface FirmwareProgress {
  percent: number;
  remainingS: number | null;
}

/** Families that update device firmware from a file the installer supplies (offline). */
export interface FirmwareUpdates {
  /** refuses (AdapterRefusal) a file that is corrupt or not for this device; sends no image data */
  check(address: string, image: Uint8Array): Promise<FirmwareCheck>;
  update(
    address: string,
    image: Uint8Array,
    onProgress: (p: FirmwareProgress) => void,
  ): Promise<FirmwareCheck & { swVersion: string | null }>;
}

/**
 * What a link carries, in the domain's words; each family maps them onto its protocol (Zigbee:
 * genOnOff, genLevelCtrl, lightingColorCtrl, genScenes).
 */
export const LINK_FUNCTIONS = ['on_off', 'level', 'color', 'scenes'] as const;
export type LinkFunction = (typeof LINK_FUNCTIONS)[number];

/**
 * Families where devices talk to each other directly, so a switch works with Truss down (Zigbee
 * bindings and groups).
 */
export interface DeviceLinks {
  /** `source` sends its `functions` commands straight to `target` (a device address or a group number) */
  bind(
    source: string,
    target: string | number,
    functions: LinkFunction[],
    opts?: { unbind?: boolean },
  ): Promise<void>;
  /** refuses (AdapterRefusal) a group number outside the family's range */
  setGroupMembership(address: string, groupId: number, member: boolean): Promise<void>;
}

/** What an adapter reports into the core. */
export interface AdapterSink {
  deviceAnnounced(device: DeviceAnnouncement): void;
  stateChanged(address: string, entityKey: string, state: Omit<EntityState, 'source'>): void;
  availabilityChanged(address: string, online: boolean): void;
  /** the device left or was removed at protocol level */
  deviceRemoved(address: string): void;
  /** a commissioning candidate appeared or changed (live in the installer's UI) */
  candidateChanged?(candidate: CommissioningCandidate): void;
  candidateRemoved?(candidateId: string): void;
}

/**
 * An adapter's state files in its own folder, as the core writes them: private (0600) and atomic
 * (temp file, fsync, rename), so a power cut leaves the old or the new content, never a torn one.
 */
export interface AdapterFiles {
  /** the full path of `name` in the adapter's folder (for libraries that write their own files) */
  path(name: string): string;
  write(name: string, data: string | Uint8Array): void;
  /** undefined when absent; a StateFileDamaged naming the file when it is not JSON or `validate` throws */
  readJson<T>(name: string, validate?: (value: unknown) => T): T | undefined;
}

/**
 * A state file that exists but cannot be read back. It names the file, and the core keeps the
 * rest of the site running and shows the adapter as down with this message in its health.
 */
export class StateFileDamaged extends Error {
  readonly file: string;
  constructor(file: string, reason: string) {
    super(`The state file ${file} is damaged (${reason}); restore it from a backup or remove it.`);
    this.name = 'StateFileDamaged';
    this.file = file;
  }
}

export interface AdapterContext {
  log: Logger;
  sink: AdapterSink;
  now(): number;
  /** a folder of the adapter's own in the data directory (databases, backups, caches) */
  dataDir: string;
  /** private, atomic state files in `dataDir` */
  files: AdapterFiles;
  secrets: SecretStore;
  /** present when the manifest needs 'mqtt' */
  mqtt?: MqttBus;
  /** present when the manifest needs 'mqtt' */
  mqttAcl?: MqttAclHook;
  /** present when the manifest needs 'mqtt' */
  mqttCommissioning?: MqttCommissioningHook;
}

/**
 * An adapter refusing a request for a reason the user can act on (a wrong key, a device that
 * left the scan list, a command the device can't take). The core shows the message as is,
 * instead of treating it as an internal failure.
 */
export class AdapterRefusal extends Error {
  readonly code: 'bad_request' | 'not_found' | 'unavailable';
  constructor(message: string, code: 'bad_request' | 'not_found' | 'unavailable' = 'bad_request') {
    super(message);
    this.name = 'AdapterRefusal';
    this.code = code;
  }
}

export interface AdapterHealth {
  status: 'ok' | 'degraded' | 'down';
  detail: string | null;
}

export interface AdapterInstance {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): AdapterHealth;
  diagnostics(): Record<string, unknown>;
  execute(address: string, entityKey: string, command: EntityCommand): Promise<void>;
  commissioning?: Commissioning;
  /** make the device leave the network / forget it at protocol level; `ban` keeps it from rejoining */
  remove?(address: string, opts?: { ban?: boolean }): Promise<void>;
  /** mesh families: who hears whom, with link quality (Zigbee LQI tables) */
  networkMap?(): Promise<NetworkMap>;
  firmware?: FirmwareUpdates;
  links?: DeviceLinks;
}

export interface AdapterManifest<Config> {
  id: string;
  /** what installers call the family: "Zigbee", "Bluetooth LE", "Wi-Fi / MQTT" */
  name: string;
  /** one line on what it speaks and through what */
  description: string;
  configSchema: z.ZodType<Config>;
  needs: ReadonlyArray<'mqtt'>;
  /** how the family pairs devices, in the words the commissioning page shows; absent when it does not */
  commissioning?: {
    /** the button that opens the network: "Permit joining", "Scan", "Open enrollment" */
    verb: string;
    /** what the installer does while it is open */
    hint: string;
    /**
     * a key some devices need before they may join (given with `commissioning.open`), e.g. a Zigbee
     * install code; keys given at adoption are asked per candidate instead
     */
    preJoinSecret?: { label: string; placeholder: string };
  };
}

export interface AdapterModule<Config = unknown> {
  manifest: AdapterManifest<Config>;
  setup(ctx: AdapterContext, config: Config): AdapterInstance;
}
