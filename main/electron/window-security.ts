/**
 * The desktop shell's security decisions as plain functions, so they are unit-tested without
 * the Electron binary. main.ts only wires them to Electron's hooks.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'truss';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** BrowserWindow webPreferences: the renderer is an untrusted web page with a narrow bridge. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools: process.env.TRUSS_DEVTOOLS === '1',
  } as const;
}

/** Only our own app:// pages may be shown; everything else (links, redirects, window.open) is denied. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** IPC is answered only for our own top-level page, never for a frame or a page that navigated away. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && frameUrl !== undefined && isAppUrl(frameUrl);
}

/** Map an app:// request onto a file inside the renderer folder, or null if it points outside. */
export function appUrlToRelativePath(url: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split('/').some((seg) => seg === '..')) return null;
  const rel = path.replace(/^\/+/, '');
  return rel === '' ? 'index.html' : rel;
}

/** The renderer asks for nothing: camera, microphone, notifications, geolocation are all refused. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
