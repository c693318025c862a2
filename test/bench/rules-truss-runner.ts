/**
 * The Truss side of the rules benchmark, in its own process as Node-RED is: a real Truss core
 * (demo off) with its embedded broker, MQTT adapter, state store and rules service, exactly as
 * `main/host/compose.ts` starts it in production. The bench process plays the devices.
 *
 * IPC protocol (parent <-> this child):
 *   child  -> {t:'credentials', url, credentials}  broker credentials issued by the core per device
 *   parent -> {t:'announced', sensors, switches}   the devices have published their HA discovery
 *   child  -> {t:'ready', entities}                all entities registered and every rule saved
 *   child  -> {t:'failed', message}
 * argv: <devices> <rules>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../shared/api/methods.ts';
import { loadConfig } from '../../main/core/config/load-config.ts';
import { silentLogger } from '../../main/core/log/logger.ts';
import { startTruss } from '../../main/host/compose.ts';
import {
  benchDeviceAcl,
  benchDeviceId,
  benchRule,
  sensorObjectId,
  switchObjectId,
} from './rules-topology.ts';

const [devicesArg, rulesArg] = process.argv.slice(2);
const DEVICES = Number(devicesArg);
const RULES = Number(rulesArg);
const dataDir = mkdtempSync(join(tmpdir(), 'truss-rules-bench-core-'));
const send = (msg: unknown) => process.send!(msg);

const truss = await startTruss(
  loadConfig(dataDir, { http: { port: 0 }, mqtt: { port: 0 }, demo: { enabled: false } }),
  silentLogger(),
);
const core = truss.core;

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await truss.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('disconnect', () => void shutdown(0));

const credentials: Array<{ username: string; password: string }> = [];
for (let d = 0; d < DEVICES; d++)
  credentials.push(await core.use('broker').issueCredential(benchDeviceId(d), benchDeviceAcl(d)));
send({ t: 'credentials', url: `mqtt://127.0.0.1:${core.mqttListeners.port}`, credentials });

async function registerRules(sensors: number, switches: number): Promise<number> {
  const { token } = await core
    .use('auth')
    .setup('admin', 'a long bench admin password', core.use('auth').setupCode() ?? '');
  const session = core.use('auth').authenticate(token);
  const ctx = { session, transport: 'ipc' as const };
  // The adapter registers entities as discovery arrives; wait until it has all of them.
  const byObjectId = new Map<string, string>();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const snap = (await core.api.call('site.snapshot', {}, ctx)) as Snapshot;
    byObjectId.clear();
    for (const e of snap.entities) byObjectId.set(e.key, e.id);
    if (byObjectId.size >= sensors + switches) break;
    if (Date.now() > deadline)
      throw new Error(`only ${byObjectId.size} of ${sensors + switches} entities registered`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const idOf = (objectId: string) => {
    const id = byObjectId.get(objectId);
    if (!id) throw new Error(`no entity with key ${objectId}; keys look like ${[...byObjectId.keys()][0]}`);
    return id;
  };
  for (let j = 0; j < RULES; j++) {
    const rule = benchRule(j, (i) => idOf(sensorObjectId(i)), idOf(switchObjectId(j)));
    await core.api.call('rules.save', { rule }, ctx);
  }
  return byObjectId.size;
}

process.on('message', (msg: { t: string; sensors: number; switches: number }) => {
  if (msg.t !== 'announced') return;
  registerRules(msg.sensors, msg.switches).then(
    (entities) => send({ t: 'ready', entities }),
    (err: Error) => send({ t: 'failed', message: err.message }),
  );
});
