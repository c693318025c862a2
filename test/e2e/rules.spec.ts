import { expect, test } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';
import { ADMIN, apiCall, signIn, tokenOf, unwrap } from './helpers.ts';

type Snap = {
  devices: Array<{ id: string; name: string }>;
  entities: Array<{ id: string; deviceId: string; kind: string }>;
  states: Record<string, { value: unknown }>;
};

async function snap(request: APIRequestContext, token: string): Promise<Snap> {
  return unwrap((await apiCall(request, token, 'site.snapshot', {})).body) as Snap;
}
const isOn = (v: unknown) =>
  v === true || (typeof v === 'object' && v !== null && (v as { on?: unknown }).on === true);

test('a rule built in the editor switches the office light when the printer plug turns on', async ({
  page,
  request,
}) => {
  await signIn(page, ADMIN);
  const token = await tokenOf(page);
  const s = await snap(request, token);
  const plugDevice = s.devices.find((d) => d.name === 'Office printer')!;
  const lightDevice = s.devices.find((d) => d.name === 'Office light')!;
  const plug = s.entities.find((e) => e.deviceId === plugDevice.id && e.kind === 'switch')!;
  const light = s.entities.find((e) => e.deviceId === lightDevice.id && e.kind === 'light')!;
  expect(plug && light).toBeTruthy();

  // Start from a known state: plug and light off, as the devices report them.
  await apiCall(request, token, 'entity.command', { entityId: plug.id, command: { type: 'turn_off' } });
  await apiCall(request, token, 'entity.command', { entityId: light.id, command: { type: 'turn_off' } });
  await expect
    .poll(
      async () => {
        const now = await snap(request, token);
        return !isOn(now.states[plug.id]?.value) && !isOn(now.states[light.id]?.value);
      },
      { timeout: 15_000 },
    )
    .toBe(true);

  await page.getByTestId('nav-rules').click();
  await expect(page.getByTestId('rules-page')).toBeVisible();
  await page.getByTestId('rule-new').click();
  const editor = page.getByTestId('rule-editor');
  await expect(editor).toBeVisible();

  // Saving without a name or entities shows the errors at their fields.
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('field-error-rule.name')).toBeVisible();

  await page.getByTestId('rule-name').fill('Printer on turns the office light on');
  await page.getByTestId('rule-id').fill('e2e-printer-light');
  await page.getByTestId('triggers-0-type').selectOption('state');
  await page.getByTestId('triggers-0-entity').selectOption(plug.id);
  await page.getByTestId('triggers-0-to').fill('true');
  await page.getByTestId('actions-0-type').selectOption('command');
  await page.getByTestId('actions-0-entity').selectOption(light.id);
  await page.getByTestId('actions-0-command').selectOption('turn_on');

  // The JSON view shows the same rule the pickers built.
  await page.getByTestId('rule-json-open').click();
  const json = JSON.parse(await page.getByTestId('rule-json').inputValue());
  expect(json).toMatchObject({
    triggers: [{ type: 'state', entityId: plug.id, to: true }],
    actions: [{ type: 'command', entityId: light.id, command: { type: 'turn_on' } }],
  });
  await page.getByTestId('rule-json-apply').click();

  await page.getByTestId('rule-save').click();
  const row = page.getByTestId('rule-row-e2e-printer-light');
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-health', 'ok');
  await expect(row.getByTestId('rule-last-run')).toHaveText('never run');

  // The device side: the plug reports on over MQTT, the rule commands the light, the light reports on.
  await apiCall(request, token, 'entity.command', { entityId: plug.id, command: { type: 'turn_on' } });
  await expect
    .poll(async () => isOn((await snap(request, token)).states[light.id]?.value), { timeout: 15_000 })
    .toBe(true);
  await expect(row.getByTestId('rule-last-run')).toContainText('ran');

  await row.getByTestId('rule-traces').click();
  const trace = page.getByTestId('trace').first();
  await expect(trace).toHaveAttribute('data-result', 'ran');

  // Disabled, the rule leaves the light alone.
  await row.getByTestId('rule-enabled').uncheck();
  await expect(row).toHaveAttribute('data-health', 'disabled');
  await apiCall(request, token, 'entity.command', { entityId: plug.id, command: { type: 'turn_off' } });
  await apiCall(request, token, 'entity.command', { entityId: light.id, command: { type: 'turn_off' } });
  await expect
    .poll(async () => isOn((await snap(request, token)).states[light.id]?.value), { timeout: 15_000 })
    .toBe(false);
  await apiCall(request, token, 'entity.command', { entityId: plug.id, command: { type: 'turn_on' } });
  await expect
    .poll(async () => isOn((await snap(request, token)).states[plug.id]?.value), { timeout: 15_000 })
    .toBe(true);
  await page.waitForTimeout(1000);
  expect(isOn((await snap(request, token)).states[light.id]?.value)).toBe(false);

  // Leave the shared server as we found it.
  await apiCall(request, token, 'rules.delete', { ruleId: 'e2e-printer-light' });
  await apiCall(request, token, 'entity.command', { entityId: plug.id, command: { type: 'turn_off' } });
});
