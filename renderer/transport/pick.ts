import type { Transport } from '../../shared/api/client.ts';
import { IpcTransport } from './ipc.ts';
import { WebSocketTransport, defaultWebSocketUrl } from './websocket.ts';

/** Desktop when the preload exposed window.truss, otherwise the headless server's WebSocket. */
export function pickTransport(): Transport {
  if (window.truss) return new IpcTransport(window.truss);
  return new WebSocketTransport({ url: defaultWebSocketUrl() });
}
