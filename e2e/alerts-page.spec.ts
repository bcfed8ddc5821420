// The Alerts & analysis page against a real `berth serve`: a channel added from the browser (its URL named as
// an environment variable, as headless Berth requires, and never shown), "Send test" reaching a loopback ntfy
// receiver with the outcome and HTTP status shown and kept in the history, and a rule added and listed.
import { expect, startBerth, test } from './support/berth';
import { startReceiver, type Receiver } from '../test/support/http-receiver';

let server: Awaited<ReturnType<typeof startBerth>>;
let ntfy: Receiver;

test.beforeAll(async () => {
  ntfy = await startReceiver();
  server = await startBerth({ BERTH_E2E_NTFY_URL: `${ntfy.url}/berth-e2e-topic` });
});

test.afterAll(async () => {
  await server?.stop();
  await ntfy?.close();
});

test('add an ntfy channel, send a test, see it in the history, and add a rule that sends to it', async ({ page }) => {
  await page.goto(server.browserUrl);
  await page.getByRole('link', { name: 'Alerts & analysis' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts & analysis' })).toBeVisible();
  // The built-in desktop channel and rule are there from the start.
  const channels = page.getByRole('table', { name: 'Alert channels' });
  await expect(channels).toContainText('Desktop notifications');

  const add = page.getByRole('form', { name: 'Add a channel' });
  await add.getByLabel('Kind').selectOption('ntfy');
  await add.getByLabel('Name').fill('phone');
  await add.getByLabel('Environment variable holding the URL').fill('BERTH_E2E_NTFY_URL');
  await add.getByRole('button', { name: 'Add channel' }).click();
  await expect(channels).toContainText('$BERTH_E2E_NTFY_URL');
  await expect(page.getByText('berth-e2e-topic')).toHaveCount(0);

  await page.getByRole('button', { name: 'Send a test to phone' }).click();
  await expect(channels.getByRole('status')).toHaveText('Test: delivered (HTTP 200)');
  const [request] = await ntfy.waitFor(1);
  expect(request!.path).toBe('/berth-e2e-topic');
  expect(request!.headers['title']).toBe('Berth test alert');
  const history = page.getByRole('table', { name: 'Alert deliveries' });
  await expect(history).toContainText('phone');
  await expect(history).toContainText('Delivered · HTTP 200');

  const rule = page.getByRole('form', { name: 'Add a rule' });
  await rule.getByLabel('Name').fill('memory pressure');
  await rule.getByLabel('When').selectOption('metric');
  await rule.getByLabel('Above (%)').fill('90');
  await rule.getByLabel('For', { exact: true }).fill('5m');
  await rule.getByRole('checkbox', { name: 'phone' }).check();
  await rule.getByRole('button', { name: 'Add rule' }).click();
  const rules = page.getByRole('table', { name: 'Alert rules' });
  await expect(rules).toContainText('memory pressure');
  await expect(rules).toContainText('memory above 90% of the limit for 5m');
  const listed = await server.api<{ name: string; channelIds: string[] }[]>('GET', '/api/alerts/rules');
  expect(listed.body.find((candidate) => candidate.name === 'memory pressure')?.channelIds).toHaveLength(1);
});
