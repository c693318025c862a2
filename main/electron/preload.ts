// The preload runs sandboxed: it may use only Electron's renderer modules. It exposes one named
// function and never ipcRenderer itself. The API's MessagePort can't cross the context bridge,
// so it is handed to the page with window.postMessage, the pattern Electron documents for
// context-isolated pages; the page picks it up in renderer/transport/ipc.ts.
import { contextBridge, ipcRenderer } from 'electron';

// The preload is type-checked with the Node project, which has no DOM library: declare the one DOM call used.
declare const window: {
  postMessage(
    message: string,
    targetOrigin: string,
    transfer: Electron.MessagePortMain[] | readonly unknown[],
  ): void;
  location: { origin: string };
};

ipcRenderer.on('truss:port', (event) => {
  window.postMessage('truss:port', window.location.origin, event.ports);
});

contextBridge.exposeInMainWorld('truss', {
  requestPort: () => ipcRenderer.send('truss:connect'),
});
