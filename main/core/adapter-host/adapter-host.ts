import type {
  AdapterInstance,
  AdapterModule,
  AdapterSink,
  Logger,
  MqttAclHook,
  MqttBus,
  SecretStore,
} from '../../../shared/adapter/contract.ts';
import { AdapterRefusal, StateFileDamaged } from '../../../shared/adapter/contract.ts';
import type {
  CommissioningCandidate,
  DeviceConnectionSettings,
  FirmwareCheck,
  LinkFunction,
  MqttCommissioningHook,
  NetworkMap,
} from '../../../shared/adapter/contract.ts';
import { join } from 'node:path';
import type { EventBus } from '../bus/event-bus.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { AdapterInfo } from '../../../shared/api/methods/devices.ts';
import type { AdapterSettings } from '../../../shared/api/methods/adapter-settings.ts';
import { z } from 'zod';
import { CoreError, type CoreErrorIssue } from '../errors.ts';
import { adapterFiles, ensurePrivateDir } from '../storage/private-files.ts';
import type { ModuleHealth } from '../module.ts';
import type { DeviceRegistry } from '../registry/device-registry.ts';
import type { StateStore } from '../state/state-store.ts';

export interface AdapterSelection {
  module: AdapterModule<unknown>;
  /** the raw config from the configuration file: validated here against the manifest's schema */
  config: unknown;
  /**
   * Who configured this adapter when not the configuration file (the virtual building points its
   * adapters at its own emulators): its settings are then shown but not editable.
   */
  managedBy?: string;
}

function configIssues(error: z.ZodError): CoreErrorIssue[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

/** Thrown before anything starts when an adapter's configuration is wrong. */
export class AdapterConfigError extends Error {}

interface Running {
  id: string;
  instance: AdapterInstance;
  /** this instance was stopped: its late reports are dropped (a restarted adapter gets a new one) */
  life: { stopped: boolean };
}

/**
 * Runs the adapters the host picked, and turns what they report into registry and state
 * changes. The core never imports an adapter: the host hands the modules in.
 */
export class AdapterHost {
  readonly #running: Running[] = [];
  /** families that could not start because a state file is damaged: id -> the message naming it */
  readonly #damaged = new Map<string, string>();
  readonly #selections: AdapterSelection[];
  readonly #registry: DeviceRegistry;
  readonly #states: StateStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #mqtt: () => { bus: MqttBus; acl: MqttAclHook; commissioning?: MqttCommissioningHook };
  readonly #bus: EventBus;
  readonly #secrets: (adapterId: string) => SecretStore;
  readonly #dataDir: string;
  readonly #configs = new Map<string, unknown>();
  /** announcements are applied one after another so a device's entities exist before its states */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: {
    selections: AdapterSelection[];
    registry: DeviceRegistry;
    states: StateStore;
    log: Logger;
    now: () => number;
    mqtt: () => { bus: MqttBus; acl: MqttAclHook; commissioning?: MqttCommissioningHook };
    bus: EventBus;
    secrets: (adapterId: string) => SecretStore;
    /** the data directory; each adapter gets `adapters/<id>/` inside it */
    dataDir: string;
  }) {
    this.#bus = opts.bus;
    this.#secrets = opts.secrets;
    this.#dataDir = opts.dataDir;
    this.#selections = opts.selections;
    this.#registry = opts.registry;
    this.#states = opts.states;
    this.#log = opts.log;
    this.#now = opts.now;
    this.#mqtt = opts.mqtt;
    // Validate every adapter config up front: a bad one stops start-up with a message naming the key.
    for (const { module, config } of this.#selections) {
      const parsed = module.manifest.configSchema.safeParse(config ?? {});
      if (!parsed.success) {
        const problems = configIssues(parsed.error).map(
          (i) => `adapters.${module.manifest.id}.${i.path}: ${i.message}`,
        );
        throw new AdapterConfigError(
          `Invalid configuration for adapter ${module.manifest.id}:\n  - ${problems.join('\n  - ')}`,
        );
      }
      this.#configs.set(module.manifest.id, parsed.data);
    }
  }

  #sink(adapterId: string, log: Logger, life: Running['life']): AdapterSink {
    const enqueue = (what: string, fn: () => Promise<unknown> | unknown) => {
      // A stopped adapter's late reports (a broker closing its clients fires their wills) must not
      // change the site: the last states stored are those seen while it ran.
      if (life.stopped) return;
      this.#queue = this.#queue
        .then(fn)
        .catch((err: unknown) => log.error({ err, what }, 'adapter report failed'));
    };
    return {
      deviceAnnounced: (ann) =>
        enqueue('announce', async () => {
          const device = await this.#registry.announce(adapterId, ann);
          if (!device) {
            // A banned device came back: tell its adapter to send it away again.
            log.warn({ address: ann.address }, 'banned device refused');
            await this.#running
              .find((r) => r.id === adapterId)
              ?.instance.remove?.(ann.address, { ban: true });
          }
        }),
      stateChanged: (address, key, state) =>
        enqueue('state', () => {
          const device = this.#registry.deviceByAddress(adapterId, address);
          const entity = device && this.#registry.entityByKey(device.id, key);
          if (!device || !entity) {
            log.debug({ address, key }, 'state for an unknown entity ignored');
            return;
          }
          this.#registry.touch(device.id);
          if (device.availability !== 'online') void this.#registry.setAvailability(device.id, 'online');
          if (!this.#states.update(entity.id, { ...state, source: adapterId })) {
            log.warn({ entityId: entity.id, value: state.value }, 'malformed state refused');
          }
        }),
      availabilityChanged: (address, online) =>
        enqueue('availability', async () => {
          const device = this.#registry.deviceByAddress(adapterId, address);
          if (!device) return;
          await this.#registry.setAvailability(device.id, online ? 'online' : 'offline');
          if (!online)
            this.#states.markUnavailable(
              this.#registry.entitiesOf(device.id).map((e) => e.id),
              this.#now(),
            );
        }),
      candidateChanged: (candidate) => this.#bus.emit('candidate.changed', { adapter: adapterId, candidate }),
      candidateRemoved: (candidateId) =>
        this.#bus.emit('candidate.removed', { adapter: adapterId, candidateId }),
      deviceRemoved: (address) =>
        enqueue('removed', async () => {
          const device = this.#registry.deviceByAddress(adapterId, address);
          if (device) await this.#registry.setAvailability(device.id, 'offline');
        }),
    };
  }

  async start(): Promise<void> {
    for (const { module } of this.#selections) {
      try {
        this.#running.push(await this.#startOne(module, this.#configs.get(module.manifest.id)));
      } catch (err) {
        // A damaged state file stops this family only, named in health; the rest of the site runs.
        if (!(err instanceof StateFileDamaged)) throw err;
        this.#log.error({ adapter: module.manifest.id, file: err.file }, err.message);
        this.#damaged.set(module.manifest.id, err.message);
      }
    }
  }

  async #startOne(module: AdapterModule<unknown>, config: unknown): Promise<Running> {
    const id = module.manifest.id;
    const log = this.#log.child({ adapter: id });
    const dataDir = join(this.#dataDir, 'adapters', id);
    ensurePrivateDir(dataDir);
    const life = { stopped: false };
    const instance = module.setup(
      {
        log,
        sink: this.#sink(id, log, life),
        now: this.#now,
        dataDir,
        files: adapterFiles(dataDir),
        secrets: this.#secrets(id),
        ...(module.manifest.needs.includes('mqtt')
          ? {
              mqtt: this.#mqtt().bus,
              mqttAcl: this.#mqtt().acl,
              ...(this.#mqtt().commissioning ? { mqttCommissioning: this.#mqtt().commissioning } : {}),
            }
          : {}),
      },
      config,
    );
    try {
      await instance.start();
    } catch (err) {
      life.stopped = true;
      // A half-started adapter may hold sockets or timers: give it the chance to let go.
      await Promise.resolve(instance.stop()).catch(() => undefined);
      throw err;
    }
    return { id, instance, life };
  }

  async #stopOne(run: Running): Promise<void> {
    run.life.stopped = true;
    try {
      await run.instance.stop();
    } catch (err) {
      this.#log.error({ adapter: run.id, err }, 'adapter failed to stop');
    }
  }

  async stop(): Promise<void> {
    while (this.#running.length > 0) await this.#stopOne(this.#running.pop()!);
    await this.#queue;
  }

  /** an adapter's settings as a form needs them: the JSON Schema of its config and the values in force */
  settings(adapterId: string): AdapterSettings {
    const selection = this.#selection(adapterId);
    return {
      adapter: adapterId,
      name: selection.module.manifest.name,
      schema: z.toJSONSchema(selection.module.manifest.configSchema, { io: 'input', unrepresentable: 'any' }),
      config: this.#configs.get(adapterId) ?? {},
      managedBy: selection.managedBy ?? null,
    };
  }

  /**
   * Runs an adapter with a new configuration: validated against its schema first, then the
   * running instance is replaced. If the new one does not start, the previous configuration runs
   * again and the caller hears why, so a typo never leaves a family of devices dark.
   */
  async reconfigure(adapterId: string, raw: unknown): Promise<unknown> {
    const selection = this.#selection(adapterId);
    if (selection.managedBy) {
      throw new CoreError(
        'conflict',
        `The ${selection.module.manifest.name} adapter is configured by ${selection.managedBy}; its settings cannot be changed here.`,
      );
    }
    const parsed = selection.module.manifest.configSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CoreError(
        'bad_request',
        `The ${selection.module.manifest.name} settings are not valid.`,
        configIssues(parsed.error),
      );
    }
    const index = this.#running.findIndex((r) => r.id === adapterId);
    const previous = this.#configs.get(adapterId);
    if (index >= 0) await this.#stopOne(this.#running[index]!);
    try {
      const run = await this.#startOne(selection.module, parsed.data);
      this.#replaceRunning(index, run);
      this.#configs.set(adapterId, parsed.data);
      return parsed.data;
    } catch (err) {
      this.#log.warn(
        { adapter: adapterId, err },
        'adapter did not start with its new settings; previous ones restored',
      );
      try {
        this.#replaceRunning(index, await this.#startOne(selection.module, previous));
      } catch (again) {
        // Whatever broke the new settings (the radio unplugged, say) broke the old ones too.
        if (index >= 0) this.#running.splice(index, 1);
        throw new CoreError(
          'unavailable',
          `The ${selection.module.manifest.name} adapter starts neither with these settings (${(err as Error).message}) nor with the previous ones (${(again as Error).message}); it is stopped.`,
        );
      }
      throw new CoreError(
        'unavailable',
        `The ${selection.module.manifest.name} adapter did not start with these settings (${(err as Error).message}); it runs with the previous ones.`,
      );
    }
  }

  #replaceRunning(index: number, run: Running): void {
    if (index >= 0) this.#running[index] = run;
    else this.#running.push(run);
  }

  #selection(adapterId: string): AdapterSelection {
    const selection = this.#selections.find((s) => s.module.manifest.id === adapterId);
    if (!selection) throw new CoreError('not_found', `No adapter ${adapterId} runs here.`);
    return selection;
  }

  /** waits until every report received so far is applied (tests, shutdown) */
  settled(): Promise<unknown> {
    return this.#queue;
  }

  health(): ModuleHealth {
    const bad = this.#running
      .map((r) => ({ id: r.id, h: r.instance.health() }))
      .filter((x) => x.h.status !== 'ok');
    for (const [id, message] of this.#damaged) bad.push({ id, h: { status: 'down', detail: message } });
    return bad.length === 0
      ? { status: 'ok', detail: `${this.#running.length} adapter(s)` }
      : { status: 'degraded', detail: bad.map((b) => `${b.id}: ${b.h.detail ?? b.h.status}`).join('; ') };
  }

  /** the running families as the UI needs them: names, commissioning words, capabilities, health */
  list(): AdapterInfo[] {
    return this.#running.map(({ id, instance }) => {
      const m = this.#selections.find((x) => x.module.manifest.id === id)!.module.manifest;
      return {
        id,
        name: m.name,
        description: m.description,
        commissioning: instance.commissioning && m.commissioning ? m.commissioning : null,
        capabilities: {
          firmware: instance.firmware !== undefined,
          links: instance.links !== undefined,
          networkMap: instance.networkMap !== undefined,
        },
        health: instance.health(),
      };
    });
  }

  diagnostics(): Record<string, unknown> {
    return Object.fromEntries(this.#running.map((r) => [r.id, r.instance.diagnostics()]));
  }

  async execute(entityId: string, command: EntityCommand): Promise<void> {
    const entity = this.#registry.entities.get(entityId);
    if (!entity) throw new CoreError('not_found', `No entity ${entityId}.`);
    if (!entity.writable) throw new CoreError('bad_request', `${entity.name} cannot be commanded.`);
    const device = this.#registry.devices.get(entity.deviceId);
    const running = device && this.#running.find((r) => r.id === device.adapter);
    if (!device || !running)
      throw new CoreError('unavailable', `The adapter for ${entity.name} is not running.`);
    if (device.availability === 'offline') {
      throw new CoreError('unavailable', `${device.name} is offline: the command was not sent.`);
    }
    await asCoreRefusal(() =>
      running.instance.execute(device.address, entity.key, this.#resolveToggle(entityId, command)),
    );
  }

  #commissioner(adapter: string) {
    const running = this.#running.find((r) => r.id === adapter);
    if (!running) throw new CoreError('not_found', `No adapter "${adapter}" is running.`);
    const c = running.instance.commissioning;
    if (!c) throw new CoreError('bad_request', `The ${adapter} adapter does not commission devices.`);
    return c;
  }

  commissioningStatus(): {
    adapter: string;
    openUntil: number | null;
    candidates: CommissioningCandidate[];
  }[] {
    return this.#running
      .filter((r) => r.instance.commissioning)
      .map((r) => ({
        adapter: r.id,
        openUntil: r.instance.commissioning!.openUntil(),
        candidates: r.instance.commissioning!.candidates(),
      }));
  }

  async openCommissioning(
    adapter: string,
    seconds: number,
    via: string | null,
    installCode?: string,
  ): Promise<number | null> {
    const c = this.#commissioner(adapter);
    await asCoreRefusal(() => c.open(seconds, installCode === undefined ? { via } : { via, installCode }));
    const openUntil = c.openUntil();
    this.#bus.emit('commissioning.window', { adapter, openUntil });
    return openUntil;
  }

  async closeCommissioning(adapter: string): Promise<void> {
    await this.#commissioner(adapter).close();
    this.#bus.emit('commissioning.window', { adapter, openUntil: null });
  }

  /** Adopts a candidate; the device is registered when the adapter announces it. */
  async adopt(adapter: string, candidateId: string, secret: string | undefined): Promise<string> {
    return (await this.adoptWithConnection(adapter, candidateId, secret)).address;
  }

  /** as adopt, plus the settings a Wi-Fi device needs (handed out once, never stored here) */
  async adoptWithConnection(
    adapter: string,
    candidateId: string,
    secret: string | undefined,
  ): Promise<{ address: string; connection: DeviceConnectionSettings | null }> {
    const c = this.#commissioner(adapter);
    if (!c.candidates().some((x) => x.id === candidateId)) {
      throw new CoreError('not_found', 'That device is no longer in the list: scan or permit joining again.');
    }
    const { address, connection } = await asCoreRefusal(() =>
      c.adopt(candidateId, secret === undefined ? {} : { secret }),
    );
    await this.settled();
    return { address, connection: connection ?? null };
  }

  async retry(adapter: string, candidateId: string): Promise<void> {
    const c = this.#commissioner(adapter);
    if (!c.retry) throw new CoreError('bad_request', `The ${adapter} adapter cannot retry.`);
    await asCoreRefusal(() => c.retry!(candidateId));
  }

  /** the mesh as the family's routers report it */
  async networkMap(adapter: string): Promise<NetworkMap> {
    const running = this.#running.find((r) => r.id === adapter);
    if (!running) throw new CoreError('not_found', `No adapter "${adapter}" is running.`);
    if (!running.instance.networkMap)
      throw new CoreError('bad_request', `The ${adapter} adapter has no network map.`);
    return running.instance.networkMap();
  }

  #runningFor(deviceId: string) {
    const device = this.#registry.devices.get(deviceId);
    if (!device) throw new CoreError('not_found', `No device ${deviceId}.`);
    const running = this.#running.find((r) => r.id === device.adapter);
    if (!running) throw new CoreError('unavailable', `The adapter for ${device.name} is not running.`);
    return { device, instance: running.instance };
  }

  #firmwareOf(deviceId: string) {
    const { device, instance } = this.#runningFor(deviceId);
    if (!instance.firmware)
      throw new CoreError('bad_request', `The ${device.adapter} adapter does not update firmware.`);
    return { device, firmware: instance.firmware };
  }

  /** checks a firmware file against the device; refuses a corrupt or foreign file */
  async firmwareCheck(deviceId: string, image: Uint8Array): Promise<FirmwareCheck> {
    const { device, firmware } = this.#firmwareOf(deviceId);
    return asCoreRefusal(() => firmware.check(device.address, image));
  }

  /** updates the device's firmware; progress goes out as `firmware.progress` events */
  async firmwareUpdate(
    deviceId: string,
    image: Uint8Array,
  ): Promise<FirmwareCheck & { swVersion: string | null }> {
    const { device, firmware } = this.#firmwareOf(deviceId);
    const result = await asCoreRefusal(() =>
      firmware.update(device.address, image, (p) =>
        this.#bus.emit('firmware.progress', { deviceId, percent: p.percent, remainingS: p.remainingS }),
      ),
    );
    await this.settled();
    return result;
  }

  #linksOf(deviceId: string) {
    const { device, instance } = this.#runningFor(deviceId);
    if (!instance.links)
      throw new CoreError('bad_request', `The ${device.adapter} adapter has no bindings or groups.`);
    return { device, links: instance.links };
  }

  /** device-to-device binding (to another device of the same family, or to a group) */
  async bind(
    deviceId: string,
    target: { deviceId: string } | { groupId: number },
    functions: LinkFunction[],
    unbind: boolean,
  ): Promise<void> {
    const { device, links } = this.#linksOf(deviceId);
    let to: string | number;
    if ('groupId' in target) to = target.groupId;
    else {
      const t = this.#registry.devices.get(target.deviceId);
      if (!t) throw new CoreError('not_found', `No device ${target.deviceId}.`);
      if (t.adapter !== device.adapter)
        throw new CoreError('bad_request', `${device.name} and ${t.name} are on different networks.`);
      to = t.address;
    }
    await asCoreRefusal(() => links.bind(device.address, to, functions, { unbind }));
  }

  async setGroupMembership(deviceId: string, groupId: number, member: boolean): Promise<void> {
    const { device, links } = this.#linksOf(deviceId);
    await asCoreRefusal(() => links.setGroupMembership(device.address, groupId, member));
  }

  /** Removes a device at protocol level (leave), then from the site. */
  async removeDevice(deviceId: string, ban: boolean): Promise<void> {
    const device = this.#registry.devices.get(deviceId);
    if (!device) throw new CoreError('not_found', `No device ${deviceId}.`);
    const running = this.#running.find((r) => r.id === device.adapter);
    if (running?.instance.remove)
      await asCoreRefusal(() => running.instance.remove!(device.address, { ban }));
    await this.settled();
    await this.#registry.removeDevice(deviceId, ban);
  }

  /** Adapters get explicit on/off: the core knows the last reported state. */
  #resolveToggle(entityId: string, command: EntityCommand): EntityCommand {
    if (command.type !== 'toggle') return command;
    const value = this.#states.get(entityId)?.value;
    const isOn = typeof value === 'object' && value !== null ? value.on === true : value === true;
    return { type: isOn ? 'turn_off' : 'turn_on' };
  }
}

/** An adapter's refusal reaches the caller as a clear error, not as an internal failure. */
async function asCoreRefusal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AdapterRefusal) throw new CoreError(err.code, err.message);
    throw err;
  }
}
