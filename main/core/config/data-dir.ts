import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-OS application-data folder, where Electron's app.getPath('userData') would put it too. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Truss');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Truss');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'truss');
}
