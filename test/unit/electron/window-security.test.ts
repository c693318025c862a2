import { describe, expect, it } from 'vitest';
import {
  appUrlToRelativePath,
  isAppUrl,
  isTrustedSender,
  permissionAllowed,
  secureWebPreferences,
} from '../../../main/electron/window-security.ts';
import { desktopUnavailableReason } from '../../../main/electron/launch.ts';

describe('desktop window security', () => {
  it('turns on every isolation Electron offers', () => {
    const p = secureWebPreferences('/x/preload.ts');
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('allows navigation only inside app://truss', () => {
    expect(isAppUrl('app://truss/devices')).toBe(true);
    expect(isAppUrl('https://evil.example/')).toBe(false);
    expect(isAppUrl('app://other/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('answers IPC only for our own main frame', () => {
    expect(isTrustedSender('app://truss/', true)).toBe(true);
    expect(isTrustedSender('app://truss/', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('maps app:// paths into the renderer folder and refuses traversal', () => {
    expect(appUrlToRelativePath('app://truss/')).toBe('index.html');
    expect(appUrlToRelativePath('app://truss/assets/index-1.js')).toBe('assets/index-1.js');
    // The URL parser resolves dot segments, so this stays inside the folder...
    expect(appUrlToRelativePath('app://truss/%2e%2e/%2e%2e/etc/passwd')).toBe('etc/passwd');
    // ...and encoded slashes that would decode into '..' segments are refused.
    expect(appUrlToRelativePath('app://truss/a%2f..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(appUrlToRelativePath('app://truss/a%00b')).toBeNull();
    expect(appUrlToRelativePath('file:///etc/passwd')).toBeNull();
  });

  it('grants no permission', () => {
    expect(permissionAllowed('media')).toBe(false);
    expect(permissionAllowed('notifications')).toBe(false);
  });
});

describe('desktop launch', () => {
  it('falls back when the Electron binary was not downloaded', () => {
    const reason = desktopUnavailableReason({
      platform: 'linux',
      env: { DISPLAY: ':0' },
      electronBinary: () => {
        throw new Error('Electron failed to install correctly');
      },
    });
    expect(reason).toBe('the Electron runtime is not installed');
  });

  it('falls back without a display on Linux', () => {
    expect(
      desktopUnavailableReason({ platform: 'linux', env: {}, electronBinary: () => process.execPath }),
    ).toBe('no display');
    expect(
      desktopUnavailableReason({
        platform: 'linux',
        env: { DISPLAY: ':1' },
        electronBinary: () => process.execPath,
      }),
    ).toBeNull();
  });
});
