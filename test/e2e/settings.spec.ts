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

test('installers lay out zones: add a floor and a room, rename, see it on the overview, delete', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-zones').click();
  await expect(page.getByTestId('zone-row-Main building')).toBeVisible();

  const parent = page.getByTestId('zone-create-parent');
  const buildingValue = await parent
    .locator('option', { hasText: 'Main building (building)' })
    .getAttribute('value');
  await parent.selectOption(buildingValue!);
  await expect(page.getByTestId('zone-create-kind')).toHaveValue('floor');
  await page.getByTestId('zone-create-name').fill('   ');
  await page.getByTestId('zone-create-submit').click();
  await expect(page.getByTestId('zone-create-error-name')).toBeVisible();

  await page.getByTestId('zone-create-name').fill('Second floor');
  await page.getByTestId('zone-create-submit').click();
  await expect(page.getByTestId('zone-row-Second floor')).toBeVisible();

  const floorValue = await parent
    .locator('option', { hasText: 'Second floor (floor)' })
    .getAttribute('value');
  await parent.selectOption(floorValue!);
  await expect(page.getByTestId('zone-create-kind')).toHaveValue('room');
  await page.getByTestId('zone-create-name').fill('Lab');
  await page.getByTestId('zone-create-submit').click();
  await expect(page.getByTestId('zone-row-Lab')).toBeVisible();

  await page.getByTestId('zone-row-Lab').getByRole('button', { name: 'Rename' }).click();
  await page.getByTestId('zone-rename-input-Lab').fill('Test lab');
  await page.getByTestId('zone-rename-save-Lab').click();
  await expect(page.getByTestId('zone-row-Test lab')).toBeVisible();

  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('overview-page')).toContainText('Second floor');
  await expect(page.getByTestId('overview-page')).toContainText('Test lab');

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-zones').click();
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('zone-delete-Test lab').click();
  await expect(page.getByTestId('zone-row-Test lab')).toHaveCount(0);
  await page.getByTestId('zone-delete-Second floor').click();
  await expect(page.getByTestId('zone-row-Second floor')).toHaveCount(0);
});

test('adapter settings: a form from the adapter schema, a bad value refused, a good one applied', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-adapters').click();
  const mqtt = page.getByTestId('adapter-settings-mqtt');
  const base = mqtt.getByTestId('adapter-settings-mqtt-form-zigbee2mqttBase');
  await expect(base).toHaveValue('zigbee2mqtt');

  // The schema's own rule, worded by the server, under the field; nothing is applied.
  await base.fill('z2m/#');
  await mqtt.getByTestId('adapter-settings-mqtt-save').click();
  await expect(mqtt.getByTestId('adapter-settings-mqtt-form-zigbee2mqttBase-error')).toHaveText(
    'a topic prefix without wildcards',
  );

  await base.fill('z2m-hall');
  await mqtt.getByTestId('adapter-settings-mqtt-save').click();
  await expect(mqtt.getByTestId('adapter-settings-mqtt-saved')).toContainText('truss.json');
  await page.reload();
  await expect(page.getByTestId('adapter-settings-mqtt-form-zigbee2mqttBase')).toHaveValue('z2m-hall');

  // The demo's Zigbee coordinator is the virtual building's to configure: shown, not editable.
  const zigbee = page.getByTestId('adapter-settings-zigbee');
  await expect(zigbee.getByTestId('adapter-settings-zigbee-managed')).toBeVisible();
  await expect(zigbee.getByTestId('adapter-settings-zigbee-form-channel')).toBeDisabled();
  await expect(zigbee.getByTestId('adapter-settings-zigbee-save')).toHaveCount(0);

  // Put it back for the specs that follow.
  await page.getByTestId('adapter-settings-mqtt-form-zigbee2mqttBase').fill('zigbee2mqtt');
  await page.getByTestId('adapter-settings-mqtt-save').click();
  await expect(page.getByTestId('adapter-settings-mqtt-saved')).toBeVisible();
});
