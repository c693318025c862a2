import { ApiConnection } from '../core/api/api-connection.ts';
import type { RunningTruss } from '../host/compose.ts';

/** The shape of Electron's MessagePortMain that the desktop pipe uses. */
export interface MainPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}

/**
 * Serves the API frame protocol over one window's MessagePort: the same ApiConnection as the
 * WebSocket, so the desktop app and a LAN browser see exactly the same API.
 */
export function serveApiOverPort(truss: RunningTruss, port: MainPortLike): ApiConnection {
  const { core } = truss;
  const conn = new ApiConnection(
    {
      api: core.api,
      auth: core.use('auth'),
      snapshot: async () => core.snapshot(),
      log: core.log.child({ transport: 'ipc' }),
    },
    (frame) => port.postMessage(JSON.stringify(frame)),
    'ipc',
  );
  port.on('message', (m) => {
    if (typeof m.data === 'string') void conn.receive(m.data);
  });
  port.on('close', () => conn.close());
  port.start();
  return conn;
}
