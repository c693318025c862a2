// The core in Electron's utility process: the same composition as headless mode, with the API
// served over MessagePorts the main process hands over, one per window.
import { resolve } from 'node:path';
import { defaultDataDir } from '../core/config/data-dir.ts';
import { loadConfig } from '../core/config/load-config.ts';
import { createLogger } from '../core/log/logger.ts';
import { startTruss } from '../host/compose.ts';
import { serveApiOverPort, type MainPortLike } from './port-api.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: MainPortLike[] }) => void): void;
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
  serveApiOverPort(truss, e.ports[0]);
});
