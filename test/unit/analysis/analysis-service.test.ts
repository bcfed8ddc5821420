// Analyze, end to end inside the engine, against a loopback server speaking the OpenAI chat-completions
// protocol: nothing is sent until an endpoint is set, no secret Berth knows of (or that looks like one) is in
// what is sent, what is stored is byte for byte what was sent, and the streamed answer is stored.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../electron/engine/analysis/analysis-service';
import { EventBus } from '../../../electron/engine/event-bus';
import { redact } from '../../../electron/engine/logger';
import { sealCredentials } from '../../../electron/engine/secrets/aws-credentials';
import { Store } from '../../../electron/engine/store/store';
import type { Analysis } from '../../../shared';
import { SEEDED_SECRETS, SHAPED_SECRETS, seedCrash, seedFailedRun } from '../../support/failed-run-seed';
import { startOpenAiServer } from '../../support/openai-server';
import { makeTempDir } from '../../support/temp-dir';
import { createTestVault } from '../../support/test-vault';

const API_KEY = 'sk-analysis-key-0123456789abcdef';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SLACK_URL = 'https://hooks.slack.com/services/T1/B1/slackchannelsecret0';
const ENGINE_TOKEN = 'engine-api-token-for-the-test-0123';

describe('AnalysisService', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(flushMs = 0) {
    const temp = makeTempDir('analysis-service-');
    cleanups.push(() => temp.cleanup());
    const store = Store.open(join(temp.dir, 'berth.db'));
    cleanups.push(() => store.close());
    const vault = createTestVault();
    const events = new EventBus();
    const updates: Analysis[] = [];
    events.on('analysisUpdated', (analysis) => updates.push(analysis));
    // Secrets the logs below leak, each known to Berth a different way.
    redact(ENGINE_TOKEN);
    const seeded = seedFailedRun(store, join(temp.dir, 'app'), [`slack ${SLACK_URL}`, `aws secret ${AWS_SECRET}`, `the model key ${API_KEY}`, `engine token ${ENGINE_TOKEN}`]);
    const { sealed, accessKeyIdHint } = sealCredentials(vault, { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: AWS_SECRET });
    store.secrets.setAwsCredentials(seeded.projectId, sealed, accessKeyIdHint);
    store.alertChannels.create({ name: 'slack', kind: 'slack', url: { sealed: vault.encrypt(SLACK_URL), env: null, hint: 'hooks.slack.com …ret0' }, signingSecret: null });
    const service = new AnalysisService({ store, events, vault, env: { LLM_KEY: API_KEY }, flushMs });
    service.start();
    cleanups.push(() => service.close());
    return { store, service, seeded, updates };
  }

  const allSecrets = [SEEDED_SECRETS.dbPassword, SEEDED_SECRETS.apiToken, ...SHAPED_SECRETS, API_KEY, AWS_SECRET, SLACK_URL, 'slackchannelsecret0', ENGINE_TOKEN];

  it('sends nothing, and says how to set an endpoint, while none is configured', async () => {
    const { service, seeded } = await setup();
    await expect(service.analyzeRun(seeded.runId)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/No analysis endpoint is configured, so nothing was sent\. .*berth analysis set/) });
    const preview = await service.previewRun(seeded.runId);
    expect(preview.url).toBeNull();
    for (const secret of allSecrets) expect(preview.body).not.toContain(secret);
  });

  it('streams the answer of a failed run into the stored analysis; no secret is in the request, which is stored exactly as sent', async () => {
    const server = await startOpenAiServer({ chunks: ['Add a ', '"build" script ', 'to package.json.'] });
    cleanups.push(() => server.close());
    const { service, seeded, store, updates } = await setup();
    service.setSettings({ baseUrl: server.baseUrl, model: 'test-model', apiKey: { env: 'LLM_KEY' } });
    expect(JSON.stringify(service.settings())).not.toContain(API_KEY);

    const started = await service.analyzeRun(seeded.runId);
    expect(started).toMatchObject({ status: 'streaming', subject: 'run', runId: seeded.runId, model: 'test-model' });
    await service.idle();
    const [request] = server.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    for (const secret of allSecrets) expect(request!.body, `the request body carries ${secret}`).not.toContain(secret);
    const sent = JSON.parse(request!.body) as { model: string; stream: boolean; messages: { role: string; content: string }[] };
    expect(sent).toMatchObject({ model: 'test-model', stream: true });
    const user = sent.messages[1]!.content;
    expect(user).toContain('Failure code: DOCKER_IMAGE_BUILD_FAILED (build_failure)');
    expect(user).toContain(`Evidence (line ${store.runs.get(seeded.runId)!.failure!.evidence.lineNo}), the first error line of the failed step:\n${seeded.evidence}`);
    expect(user).toContain('Shape: server (runtime node 20, start `npm start`');
    expect(user).toContain('[REDACTED:DB_PASSWORD]');
    expect(user).toContain('[REDACTED:API_TOKEN]');
    expect(user).toContain('[REDACTED:aws-secret-access-key]');
    expect(user).toMatch(/… \d+ lines left out …/);
    expect(user).toContain(seeded.evidence);

    const stored = store.analyses.detail(started.id)!;
    expect(stored).toMatchObject({ status: 'completed', answer: 'Add a "build" script to package.json.', error: null });
    expect(stored.request.body).toBe(request!.body);
    expect(stored.request.redactions).toBeGreaterThanOrEqual(8);
    expect(updates.at(-1)).toMatchObject({ id: started.id, status: 'completed', answer: 'Add a "build" script to package.json.' });
    expect(updates.some((update) => update.status === 'streaming' && update.answer.length > 0)).toBe(true);
    // The preview is what Analyze sends, byte for byte.
    expect((await service.previewRun(seeded.runId)).body).toBe(request!.body);
  });

  it('a crash: the runtime lines before it, redacted', async () => {
    const server = await startOpenAiServer({ chunks: ['The heap ran out.'] });
    cleanups.push(() => server.close());
    const { service, seeded, store } = await setup();
    await expect(service.analyzeCrash(seeded.deploymentId)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/has not crashed/) });
    seedCrash(store, seeded.deploymentId);
    service.setSettings({ baseUrl: server.baseUrl, model: 'test-model' });
    const started = await service.analyzeCrash(seeded.deploymentId);
    await service.idle();
    const body = server.requests[0]!.body;
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
    expect(body).toContain('[CRASH] exit=137 oom=true');
    expect(body).toContain('JavaScript heap out of memory');
    expect(body).toContain('connecting with password [REDACTED:DB_PASSWORD]');
    expect(body).not.toContain(SEEDED_SECRETS.dbPassword);
    expect(store.analyses.forDeployment(seeded.deploymentId)).toEqual([expect.objectContaining({ id: started.id, subject: 'crash', status: 'completed', answer: 'The heap ran out.' })]);
  });

  it('an unreachable endpoint fails the analysis with a message that says so', async () => {
    const server = await startOpenAiServer();
    const { service, seeded, store } = await setup();
    const baseUrl = server.baseUrl;
    await server.close();
    service.setSettings({ baseUrl, model: 'test-model', apiKey: { env: 'LLM_KEY' } });
    const started = await service.analyzeRun(seeded.runId);
    await service.idle();
    expect(store.analyses.get(started.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Could not reach the analysis endpoint at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(ECONNREFUSED\)\. Start the server/) });
  });

  it('refuses a run that did not fail, and a key it cannot keep', async () => {
    const { service, seeded, store } = await setup();
    store.runs.update(seeded.runId, { status: 'completed', failure: null });
    await expect(service.analyzeRun(seeded.runId)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/only a failed run can be analysed/) });
    expect(() => service.setSettings({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: { env: 'NOT_SET_ANYWHERE' } })).toThrow(/NOT_SET_ANYWHERE is not set/);
  });

  it('announces everything said so far when the model pauses, however closely the pieces came (updates are throttled, never withheld)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await startOpenAiServer({ chunks: ['one ', 'two ', 'three'], delayMs: 1, beforeLastPiece: () => held });
    cleanups.push(async () => {
      release();
      await server.close();
    });
    const { service, seeded, updates } = await setup(200);
    service.setSettings({ baseUrl: server.baseUrl, model: 'test-model' });
    await service.analyzeRun(seeded.runId);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(updates.at(-1)).toMatchObject({ status: 'streaming', answer: 'one two ' });
    release();
    await service.idle();
    expect(updates.at(-1)).toMatchObject({ status: 'completed', answer: 'one two three' });
  });
});
