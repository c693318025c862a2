import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// Playwright loads this file in the runner and again in each worker: the first load picks the ports
// and data dir and leaves them in the environment, which the workers inherit.
process.env.TRUSS_E2E_PORT ??= String(await freePort());
process.env.TRUSS_E2E_MQTT_PORT ??= String(await freePort());
process.env.TRUSS_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'truss-e2e-'));

const port = process.env.TRUSS_E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;
const serve = [
  'node_modules/.bin/node main/cli.ts serve',
  `--data ${process.env.TRUSS_E2E_DATA}`,
  `--port ${port}`,
  `--mqtt-port ${process.env.TRUSS_E2E_MQTT_PORT}`,
].join(' ');
// The UI under test is the one built from this tree, unless the caller built it already.
const build = process.env.TRUSS_E2E_SKIP_BUILD
  ? ''
  : 'node_modules/.bin/vite build --config renderer/vite.config.ts && ';

export default defineConfig({
  testDir: '.',
  outputDir: join(repo, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1360, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  // One server for the run, so specs run in order on its state: first-run creates the admin
  // account that every later spec signs in with.
  projects: [
    { name: 'first-run', testMatch: /first-run\.spec\.ts/ },
    {
      // every other spec: a new one needs no line here
      name: 'app',
      testMatch: /\.spec\.ts$/,
      testIgnore: /(first-run|screenshots)\.spec\.ts$/,
      dependencies: ['first-run'],
    },
    { name: 'screenshots', testMatch: /screenshots\.spec\.ts/, dependencies: ['app'] },
  ],
  webServer: {
    command: `sh -c '${build}exec ${serve}'`,
    cwd: repo,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
