import { expect, test } from '@playwright/test';
import { ADMIN, apiCall, signIn, snapshot, tokenOf } from './helpers.ts';

test('a change made elsewhere shows up within a second', async ({ page, request }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  const row = page.locator('[data-testid^="device-row-"][data-name="Meeting room thermostat"]');
  const value = row.locator('[data-testid^="setpoint-value-"]');
  await expect(value).toHaveAttribute('data-value', /\d/);
  const entityId = (await value.getAttribute('data-testid'))!.replace('setpoint-value-', '');
  const token = await tokenOf(page);
  const current = (await snapshot(request, token)).states[entityId]!.value as { setpoint: number };
  const target = current.setpoint === 22 ? 22.5 : 22;

  // Another operator (here: the HTTP API) changes the setpoint; this page was not involved.
  const started = Date.now();
  const r = await apiCall(request, token, 'entity.command', {
    entityId,
    command: { type: 'set_setpoint', value: target },
  });
  expect(r.status).toBe(200);
  await expect(value).toHaveAttribute('data-value', String(target), { timeout: 3000 });
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(1500); // the device's echo plus our push, measured end to end

  await apiCall(request, token, 'entity.command', {
    entityId,
    command: { type: 'set_setpoint', value: current.setpoint },
  });
  await expect(value).toHaveAttribute('data-value', String(current.setpoint));
});

test('a dropped connection is shown, then the UI reconnects and reloads the whole site', async ({ page }) => {
  // Route the UI's WebSocket through the test so the test can cut it like a network failure would.
  let sockets = 0;
  let cut: (() => Promise<void>) | null = null;
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    sockets++;
    const server = ws.connectToServer();
    cut = async () => {
      await ws.close({ code: 4000, reason: 'test cut' });
      await server.close();
    };
  });
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  await expect(page.locator('[data-testid^="device-row-"]').first()).toBeVisible();
  expect(sockets).toBe(1);

  await cut!();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  await expect(page.getByTestId('stale-note')).toBeVisible();

  // The transport retries on its own; the new connection says hello with the stored token.
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 15_000,
  });
  expect(sockets).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('user-badge')).toContainText(ADMIN.username);
  await expect(page.locator('[data-testid^="device-row-"]').first()).toBeVisible();
  await expect(page.getByTestId('stale-note')).toHaveCount(0);
});

test('no optimistic guess: without a report from the device the switch keeps its old state', async ({
  page,
  request,
}) => {
  // Swallow the state reports for one plug on their way to the page, as if the device never answered.
  const muted = 'switch.coffee_machine';
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((msg) => {
      if (typeof msg === 'string' && msg.includes('"t":"evt"') && msg.includes(`"entityId":"${muted}"`))
        return;
      ws.send(msg);
    });
  });
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  const toggle = page.getByTestId(`control-switch-${muted}`);
  await expect(toggle).toHaveAttribute('data-state', /^(on|off)$/);
  const before = (await toggle.getAttribute('data-state'))!;

  await toggle.click();
  await expect(toggle).toHaveAttribute('data-pending', 'true');
  await expect(page.getByTestId(`control-noecho-${muted}`)).toBeVisible({ timeout: 10_000 });
  await expect(toggle).toHaveAttribute('data-state', before);
  await expect(toggle).toHaveAttribute('data-pending', 'false');

  // Put the plug back as it was (the command itself did reach the device).
  const token = await tokenOf(page);
  await apiCall(request, token, 'entity.command', {
    entityId: muted,
    command: { type: before === 'on' ? 'turn_on' : 'turn_off' },
  });
});
