import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers.ts';
import type { BrowserWindow } from './helpers.ts';

test('login, reload keeps the session, logout returns to login', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.reload();
  await expect(page.getByTestId('user-badge')).toContainText(ADMIN.username);
  await page.getByTestId('logout-button').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  expect(
    await page.evaluate(() => (globalThis as unknown as BrowserWindow).localStorage.getItem('truss.token')),
  ).toBeNull();
  // The logged-out token is gone for good: a reload stays on the login page.
  await page.reload();
  await expect(page.getByTestId('login-form')).toBeVisible();
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('login-username').fill(ADMIN.username);
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'unauthenticated');
  await expect(page.getByTestId('user-badge')).toHaveCount(0);
});

test('a stale or forged token drops back to login with a notice', async ({ page }) => {
  await page.goto('/');
  // Wait for this page's own welcome first: it would otherwise find the planted token and drop it.
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.evaluate(() =>
    (globalThis as unknown as BrowserWindow).localStorage.setItem('truss.token', 'forged-token-0000'),
  );
  await page.reload();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await expect(page.getByTestId('login-notice')).toBeVisible();
  expect(
    await page.evaluate(() => (globalThis as unknown as BrowserWindow).localStorage.getItem('truss.token')),
  ).toBeNull();
});
