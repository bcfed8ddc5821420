import { openApp, test, expect } from './support/berth';

test('the browser UI loads from berth serve and lists projects from the API', async ({ page, berth }) => {
  await berth.api('POST', '/api/projects', { name: 'Smoke Project', sourceDir: '/tmp' });
  await openApp(page, berth);
  await expect(page.getByText('Smoke Project')).toBeVisible();
});
