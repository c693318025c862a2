import { readFileSync } from 'node:fs';
import type { AdapterModule } from '../../shared/adapter/contract.ts';
import type { AdapterSelection } from '../core/adapter-host/adapter-host.ts';
import { type Config, demoEnabled } from '../core/config/config-schema.ts';
import { ConfigError } from '../core/config/load-config.ts';
import { Core } from '../core/core.ts';
import type { CoreLogger } from '../core/log/logger.ts';
import { ADAPTERS } from './adapter-catalogue.ts';
import { DemoBle } from './demo-ble.ts';
import { DemoZigbee } from './demo-zigbee.ts';
import { DemoSite } from './demo-site.ts';

export function trussVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Picks the adapters named in the configuration (the MQTT adapter always runs: it serves the
 * embedded broker's discovery) and refuses unknown ones before anything starts.
 */
export function selectAdapters(
  config: Config,
  catalogue: Record<string, AdapterModule<never>> = ADAPTERS,
): AdapterSelection[] {
  const unknown = Object.keys(config.adapters).filter((id) => !(id in catalogue));
  if (unknown.length > 0) {
    throw new ConfigError(
      'the configuration',
      unknown.map((id) => `adapters.${id}: unknown adapter (known: ${Object.keys(catalogue).join(', ')})`),
    );
  }
  const ids = new Set(['mqtt', ...Object.keys(config.adapters)]);
  return [...ids].map((id) => ({
    module: catalogue[id] as AdapterModule<unknown>,
    config: config.adapters[id] ?? {},
  }));
}

export interface RunningTruss {
  core: Core;
  demo: DemoSite | null;
  stop(): Promise<void>;
}

/** Builds and starts the core with its adapters, and the virtual building when demo mode is on. */
export async function startTruss(config: Config, log: CoreLogger): Promise<RunningTruss> {
  // Demo BLE devices need their private BlueZ up before the BLE adapter starts.
  const demoBle = demoEnabled(config) ? await DemoBle.start(log) : null;
  const demoZigbee = demoEnabled(config) ? await DemoZigbee.start(config, log) : null;
  const bleConfig = demoBle ? demoBle.configure(config) : config;
  const demoConfig = demoZigbee ? demoZigbee.configure(bleConfig) : bleConfig;
  // The core is told plainly that the demo runs (its adapters now look configured).
  const coreConfig = demoEnabled(config)
    ? { ...demoConfig, demo: { ...demoConfig.demo, enabled: true } }
    : config;
  const core = new Core({
    config: coreConfig,
    log,
    adapters: selectAdapters(coreConfig).map((s) =>
      // Adapters the virtual building pointed at its own emulators are its to configure.
      s.module.manifest.id in config.adapters || s.module.manifest.id === 'mqtt' || !demoEnabled(config)
        ? s
        : { ...s, managedBy: 'the virtual building (demo)' },
    ),
    version: trussVersion(),
  });
  try {
    await core.start();
  } catch (err) {
    await demoBle?.stop();
    await demoZigbee?.stop();
    throw err;
  }
  let demo: DemoSite | null = null;
  try {
    if (demoEnabled(config)) {
      demo = new DemoSite(core, config.demo, demoBle, demoZigbee);
      await demo.start();
    }
  } catch (err) {
    await core.stop();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    core,
    demo,
    stop() {
      stopping ??= (async () => {
        await demo?.stop();
        await core.stop();
      })();
      return stopping;
    },
  };
}
