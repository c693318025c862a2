import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  // The one-time code Truss printed on its console, also left in its private data folder.
  const code = readFileSync(join(process.env.TRUSS_E2E_DATA!, 'setup-code.txt'), 'utf8').trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

  // Without the right code nobody becomes the administrator (a page that reached the port cannot).
  await page.getByTestId('setup-code').fill('AAAA-BBBB-CCCC');
  await page.getByTestId('setup-username').fill(ADMIN.username);
  await page.getByTestId('setup-password').fill(ADMIN.password);
  await page.getByTestId('setup-confirm').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('field-error-code')).toBeVisible();
  await expect(page.getByTestId('setup-error')).toHaveAttribute('data-code', 'forbidden');
  await page.getByTestId('setup-code').fill(code);

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
    code,
  });
  expect(again.status).toBeGreaterThanOrEqual(400);
  expect(unwrap((await apiCall(request, null, 'auth.status', {})).body)).toEqual({ needsSetup: false });
});
