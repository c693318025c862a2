import { expect, test } from '@playwright/test';
import { ADMIN, apiCall, unwrap } from './helpers.ts';
import type { BrowserWindow } from './helpers.ts';

test('a fresh install asks for the admin account, shows field errors, then signs in', async ({
  page,
  request,
}) => {
  const status = await apiCall(request, null, 'auth.status', {});
  expect(unwrap(status.body)).toEqual({ needsSetup: true });

  await page.goto('/');
  await expect(page.getByTestId('setup-form')).toBeVisible();

  // A too-short password: the server's field error appears next to the password field.
  await page.getByTestId('setup-username').fill(ADMIN.username);
  await page.getByTestId('setup-password').fill('short');
  await page.getByTestId('setup-confirm').fill('short');
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('field-error-password')).toContainText('10');
  await expect(page.getByTestId('setup-error')).toHaveAttribute('data-code', 'bad_request');

  // Mismatched confirmation is caught before anything is sent.
  await page.getByTestId('setup-password').fill(ADMIN.password);
  await page.getByTestId('setup-confirm').fill(`${ADMIN.password}x`);
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('field-error-confirm')).toBeVisible();

  await page.getByTestId('setup-confirm').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('user-badge')).toContainText(ADMIN.username);
  await expect(page.getByTestId('user-badge')).toHaveAttribute('data-role', 'admin');
  await expect(page.getByTestId('overview-page')).toBeVisible();
  expect(
    await page.evaluate(() => (globalThis as unknown as BrowserWindow).localStorage.getItem('truss.token')),
  ).toBeTruthy();

  // The setup is one-time: the server refuses a second one.
  const again = await apiCall(request, null, 'auth.setup', {
    username: 'mallory',
    password: 'another-password-1',
  });
  expect(again.status).toBeGreaterThanOrEqual(400);
  expect(unwrap((await apiCall(request, null, 'auth.status', {})).body)).toEqual({ needsSetup: false });
});
