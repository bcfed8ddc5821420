// "Analyze failure" in the browser against a real `berth serve` and a loopback server speaking the OpenAI
// chat-completions protocol with streaming: with no endpoint the card says how to set one; the endpoint is set
// on the Alerts & analysis page (its key named as an environment variable, as headless Berth requires); the
// answer streams into the failure card, the request is shown exactly as sent without any secret, and the
// answer is still there after a reload (stored with the run).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../electron/engine/store/store';
import { SEEDED_SECRETS, SHAPED_SECRETS, seedFailedRun, type SeededFailure } from '../test/support/failed-run-seed';
import { startOpenAiServer } from '../test/support/openai-server';
import { expect, startBerth, test } from './support/berth';

const API_KEY = 'sk-e2e-analysis-key-0123456789abcdef';
let server: Awaited<ReturnType<typeof startBerth>>;
let model: Awaited<ReturnType<typeof startOpenAiServer>>;
let dataDir: string;
let seeded: SeededFailure;
let releaseLastPiece: () => void = () => undefined;
const lastPieceReleased = new Promise<void>((resolve) => (releaseLastPiece = resolve));

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'analyze-e2e-'));
  mkdirSync(join(dataDir, 'data'), { recursive: true });
  const store = Store.open(join(dataDir, 'data', 'berth.db'));
  try {
    seeded = seedFailedRun(store, join(dataDir, 'app'));
  } finally {
    store.close();
  }
  model = await startOpenAiServer({ chunks: ['Root cause: ', 'package.json has no "build" script. ', 'Fix: add one, or set no build command.'], beforeLastPiece: () => lastPieceReleased });
  server = await startBerth({ BERTH_DATA_DIR: join(dataDir, 'data'), BERTH_TEST_LLM_KEY: API_KEY });
});

test.afterAll(async () => {
  releaseLastPiece();
  await server?.stop();
  await model?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('Analyze on a failed run: how to set an endpoint, then the answer streams in, the request is shown as sent, and it stays', async ({ page }) => {
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
  const card = page.getByRole('region', { name: 'Failure' });
  await expect(card).toContainText('DOCKER_IMAGE_BUILD_FAILED');

  // No endpoint: nothing is sent, and the card says how to set one.
  await card.getByRole('button', { name: 'Analyze failure' }).click();
  await expect(card.getByRole('alert')).toContainText('No analysis endpoint is configured, so nothing was sent.');
  expect(model.requests).toHaveLength(0);
  await card.getByRole('link', { name: 'Set the analysis endpoint' }).click();

  // The endpoint, on the Alerts & analysis page; headless, the key is named as an environment variable.
  const form = page.getByRole('form', { name: 'Analysis endpoint' });
  await form.getByLabel('Base URL').fill(model.baseUrl);
  await form.getByLabel('Model').fill('test-model');
  await form.getByLabel('API key').selectOption('env');
  await form.getByLabel('Environment variable holding the key').fill('BERTH_TEST_LLM_KEY');
  await form.getByRole('button', { name: 'Save endpoint' }).click();
  await expect(page.getByText(`test-model at ${model.baseUrl}`)).toBeVisible();

  await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
  await card.getByRole('button', { name: 'Analyze failure' }).click();
  // Mid-answer: the first pieces are shown while the last one is held back.
  const answer = card.getByTestId('analysis-answer');
  await expect(answer).toHaveText('Root cause: package.json has no "build" script. ');
  await expect(card.getByText(/answering…/)).toBeVisible();
  releaseLastPiece();
  await expect(answer).toHaveText('Root cause: package.json has no "build" script. Fix: add one, or set no build command.');
  await expect(card.getByText(/test-model · completed · \d+ secrets redacted before sending/)).toBeVisible();

  // What was sent: redacted, exactly as the server got it, with the key only in its header.
  expect(model.requests).toHaveLength(1);
  const sent = model.requests[0]!;
  expect(sent.headers['authorization']).toBe(`Bearer ${API_KEY}`);
  for (const secret of [SEEDED_SECRETS.dbPassword, SEEDED_SECRETS.apiToken, ...SHAPED_SECRETS, API_KEY, server.token]) expect(sent.body).not.toContain(secret);
  await card.getByRole('button', { name: 'Show what was sent' }).click();
  const request = card.getByTestId('analysis-request');
  await expect(request).toContainText('[REDACTED:DB_PASSWORD]');
  await expect(request).not.toContainText(SEEDED_SECRETS.dbPassword);
  await card.getByText('Body exactly as sent').click();
  await expect(card.locator('pre.analysis-request').nth(1)).toHaveText(sent.body);

  // Stored with the run: a fresh page shows it without asking again.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Failure' }).getByTestId('analysis-answer')).toHaveText('Root cause: package.json has no "build" script. Fix: add one, or set no build command.');
  expect(model.requests).toHaveLength(1);
});
