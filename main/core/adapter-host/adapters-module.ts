import { updateConfigFile, withAdapterConfig } from '../config/config-file.ts';
import { demoEnabled } from '../config/config-schema.ts';
import { CoreError } from '../errors.ts';
import { defineModule } from '../module.ts';
import { AdapterHost, type AdapterSelection } from './adapter-host.ts';

declare module '../module.ts' {
  interface ModuleApis {
    adapters: AdapterHost;
  }
}

/**
 * The device families the host picked: their lifecycle, commissioning, commands, and what they
 * report turned into registry and state changes.
 */
export function adaptersModule(selections: AdapterSelection[]) {
  return defineModule({
    name: 'adapters',
    async start(ctx) {
      const registry = ctx.use('registry');
      const secrets = ctx.use('secrets');
      const broker = ctx.use('broker');
      const adapters = new AdapterHost({
        bus: ctx.bus,
        secrets: (adapterId) => secrets.scoped(adapterId),
        dataDir: ctx.dataDir,
        selections,
        registry,
        states: ctx.use('states'),
        log: ctx.log,
        now: ctx.now,
        mqtt: () => ({ bus: broker.bus, acl: broker.acl, commissioning: broker.commissioning }),
      });
      await adapters.start();
      return {
        api: adapters,
        stop: () => adapters.stop(),
        health: () => adapters.health(),
        handlers: {
          'entity.command': async (p) => {
            await adapters.execute(p.entityId, p.command);
            return { ok: true };
          },
          'device.remove': async (p) => {
            await adapters.removeDevice(p.deviceId, p.ban);
            return { ok: true };
          },
          'commissioning.status': async () => adapters.commissioningStatus(),
          'commissioning.open': async (p) => ({
            openUntil: await adapters.openCommissioning(p.adapter, p.seconds, p.via, p.installCode),
          }),
          'commissioning.close': async (p) => {
            await adapters.closeCommissioning(p.adapter);
            return { ok: true };
          },
          'commissioning.adopt': async (p) => {
            const { address, connection } = await adapters.adoptWithConnection(
              p.adapter,
              p.candidateId,
              p.secret,
            );
            const device = registry.deviceByAddress(p.adapter, address);
            if (!device)
              throw new CoreError('unavailable', 'The device was adopted but has not announced itself yet.');
            const updated =
              p.name === undefined && p.zoneId === undefined
                ? device
                : await registry.updateDevice(device.id, { name: p.name, zoneId: p.zoneId });
            return connection ? { ...updated, connection } : updated;
          },
          'commissioning.retry': async (p) => {
            await adapters.retry(p.adapter, p.candidateId);
            return { ok: true };
          },
          'network.map': async (p) => adapters.networkMap(p.adapter),
          'adapters.list': async () => adapters.list(),
          'adapters.config.get': async (p) => adapters.settings(p.adapter),
          'adapters.config.set': async (p) => {
            const applied = await adapters.reconfigure(p.adapter, p.config);
            // Saved only once it runs: the file never holds settings that did not start.
            const savedTo = updateConfigFile(ctx.dataDir, (current) =>
              withAdapterConfig(current, p.adapter, applied, demoEnabled(ctx.config)),
            );
            return { settings: adapters.settings(p.adapter), savedTo };
          },
          'device.firmware.check': async (p) =>
            adapters.firmwareCheck(p.deviceId, Buffer.from(p.image, 'base64')),
          'device.firmware.update': async (p) =>
            adapters.firmwareUpdate(p.deviceId, Buffer.from(p.image, 'base64')),
          'device.links.bind': async (p) => {
            const target =
              p.targetDeviceId === undefined ? { groupId: p.groupId! } : { deviceId: p.targetDeviceId };
            await adapters.bind(p.deviceId, target, p.functions, p.unbind);
            return { ok: true };
          },
          'device.links.group': async (p) => {
            await adapters.setGroupMembership(p.deviceId, p.groupId, p.member);
            return { ok: true };
          },
        },
        events: (emit) => {
          const { bus } = ctx;
          const offs = [
            bus.on('candidate.changed', ({ adapter, candidate }) =>
              emit({ type: 'candidate', adapter, candidate }),
            ),
            bus.on('candidate.removed', ({ adapter, candidateId }) =>
              emit({ type: 'candidate.removed', adapter, candidateId }),
            ),
            bus.on('commissioning.window', ({ adapter, openUntil }) =>
              emit({ type: 'commissioning.window', adapter, openUntil }),
            ),
            bus.on('firmware.progress', (p) => emit({ type: 'firmware.progress', ...p })),
          ];
          return () => offs.forEach((off) => off());
        },
      };
    },
  });
}
