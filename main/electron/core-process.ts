// The core in Electron's utility process: the same composition as headless mode, with the API
// served over MessagePorts the main process hands over, one per window.
import { resolve } from 'node:path';
import { ApiConnection } from '../core/api/api-connection.ts';
import { defaultDataDir } from '../core/config/data-dir.ts';
import { loadConfig } from '../core/config/load-config.ts';
import { createLogger } from '../core/log/logger.ts';
import { startTruss } from '../host/compose.ts';

interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;
const dataIndex = process.argv.indexOf('--data');
const dataDir = resolve(dataIndex > 0 ? process.argv[dataIndex + 1]! : defaultDataDir());
const config = loadConfig(dataDir);
const log = await createLogger({ dataDir, level: config.log.level, stderr: config.log.stderr });
const truss = await startTruss(config, log);

parentPort.on('message', (e) => {
  const msg = e.data as { type?: string };
  if (msg.type === 'shutdown') {
    void truss.stop().then(() => process.exit(0));
    return;
  }
  if (msg.type !== 'connect' || !e.ports[0]) return;
  const port = e.ports[0];
  const conn = new ApiConnection(
    {
      api: truss.core.api,
      auth: truss.core.parts.auth,
      snapshot: async () => truss.core.snapshot(),
      log: log.child({ transport: 'ipc' }),
    },
    (frame) => port.postMessage(JSON.stringify(frame)),
    'ipc',
  );
  port.on('message', (m) => {
    if (typeof m.data === 'string') void conn.receive(m.data);
  });
  port.on('close', () => conn.close());
  port.start();
});
