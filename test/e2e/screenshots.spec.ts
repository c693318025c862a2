import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers.ts';

// `npm run screenshots` refreshes the README's pictures; a plain test run writes them to
// test-results/ so running the tests never dirties the work tree.
const folder =
  process.env.TRUSS_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/screenshots/';
const shots = (name: string) => fileURLToPath(new URL(`${folder}${name}.png`, import.meta.url));

test('screenshots of the real UI for the README, with no CSP violation or page error on the way', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  await signIn(page, ADMIN);
  await expect(page.getByTestId('summary-grid')).not.toContainText('—');
  await page.screenshot({ path: shots('overview'), fullPage: true });

  await page.getByTestId('nav-devices').click();
  await expect(page.locator('[data-testid^="device-row-"]').first()).toBeVisible();
  await page.screenshot({ path: shots('devices'), fullPage: true });

  await page.locator('[data-testid^="device-row-"][data-name="Office multisensor"] a').first().click();
  const chart = page.locator('[data-testid^="history-chart-"]').first();
  await expect(chart).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  // Let the chart settle at its final width (it re-renders when its box is resized).
  await expect
    .poll(() =>
      chart.evaluate((el) => {
        const box = el as unknown as {
          clientWidth: number;
          querySelector(s: string): { width: number } | null;
        };
        return Math.abs(box.clientWidth - (box.querySelector('canvas')?.width ?? 0));
      }),
    )
    .toBeLessThan(4);
  await page.screenshot({ path: shots('device-detail'), fullPage: true });

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-audit').click();
  await expect(page.getByTestId('audit-table')).toBeVisible();
  await expect(page.locator('[data-testid="audit-table"] tbody tr').first()).toBeVisible();
  await page.screenshot({ path: shots('settings'), fullPage: true });
  expect(problems).toEqual([]);
});
