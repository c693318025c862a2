/**
 * The Truss side of the rules benchmark, in its own process as Node-RED is: the rules engine
 * with the system clock, fed by an MQTT client on the bench broker (sensor topics become state
 * changes) and sending its commands back as MQTT publishes (the adapter's job in production).
 * argv: <mqtt url> <rules> <entities>
 */
import mqtt from 'mqtt';
import type { EntityState } from '../../shared/domain/entity.ts';
import { Rule } from '../../shared/rules/rule.ts';
import { systemClock } from '../../main/core/rules/clock.ts';
import { RuleEngine } from '../../main/core/rules/engine.ts';

const [url, rulesArg, entitiesArg] = process.argv.slice(2);
const RULES = Number(rulesArg);
const ENTITIES = Number(entitiesArg);
const states = new Map<string, EntityState>();
const client = mqtt.connect(url!, { clientId: `truss-bench-${process.pid}` });
let sent = 0;

const engine = new RuleEngine({
  clock: systemClock,
  site: { lat: 50.11, lon: 8.68, timezone: 'Europe/Berlin' },
  state: (id) => states.get(id),
  entityExists: () => true,
  deviceExists: () => true,
  zoneOccupied: () => null,
  execute: async (entityId, command) => {
    sent++;
    client.publish(`bench/cmd/${entityId.slice(1)}`, JSON.stringify(command));
  },
  // traces go to the store in production; here they are counted, not kept
  onTrace: () => {},
});
engine.setRules(
  Array.from({ length: RULES }, (_, j) =>
    Rule.parse({
      id: `r${j}`,
      name: `rule ${j}`,
      mode: { type: 'parallel', max: 100 },
      rateLimit: { maxRuns: 10_000, perS: 1 },
      triggers: [{ type: 'state', entityId: `s${(2 * j) % ENTITIES}` }],
      conditions: [{ type: 'numeric', entityId: `s${(2 * j + 1) % ENTITIES}`, above: -1 }],
      actions: [{ type: 'command', entityId: `a${j}`, command: { type: 'set_level', level: j % 100 } }],
    }),
  ),
);
engine.start();

client.on('message', (topic, payload) => {
  const id = `s${topic.slice(topic.lastIndexOf('/') + 1)}`;
  const value = Number(payload.toString());
  if (!Number.isFinite(value)) return;
  const previous = states.get(id);
  const state: EntityState = { value, ts: Date.now(), source: 'mqtt', quality: 'good' };
  states.set(id, state);
  engine.onStateChanged(id, state, previous);
});
client.on('connect', () => {
  client.subscribe('bench/s/+', () => process.stdout.write('ready\n'));
});
process.on('message', () => {});
setInterval(() => process.stdout.write(`stats ${engine.evaluations} ${sent}\n`), 1000).unref();
process.on('SIGTERM', () => {
  engine.stop();
  client.end(true, () => process.exit(0));
});
