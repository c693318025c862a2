import { expect, test } from '@playwright/test';
import { ADMIN, VIEWER, apiCall, signIn, snapshot, tokenOf } from './helpers.ts';

test('an admin creates a viewer, who can look but not control', async ({ page, request }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-users').click();
  await expect(page.getByTestId('users-table')).toBeVisible();

  // A bad password is answered next to the field.
  await page.getByTestId('user-create-username').fill(VIEWER.username);
  await page.getByTestId('user-create-password').fill('short');
  await page.getByTestId('user-create-role').selectOption('viewer');
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('user-create-error-password')).toBeVisible();

  await page.getByTestId('user-create-password').fill(VIEWER.password);
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId(`user-row-${VIEWER.username}`)).toBeVisible();
  await expect(page.getByTestId(`user-role-${VIEWER.username}`)).toHaveValue('viewer');

  await page.getByTestId('logout-button').click();
  await signIn(page, VIEWER);
  await expect(page.getByTestId('read-only-badge')).toBeVisible();
  await page.getByTestId('nav-devices').click();
  const switches = page.locator('[data-testid^="control-switch-"]');
  await expect.poll(() => switches.count()).toBeGreaterThan(0);
  const n = await switches.count();
  for (let i = 0; i < n; i++) await expect(switches.nth(i)).toBeDisabled();
  await expect(page.locator('[data-testid^="setpoint-up-"]').first()).toBeDisabled();

  // The server enforces it too: the viewer's own token is refused.
  const token = await tokenOf(page);
  const snap = await snapshot(request, token);
  const plug = snap.entities.find((e) => e.kind === 'switch' && e.writable)!;
  const r = await apiCall(request, token, 'entity.command', {
    entityId: plug.id,
    command: { type: 'toggle' },
  });
  expect(r.status).toBe(403);
  expect(r.body).toMatchObject({ error: { code: 'forbidden' } });

  // A viewer has no Users tab and no audit log.
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-tab-users')).toHaveCount(0);
  await expect(page.getByTestId('settings-tab-audit')).toHaveCount(0);
});
