import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers.ts';
import type { CanvasLike } from './helpers.ts';

test('a device history chart draws the recorded points', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-devices').click();
  await page.locator('[data-testid^="device-row-"][data-name="Office multisensor"] a').first().click();
  await expect(page.getByTestId('device-detail')).toBeVisible();
  await expect(page.getByTestId('device-title')).toHaveText('Office multisensor');

  const chart = page.locator('[data-testid^="history-chart-"]').first();
  // The demo site has been recording since the server started; reload the range until points exist.
  await expect(async () => {
    await page.getByTestId('range-24h').click();
    await page.getByTestId('range-1h').click();
    await expect(chart).toHaveAttribute('data-state', 'ready', { timeout: 3000 });
  }).toPass({ timeout: 45_000 });
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);

  // The canvas really has ink on it: count non-transparent pixels inside the plotting area.
  const canvas = chart.locator('canvas').first();
  await expect(canvas).toBeVisible();
  const inked = await canvas.evaluate((c: CanvasLike) => {
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(100);

  // Other range presets query again and stay consistent.
  await page.getByTestId('range-7d').click();
  await expect(page.getByTestId('range-7d')).toHaveAttribute('aria-pressed', 'true');
  await expect(chart).toHaveAttribute('data-state', 'ready');
});
