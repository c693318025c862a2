import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { ADMIN, signIn, snapshot, tokenOf } from './helpers.ts';

async function openDevices(page: Page) {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  await expect(page.getByTestId('devices-page')).toBeVisible();
}

test('the demo site devices are listed with zone, availability and live values', async ({ page }) => {
  await openDevices(page);
  const rows = page.locator('[data-testid^="device-row-"]');
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(10);
  for (const name of ['Main meter', 'PV inverter', 'Coffee machine', 'Office thermostat']) {
    await expect(page.locator(`[data-testid^="device-row-"][data-name="${name}"]`)).toBeVisible();
  }
  await expect(page.locator('[data-testid^="availability-"][data-state="online"]').first()).toBeVisible();

  await page.getByTestId('device-search').fill('coffee');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-name', 'Coffee machine');
  await page.getByTestId('device-search').fill('no-such-device-xyz');
  await expect(page.getByTestId('devices-empty')).toBeVisible();
});

test('toggling a plug shows the state the device reports back through the broker', async ({
  page,
  request,
}) => {
  await openDevices(page);
  const row = page.locator('[data-testid^="device-row-"][data-name="Coffee machine"]');
  const toggle = row.locator('[data-testid^="control-switch-"]').first();
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute('data-state', /^(on|off)$/);
  const before = await toggle.getAttribute('data-state');
  const entityId = (await toggle.getAttribute('data-testid'))!.replace('control-switch-', '');
  const token = await tokenOf(page);
  const tsBefore = (await snapshot(request, token)).states[entityId]?.ts ?? 0;

  await toggle.click();
  const expected = before === 'on' ? 'off' : 'on';
  await expect(toggle).toHaveAttribute('data-state', expected);
  await expect(toggle).toHaveAttribute('data-pending', 'false');

  // The server's own view agrees, and the value is a fresh report from the device, not the command.
  const after = (await snapshot(request, token)).states[entityId]!;
  expect(after.value).toBe(expected === 'on');
  expect(after.ts).toBeGreaterThan(tsBefore);
  expect(after.source).not.toMatch(/ui|api|command/i);

  // And back again.
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-state', before!);
});

test('changing a thermostat setpoint', async ({ page }) => {
  await openDevices(page);
  const row = page.locator('[data-testid^="device-row-"][data-name="Office thermostat"]');
  const value = row.locator('[data-testid^="setpoint-value-"]');
  await expect(value).toHaveAttribute('data-value', /\d/);
  const before = Number(await value.getAttribute('data-value'));
  await row.locator('[data-testid^="setpoint-up-"]').click();
  await expect.poll(async () => Number(await value.getAttribute('data-value'))).toBeGreaterThan(before);
  const raised = Number(await value.getAttribute('data-value'));
  expect(raised - before).toBeLessThanOrEqual(1);
  await row.locator('[data-testid^="setpoint-down-"]').click();
  await expect.poll(async () => Number(await value.getAttribute('data-value'))).toBe(before);

  // The mode lives on the detail page; the select shows what the thermostat reports.
  await row.locator('a').first().click();
  const mode = page.locator('[data-testid^="control-mode-"]');
  await expect(mode).toHaveAttribute('data-value', 'heat');
  await mode.selectOption('off');
  await expect(mode).toHaveAttribute('data-value', 'off');
  await mode.selectOption('heat');
  await expect(mode).toHaveAttribute('data-value', 'heat');
});

test('commissioning: rename a device and assign it to a zone (admin has installer rights)', async ({
  page,
}) => {
  await openDevices(page);
  await page.locator('[data-testid^="device-row-"][data-name="Fridge"] a').first().click();
  await expect(page.getByTestId('device-title')).toHaveText('Fridge');
  const zoneBefore = await page.getByTestId('device-zone-select').inputValue();

  // An empty name is refused by the server, next to the field.
  await page.getByTestId('device-name-input').fill('   ');
  await page.getByTestId('device-save').click();
  await expect(page.getByTestId('field-error-name')).toBeVisible();

  await page.getByTestId('device-name-input').fill('Kitchen fridge');
  const office = page.getByTestId('device-zone-select').locator('option', { hasText: '› Office' });
  await page.getByTestId('device-zone-select').selectOption((await office.getAttribute('value'))!);
  await page.getByTestId('device-save').click();
  await expect(page.getByTestId('device-saved')).toBeVisible();
  await expect(page.getByTestId('device-title')).toHaveText('Kitchen fridge');
  await expect(page.getByTestId('device-zone')).toContainText('Office');

  await page.getByTestId('nav-devices').click();
  await expect(page.locator('[data-testid^="device-row-"][data-name="Kitchen fridge"]')).toContainText(
    'Office',
  );

  // Restore, so later specs and screenshots see the demo site as shipped.
  await page.locator('[data-testid^="device-row-"][data-name="Kitchen fridge"] a').first().click();
  await page.getByTestId('device-name-input').fill('Fridge');
  await page.getByTestId('device-zone-select').selectOption(zoneBefore);
  await page.getByTestId('device-save').click();
  await expect(page.getByTestId('device-title')).toHaveText('Fridge');
});
