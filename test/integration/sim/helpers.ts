import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { SimDeviceSpec } from '../../../adapters/sim/index.ts';

export const ADMIN = { username: 'truss-admin', password: 'admin-secret' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function credentialsFor(
  specs: SimDeviceSpec[],
): Record<string, { username: string; password: string }> {
  return Object.fromEntries(
    specs.map((s) => [s.nodeId, { username: s.nodeId, password: `pw-${s.nodeId}-x7` }]),
  );
}

/** MQTT topic filter match (+ and #), for the aedes ACL and for assertions. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export interface Mosquitto {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Debian's mosquitto with a password file and an ACL generated from the device specs; anonymous refused. */
export async function startMosquitto(specs: SimDeviceSpec[], fixedPort?: number): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-sim-mosq-'));
  const creds = credentialsFor(specs);
  const passwd = join(dir, 'passwd');
  writeFileSync(
    passwd,
    [...Object.values(creds), ADMIN].map((c) => `${c.username}:${c.password}`).join('\n') + '\n',
    { mode: 0o600 },
  );
  execFileSync('mosquitto_passwd', ['-U', passwd]);
  const acl: string[] = [`user ${ADMIN.username}`, 'topic readwrite #', ''];
  for (const s of specs) {
    acl.push(`user ${creds[s.nodeId]!.username}`);
    for (const p of s.acl.publish) acl.push(`topic write ${p}`);
    for (const p of s.acl.subscribe) acl.push(`topic read ${p}`);
    acl.push('');
  }
  writeFileSync(join(dir, 'acl'), acl.join('\n'), { mode: 0o600 });
  const port = fixedPort ?? (await freePort());
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(dir, 'acl')}`,
      'persistence false',
      'user root',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ].join('\n') + '\n',
  );
  const proc: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitForPort(port, () => (proc.exitCode !== null ? `mosquitto exited: ${stderr}` : null));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode === null) process.kill(proc.pid!, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(why);
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`broker did not listen on ${port}`);
}

/** A privileged observer: records every message it sees, retained or live. */
export class Observer {
  readonly client: MqttClient;
  readonly messages: Array<{ topic: string; payload: string; retain: boolean }> = [];
  readonly latest = new Map<string, string>();

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      this.messages.push({ topic, payload: text, retain: packet.retain });
      this.latest.set(topic, text);
    });
  }

  static async connect(url: string, clientId: string, filters: string[]): Promise<Observer> {
    const client = await connectAsync(url, { ...ADMIN, clientId, reconnectPeriod: 0 }, false);
    const o = new Observer(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return o;
  }

  /** Resolves with the first message (seen since index `from`) that satisfies the predicate. */
  async waitFor(
    pred: (m: { topic: string; payload: string; retain: boolean }) => boolean,
    what: string,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<{ topic: string; payload: string; retain: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
