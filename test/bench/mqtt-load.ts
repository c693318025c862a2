/**
 * The device fleet for mqtt.bench.ts, in a process of its own so publishers and broker do not
 * share an event loop. Reads one JSON line (the fleet) and then commands on stdin:
 *   `run <qos> <rate msg/s> <seconds>` -> publishes Tasmota tele/<t>/SENSOR at that total rate,
 *   round-robin over the devices, and answers `done <sent>`; `quit` ends it.
 * Each payload carries its send time (ms, wall clock modulo 1e6) as ENERGY.Power, so the
 * receiving side can measure latency from the value it ends up with.
 */
import { createInterface } from 'node:readline';
import mqtt, { type MqttClient } from 'mqtt';

interface Fleet {
  url: string;
  announce: boolean;
  devices: Array<{ id: string; mac: string; password: string | null }>;
}

const lines = createInterface({ input: process.stdin });
const it = lines[Symbol.asyncIterator]();
const fleet = JSON.parse(String((await it.next()).value)) as Fleet;
const now = (): number => performance.timeOrigin + performance.now();

const clients: MqttClient[] = [];
const connectOne = (d: Fleet['devices'][number]): Promise<MqttClient> =>
  new Promise((resolve, reject) => {
    const c = mqtt.connect(fleet.url, {
      clientId: d.id,
      ...(d.password ? { username: d.id, password: d.password } : {}),
      reconnectPeriod: 0,
      connectTimeout: 120_000,
      keepalive: 120,
      protocolVersion: 4,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

for (let i = 0; i < fleet.devices.length; i += 50) {
  const batch = fleet.devices.slice(i, i + 50);
  clients.push(...(await Promise.all(batch.map(connectOne))));
}
if (fleet.announce) {
  await Promise.all(
    fleet.devices.map((d, i) =>
      clients[i]!.publishAsync(
        `tasmota/discovery/${d.mac}/config`,
        JSON.stringify({
          dn: d.id,
          mac: d.mac,
          md: 'Bench plug',
          t: d.id,
          rl: [1],
          ft: '%prefix%/%topic%/',
          tp: ['cmnd', 'stat', 'tele'],
        }),
        { qos: 1, retain: true },
      ),
    ),
  );
}
process.stdout.write('ready\n');

for (;;) {
  const next = await it.next();
  if (next.done) break;
  const [cmd, qosText, rateText, secondsText] = String(next.value).split(' ');
  if (cmd === 'quit') break;
  if (cmd !== 'run') continue;
  const qos = Number(qosText) as 0 | 1;
  const rate = Number(rateText);
  const until = now() + Number(secondsText) * 1000;
  let sent = 0;
  let owed = 0;
  let last = now();
  let rr = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const t = now();
      owed += ((t - last) * rate) / 1000;
      last = t;
      if (t >= until) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (; owed >= 1; owed--) {
        const c = clients[rr]!;
        const id = fleet.devices[rr]!.id;
        rr = (rr + 1) % clients.length;
        const stamp = Math.round((now() % 1e6) * 1000) / 1000;
        c.publish(`tele/${id}/SENSOR`, `{"Time":"2026-11-23T12:00:00","ENERGY":{"Power":${stamp}}}`, { qos });
        sent++;
      }
    }, 1);
  });
  process.stdout.write(`done ${sent}\n`);
}
await Promise.all(clients.map((c) => c.endAsync(true)));
process.exit(0);
