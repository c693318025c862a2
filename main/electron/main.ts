// The desktop shell. Thin on purpose: the core runs in a utility process (a busy core never
// freezes the window), the UI is served from app:// with the same CSP as headless mode, and
// every security decision comes from window-security.ts, where it is unit-tested.
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  net,
  protocol,
  session,
  Tray,
  utilityProcess,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../server/security-headers.ts';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  appUrlToRelativePath,
  isAppUrl,
  isTrustedSender,
  permissionAllowed,
  secureWebPreferences,
} from './window-security.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '..', '..', 'dist', 'renderer');
const dataDirArg = process.argv.indexOf('--data');
const dataDir = dataDirArg > 0 ? process.argv[dataDirArg + 1] : undefined;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let tray: Tray | null = null;
  const core = utilityProcess.fork(join(here, 'core-process.ts'), dataDir ? ['--data', dataDir] : [], {
    serviceName: 'Truss core',
    stdio: 'inherit',
  });

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  ipcMain.on('truss:connect', (event) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) return;
    const { port1, port2 } = new MessageChannelMain();
    core.postMessage({ type: 'connect' }, [port1]);
    event.sender.postMessage('truss:port', null, [port2]);
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(permissionAllowed(permission)),
    );
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
    protocol.handle(APP_SCHEME, async (request) => {
      const rel = appUrlToRelativePath(request.url);
      if (!rel) return new Response('Not found', { status: 404 });
      const response = await net.fetch(pathToFileURL(join(rendererDir, rel)).toString()).catch(() => null);
      if (!response || !response.ok) {
        // Client-side routes fall back to the app shell.
        const index = await net.fetch(pathToFileURL(join(rendererDir, 'index.html')).toString());
        return withCsp(index);
      }
      return withCsp(response);
    });

    window = new BrowserWindow({
      width: 1280,
      height: 820,
      title: 'Truss',
      show: false,
      webPreferences: secureWebPreferences(join(here, 'preload.ts')),
    });
    window.once('ready-to-show', () => window?.show());
    void window.loadURL(`${APP_ORIGIN}/`);

    tray = new Tray(nativeImage.createEmpty());
    tray.setToolTip('Truss');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Truss', click: () => window?.show() },
        { type: 'separator' },
        { label: 'Quit', click: () => app.quit() },
      ]),
    );
  });

  app.on('before-quit', () => {
    // The core flushes history and logs on SIGTERM-like shutdown before exiting.
    core.postMessage({ type: 'shutdown' });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void APP_HOST;
}

function withCsp(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(response.body, { status: response.status, headers });
}
