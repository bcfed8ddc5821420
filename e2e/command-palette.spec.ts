// The keyboard's way around: Ctrl/Cmd+K opens a command palette over projects and actions, '?' lists
// the shortcuts. Chromium against a real `berth serve`.
import { fileURLToPath } from 'node:url';
import { openApp, expect, test } from './support/berth';

const fixture = fileURLToPath(new URL('../test/fixtures/apps/healthy', import.meta.url));

test('Ctrl+K opens the palette and jumps to a project; the open project offers its own actions', async ({ page, berth }) => {
  const alpha = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'palette alpha', sourceDir: fixture });
  const beta = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'palette beta', sourceDir: fixture });
  expect([alpha.status, beta.status]).toEqual([200, 200]);
  await openApp(page, berth);
  await expect(page.getByRole('link', { name: 'palette beta', exact: true })).toBeVisible();

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const search = palette.getByRole('combobox', { name: 'Search projects and actions' });
  await expect(search).toBeFocused();
  await expect(palette.getByRole('option', { name: /^Open palette alpha/ })).toBeVisible();
  // Typing narrows the list; the first match is selected and named by aria-activedescendant.
  await search.fill('palette');
  const options = palette.getByRole('option');
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  await expect(options.nth(1)).toContainText('Open palette beta');
  await page.keyboard.press('Enter');

  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'palette beta', exact: true })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#/projects/${beta.body.id}`);

  // In a project, Cmd+K works too and lists the project's actions first.
  await page.keyboard.press('Meta+k');
  await expect(palette).toBeVisible();
  await expect(palette.getByRole('option').first()).toContainText('Deploy palette beta');
  await search.fill('history');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');

  // Escape closes the palette and gives the focus back.
  await page.getByRole('tab', { name: 'History' }).focus();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'History' })).toBeFocused();
});

test('? lists the keyboard shortcuts, but types a ? in a text field', async ({ page, berth }) => {
  await openApp(page, berth);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('region', { name: 'Anywhere' })).toContainText('Command palette');
  await expect(dialog.getByRole('region', { name: 'Charts (when one has focus)' })).toContainText('Show the logs at that moment');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'Search projects and actions' });
  await page.keyboard.type('new?');
  await expect(search).toHaveValue('new?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
});
