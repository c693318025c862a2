import type { Health, Snapshot } from '../../../shared/api/methods.ts';
import type { AdapterHost } from '../adapter-host/adapter-host.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { TimeSeriesStore } from '../history/index.ts';
import type { DeviceRegistry } from '../registry/device-registry.ts';
import type { StateStore } from '../state/state-store.ts';
import { ApiFailure } from './api-failure.ts';
import { createRulesHandlers } from '../rules/rules-handlers.ts';
import type { RulesService } from '../rules/rules-service.ts';
import type { CallContext, Handlers } from './api-service.ts';

export interface HandlerDeps {
  auth: AuthService;
  audit: AuditLog;
  registry: DeviceRegistry;
  states: StateStore;
  adapters: AdapterHost;
  history: TimeSeriesStore;
  health: () => Health;
  snapshot: () => Snapshot;
  /** the rules service, started after the adapters */
  rules: () => RulesService;
  /** the broker's site CA certificate (PEM), null when TLS is off */
  mqttCa?: () => string | null;
}

function sessionOf(ctx: CallContext) {
  if (!ctx.session) throw new ApiFailure('unauthenticated', 'Log in first.');
  return ctx.session;
}

/** the zigbee.* methods act on Zigbee devices only */
function zigbeeDevice(d: HandlerDeps, deviceId: string): string {
  const device = d.registry.devices.get(deviceId);
  if (!device) throw new ApiFailure('not_found', `No device ${deviceId}.`);
  if (device.adapter !== 'zigbee')
    throw new ApiFailure('bad_request', `${device.name} is not a Zigbee device.`);
  return device.id;
}

/** What each API method does; validation and role checks happened before these run. */
export function createHandlers(d: HandlerDeps): Handlers {
  return {
    'auth.status': async () => ({ needsSetup: await d.auth.needsSetup() }),
    'auth.setup': async (p) => d.auth.setup(p.username, p.password),
    'auth.login': async (p) => d.auth.login(p.username, p.password),
    'auth.logout': async (_p, ctx) => {
      await d.auth.logout(sessionOf(ctx).id);
      return { ok: true };
    },
    'auth.me': async (_p, ctx) => sessionOf(ctx).user,

    'site.snapshot': async () => d.snapshot(),
    'system.health': async () => d.health(),
    'mqtt.caCertificate': async () => {
      const pem = d.mqttCa?.() ?? null;
      if (!pem) throw new ApiFailure('unavailable', 'The broker has no TLS listener (mqtt.tlsPort is off).');
      return { pem };
    },

    'entity.command': async (p) => {
      await d.adapters.execute(p.entityId, p.command);
      return { ok: true };
    },
    'history.query': async (p) => {
      if (!d.registry.entities.has(p.entityId)) throw new ApiFailure('not_found', `No entity ${p.entityId}.`);
      if (!(p.to > p.from))
        throw new ApiFailure('bad_request', '"to" must be after "from".', [
          { path: 'to', message: 'before from' },
        ]);
      const r = d.history.query({
        entityId: p.entityId,
        from: p.from,
        to: p.to,
        resolution: p.resolution,
        maxPoints: p.maxPoints,
      });
      return { resolution: r.resolution, points: r.points };
    },

    'device.update': async (p) => d.registry.updateDevice(p.deviceId, { name: p.name, zoneId: p.zoneId }),
    'device.remove': async (p) => {
      await d.adapters.removeDevice(p.deviceId, p.ban);
      return { ok: true };
    },
    'commissioning.status': async () => d.adapters.commissioningStatus(),
    'commissioning.open': async (p) => ({
      openUntil: await d.adapters.openCommissioning(p.adapter, p.seconds, p.via, p.installCode),
    }),
    'commissioning.close': async (p) => {
      await d.adapters.closeCommissioning(p.adapter);
      return { ok: true };
    },
    'commissioning.adopt': async (p) => {
      const { address, connection } = await d.adapters.adoptWithConnection(
        p.adapter,
        p.candidateId,
        p.secret,
      );
      const device = d.registry.deviceByAddress(p.adapter, address);
      if (!device)
        throw new ApiFailure('unavailable', 'The device was adopted but has not announced itself yet.');
      const updated =
        p.name === undefined && p.zoneId === undefined
          ? device
          : await d.registry.updateDevice(device.id, { name: p.name, zoneId: p.zoneId });
      return connection ? { ...updated, connection } : updated;
    },
    'network.map': async (p) => d.adapters.networkMap(p.adapter),
    'zigbee.ota.check': async (p) =>
      d.adapters.firmwareCheck(zigbeeDevice(d, p.deviceId), Buffer.from(p.image, 'base64')),
    'zigbee.ota.start': async (p) =>
      d.adapters.firmwareUpdate(zigbeeDevice(d, p.deviceId), Buffer.from(p.image, 'base64')),
    'zigbee.bind': async (p) => {
      const target =
        p.targetDeviceId === undefined
          ? { groupId: p.groupId! }
          : { deviceId: zigbeeDevice(d, p.targetDeviceId) };
      await d.adapters.bind(zigbeeDevice(d, p.deviceId), target, p.clusters, p.unbind);
      return { ok: true };
    },
    'zigbee.group': async (p) => {
      await d.adapters.setGroupMembership(zigbeeDevice(d, p.deviceId), p.groupId, p.member);
      return { ok: true };
    },
    'commissioning.retry': async (p) => {
      await d.adapters.retry(p.adapter, p.candidateId);
      return { ok: true };
    },
    'zone.create': async (p) => d.registry.createZone({ name: p.name, kind: p.kind, parentId: p.parentId }),
    'zone.update': async (p) => d.registry.updateZone(p.zoneId, { name: p.name, parentId: p.parentId }),
    'zone.delete': async (p) => {
      await d.registry.deleteZone(p.zoneId);
      return { ok: true };
    },

    'user.list': async () => d.auth.listUsers(),
    'user.create': async (p) => d.auth.createUser(p.username, p.password, p.role),
    'user.setRole': async (p) => d.auth.setRole(p.userId, p.role),
    'user.delete': async (p, ctx) => {
      await d.auth.deleteUser(p.userId, sessionOf(ctx).user.id);
      return { ok: true };
    },
    'user.changePassword': async (p, ctx) => {
      await d.auth.changePassword(sessionOf(ctx), p.currentPassword, p.newPassword);
      return { ok: true };
    },
    'audit.list': async (p) => d.audit.list(p.limit, p.before),
    ...createRulesHandlers(d.rules),
  };
}
