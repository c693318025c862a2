import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers.ts';

test('change own password: wrong current password is refused, the new one works', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('account-panel')).toBeVisible();

  await page.getByTestId('password-current').fill('definitely-wrong-1');
  await page.getByTestId('password-new').fill('e2e-admin-password-2');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-error')).toBeVisible();

  await page.getByTestId('password-current').fill(ADMIN.password);
  await page.getByTestId('password-new').fill('tooshort');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('field-error-newPassword')).toBeVisible();

  await page.getByTestId('password-new').fill('e2e-admin-password-2');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-changed')).toBeVisible();

  await page.getByTestId('logout-button').click();
  await signIn(page, { username: ADMIN.username, password: 'e2e-admin-password-2' });
  // Put it back for the specs that follow.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('password-current').fill('e2e-admin-password-2');
  await page.getByTestId('password-new').fill(ADMIN.password);
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-changed')).toBeVisible();
});

test('admin manages users: create, change role, delete; health and audit are visible', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-users').click();
  await page.getByTestId('user-create-username').fill('temp.installer');
  await page.getByTestId('user-create-password').fill('temp-installer-pass-1');
  await page.getByTestId('user-create-role').selectOption('manager');
  await page.getByTestId('user-create-submit').click();
  const role = page.getByTestId('user-role-temp.installer');
  await expect(role).toHaveValue('manager');

  // Same name again: the server's conflict is shown, nothing else changes.
  await page.getByTestId('user-create-username').fill('temp.installer');
  await page.getByTestId('user-create-password').fill('temp-installer-pass-1');
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('user-create-error')).toBeVisible();

  await role.selectOption('installer');
  await page.reload();
  await expect(page.getByTestId('user-role-temp.installer')).toHaveValue('installer');
  // An admin cannot demote or delete themself from this page.
  await expect(page.getByTestId(`user-role-${ADMIN.username}`)).toBeDisabled();
  await expect(page.getByTestId(`user-delete-${ADMIN.username}`)).toHaveCount(0);

  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('user-delete-temp.installer').click();
  await expect(page.getByTestId('user-row-temp.installer')).toHaveCount(0);

  await page.getByTestId('settings-tab-system').click();
  await expect(page.getByTestId('health-status')).toBeVisible();

  await page.getByTestId('settings-tab-audit').click();
  await expect(page.locator('[data-testid="audit-table"] tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('audit-table')).toContainText('user.delete');
});
