import type { Transport } from '../../shared/api/client.ts';
import { IpcTransport } from './ipc.ts';
import type { TrussBridge } from './ipc.ts';

declare global {
  interface Window {
    /** set by the Electron preload; absent in a plain browser */
    truss?: TrussBridge;
  }
}
import { WebSocketTransport } from './websocket.ts';

/** Desktop when the preload exposed window.truss, otherwise the headless server's WebSocket. */
export function pickTransport(): Transport {
  if (window.truss) return new IpcTransport(window.truss);
  return new WebSocketTransport({ url: defaultWebSocketUrl() });
}

/** ws(s)://<this host>/api/ws, matching the page's own scheme. */
export function defaultWebSocketUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/api/ws`;
}
