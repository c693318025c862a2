import { expect, test } from '@playwright/test';
import { ADMIN, apiCall, signIn, tokenOf, unwrap } from './helpers.ts';

/**
 * The Energy page on the demo site: the live balance from the virtual building's meters, the
 * tariff edited with a mistake (shown by its field) and then saved, and a price file uploaded.
 */
test('the energy page shows the live balance, edits the tariff and uploads prices', async ({
  page,
  request,
}) => {
  await signIn(page, ADMIN);
  await page.getByTestId('nav-energy').click();
  await expect(page.getByTestId('energy-page')).toBeVisible();

  // live balance: the flow picture with the building's load in watts, and costs
  await expect(page.getByTestId('balance-flow')).toBeVisible();
  await expect(page.getByTestId('flow-load-value')).toHaveText(/\d+(\.\d+)? k?W/);
  await expect(page.getByTestId('flow-pv-value')).toHaveText(/\d/);
  await expect(page.getByTestId('metering-tree')).toBeVisible();
  await expect(page.getByTestId('site-remainder')).toHaveText(/W/);
  await expect(page.getByTestId('cost-period')).toContainText('peak');
  await expect(page.getByTestId('accuracy-table')).toBeVisible();

  // the tariff: a band time that is no time is refused with its path; fixed and renamed, it saves
  const editor = page.getByTestId('tariff-json');
  await expect(editor).toHaveValue(/"demo-dynamic"/);
  const original = await editor.inputValue();
  await editor.fill(original.replace('"from": "07:00"', '"from": "7 am"'));
  await page.getByTestId('tariff-save').click();
  await expect(page.getByTestId('tariff-error')).toBeVisible();
  await expect(page.getByTestId('tariff-issues')).toContainText('tariff.versions.0.seasons.0.bands.0.from');
  await editor.fill(
    original.replace(/"name": "Demo dynamic tariff with demand charge"/, '"name": "Demo tariff (edited)"'),
  );
  await page.getByTestId('tariff-save').click();
  await expect(page.getByTestId('tariff-saved')).toContainText('Demo tariff (edited)');
  const token = await tokenOf(page);
  const saved = unwrap(
    (await apiCall(request, token, 'energy.tariff', { tariffId: 'demo-dynamic' })).body,
  ) as {
    tariff: { name: string };
  };
  expect(saved.tariff.name).toBe('Demo tariff (edited)');

  // a price file for the day after tomorrow (generic JSON), then a broken one
  const hour = 3_600_000;
  const start = Math.floor(Date.now() / (24 * hour)) * 24 * hour + 2 * 24 * hour;
  const prices = {
    unit: 'EUR/MWh',
    prices: Array.from({ length: 24 }, (_, i) => ({
      start: new Date(start + i * hour).toISOString(),
      end: new Date(start + (i + 1) * hour).toISOString(),
      price: 70 + i,
    })),
  };
  await page.getByTestId('price-file').setInputFiles({
    name: 'dayahead.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(prices)),
  });
  await expect(page.getByTestId('price-file-name')).toHaveText('dayahead.json');
  await page.getByTestId('price-upload-button').click();
  await expect(page.getByTestId('price-result')).toContainText('Imported 24 prices (generic-json)');
  await page.getByTestId('price-file').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('date,value\nyesterday,lots\n'),
  });
  await expect(page.getByTestId('price-file-name')).toHaveText('broken.csv');
  await page.getByTestId('price-upload-button').click();
  await expect(page.getByTestId('price-error')).toContainText('refused');
});
