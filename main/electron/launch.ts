import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type DesktopLaunch = { launched: true } | { launched: false; reason: string };

export interface LaunchEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** the path of the Electron binary, or why there is none */
  electronBinary: () => string;
}

const defaultEnvironment: LaunchEnvironment = {
  platform: process.platform,
  env: process.env,
  // The electron package's main export is the binary's path; it throws when the binary was not downloaded.
  electronBinary: () => createRequire(import.meta.url)('electron') as string,
};

/** Why the desktop app can't open here, or null when it can. */
export function desktopUnavailableReason(envir: LaunchEnvironment): string | null {
  let binary: string;
  try {
    binary = envir.electronBinary();
  } catch {
    return 'the Electron runtime is not installed';
  }
  if (!existsSync(binary)) return 'the Electron runtime is not installed';
  if (envir.platform === 'linux' && !envir.env.DISPLAY && !envir.env.WAYLAND_DISPLAY) return 'no display';
  return null;
}

/** Opens the desktop app in its own process (Electron), or says why it can't. */
export function launchDesktop(
  args: string[],
  dataDir: string,
  envir: LaunchEnvironment = defaultEnvironment,
): DesktopLaunch {
  const reason = desktopUnavailableReason(envir);
  if (reason) return { launched: false, reason };
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(envir.electronBinary(), [main, '--data', dataDir, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  return { launched: true };
}
