import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers.ts';

/**
 * The commissioning desk and a device's maintenance tools are built from what each family's
 * manifest and adapter declare (names, commissioning words, capabilities), not from family names
 * written into the UI.
 */
test('each family shows its own name, commissioning verb, hint and tools', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-commissioning').click();
  const zigbee = page.getByTestId('commissioning-zigbee');
  await expect(zigbee.locator('h3')).toHaveText('Zigbee');
  await expect(zigbee.getByTestId('open-zigbee')).toHaveText('Permit joining');
  await expect(zigbee.getByTestId('pre-join-secret')).toContainText('Install code or QR payload');
  await expect(zigbee.getByTestId('network-map')).toBeVisible();
  const wifi = page.getByTestId('commissioning-mqtt');
  await expect(wifi.locator('h3')).toHaveText('Wi-Fi / MQTT');
  await expect(wifi.getByTestId('open-mqtt')).toHaveText('Open enrollment');
  // Wi-Fi devices need no key before they join and form no mesh
  await expect(wifi.getByTestId('pre-join-secret')).toHaveCount(0);
  await expect(wifi.getByTestId('network-map')).toHaveCount(0);

  // a malformed install code is refused with the family's reason, and nothing opens
  await zigbee.getByTestId('pre-join-secret').locator('input').fill('not-a-code');
  await zigbee.getByTestId('pre-join-secret').getByRole('button').click();
  await expect(page.getByTestId('pre-join-secret-error')).toBeVisible();
  await expect(page.getByTestId('window-zigbee')).toHaveText('closed');
});

test('a device page offers firmware, links and a broker login where its family has them, and nowhere else', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  await page.locator('[data-testid^="device-row-"][data-name="Meeting room lamp"] a').first().click();
  const tools = page.getByTestId('device-maintenance');
  await expect(tools.locator('h3')).toHaveText('Zigbee maintenance');
  await expect(tools.getByTestId('firmware-file')).toBeVisible();
  await expect(tools.getByTestId('device-links')).toBeVisible();
  // the family's own range check reaches the installer as its message
  await tools.getByTestId('links-group-id').fill('65530');
  await tools.getByRole('button', { name: 'Add to group' }).click();
  await expect(page.getByTestId('links-group-error')).toContainText('Zigbee groups are numbered 1 to 65527');

  await page.getByTestId('nav-devices').click();
  await page.locator('[data-testid^="device-row-"][data-name="Coffee machine"] a').first().click();
  await expect(page.getByTestId('device-detail')).toBeVisible();
  // a Wi-Fi device: no firmware or links here, but its own broker login, with its ACL
  const wifi = page.getByTestId('device-maintenance');
  await expect(wifi.getByTestId('firmware-file')).toHaveCount(0);
  await expect(wifi.getByTestId('device-links')).toHaveCount(0);
  const access = wifi.getByTestId('device-access');
  await expect(access).toContainText('active');
  const before = await access.getByTestId('access-publish').inputValue();
  expect(before.length).toBeGreaterThan(0);
  // an edit that would hand it every Tasmota's command topics is refused with the reason
  await access.getByTestId('access-publish').fill('cmnd/#');
  await access.getByTestId('access-save').click();
  await expect(page.getByTestId('access-error')).toContainText('shared topic root "cmnd"');
  await expect(
    access.getByTestId('access-outside-none').or(access.getByTestId('access-outside')),
  ).toBeVisible();
});
