// AWS keys stored through the HTTP API (issue 6), with real parts: a real engine and SQLite file, a
// vault that really encrypts (AES-256-GCM, standing in for the OS keychain), and moto enforcing IAM
// authentication, so only keys it issued get past STS GetCallerIdentity.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Project, RunDetail } from '../../../shared';
import { EcsMonitor } from '../../../electron/engine/monitor/ecs/ecs-monitor';
import { refusedSecretMessage } from '../../../electron/engine/secrets/secret-vault';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';
import { createTestVault, type TestVault } from '../../support/test-vault';
import { waitForRun } from '../../support/wait-for-run';

interface IssuedKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userArn: string;
}

/** moto's switch for IAM enforcement: 'inf' requests may go unauthenticated, '0' none. */
async function setMotoAuth(moto: RunningServer, unauthenticated: 'inf' | '0'): Promise<void> {
  const response = await fetch(`${moto.url}/moto-api/reset-auth`, { method: 'POST', body: unauthenticated });
  expect(response.status).toBe(200);
}

/** An IAM user with an access key and an allow-all policy, created while moto lets setup through. */
async function issueKeys(moto: RunningServer, userName: string): Promise<IssuedKeys> {
  const iam = new IAMClient({ region: EMULATOR_REGION, endpoint: moto.url, credentials: EMULATOR_CREDENTIALS });
  await setMotoAuth(moto, 'inf');
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'everything',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, userArn: user.User!.Arn! };
  } finally {
    await setMotoAuth(moto, '0');
    iam.destroy();
  }
}

/** Every byte SQLite holds for the engine: the database file and its write-ahead log. */
function databaseBytes(dataDir: string): Buffer {
  const files = ['berth.db', 'berth.db-wal'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

const put = ({ accessKeyId, secretAccessKey, sessionToken }: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): RequestInit => ({
  method: 'PUT',
  body: JSON.stringify({ accessKeyId, secretAccessKey, sessionToken }),
});

describe('AWS keys in the desktop app (a vault that encrypts) against moto enforcing IAM auth', () => {
  let moto: RunningServer;
  let restoreEnvironment: () => void;
  let host: TestHost;
  let vault: TestVault;
  let keys: IssuedKeys;
  /** The first host's data dir: kept across the restart in the last test, removed at the end. */
  let dataDir: string;
  const emptySource = makeTempDir('berth-ecs-credentials-src-');
  const stderr: string[] = [];

  beforeAll(async () => {
    moto = await startMoto({ enforceAuth: true });
    // The default chain now holds keys moto never issued: only stored keys can pass auth.
    restoreEnvironment = useEmulatorEnvironment(moto);
    keys = await issueKeys(moto, 'berth-credentials');
    vault = createTestVault();
    host = await startTestHost({ vault, config: { awsEndpoint: moto.url } });
    dataDir = host.dataDir;
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    });
  }, 120_000);

  afterEach(() => {
    // Nothing the engine wrote to its own log may carry a stored secret.
    const logged = stderr.join('');
    expect(logged).not.toContain(keys.secretAccessKey);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await host?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    restoreEnvironment?.();
    await moto?.stop();
    emptySource.cleanup();
  });

  async function ecsProject(name: string): Promise<Project> {
    // An empty source dir: the run fails at build, after auth, without building anything.
    const created = await host.json<Project>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({
        name,
        sourceDir: emptySource.dir,
        target: 'ecs',
        settings: { port: 8080, ecs: { region: EMULATOR_REGION, cluster: 'credentials-cluster', createService: true, publicUrl: 'http://127.0.0.1:9/' } },
      }),
    });
    expect(created.status).toBe(200);
    expect(created.body.awsCredentials).toBeNull();
    return created.body;
  }

  async function deploy(project: Project): Promise<RunDetail> {
    const started = await host.json<{ run: RunDetail }>(`/api/projects/${project.id}/deploy`, { method: 'POST' });
    expect(started.status).toBe(200);
    return waitForRun(host.engine, started.body.run.id, undefined, 120_000);
  }

  function runText(run: RunDetail): string {
    host.engine.logs.flush();
    return host.engine.store.logLines
      .since(run.deploymentId, 0, 100_000)
      .map((line) => line.text)
      .join('\n');
  }

  it('PUT stores the keys sealed: 200 with the hint, and the SQLite file holds neither the secret nor the key id', async () => {
    const project = await ecsProject('credentials-sealed');
    const stored = await host.json<{ stored: boolean; accessKeyIdHint: string }>(`/api/projects/${project.id}/aws-credentials`, put({ ...keys, sessionToken: 'SESSIONTOKENVALUE0123' }));
    expect(stored.status).toBe(200);
    const hint = `${keys.accessKeyId.slice(0, 4)}…${keys.accessKeyId.slice(-4)}`;
    expect(stored.body).toEqual({ stored: true, accessKeyIdHint: hint });
    expect(vault.calls.encrypt).toBeGreaterThan(0);

    const read = await host.json<Project>(`/api/projects/${project.id}`);
    expect(read.body.awsCredentials).toEqual({ accessKeyIdHint: hint });
    const listed = await host.json<Project[]>('/api/projects');
    expect(listed.body.find((item) => item.id === project.id)?.awsCredentials).toEqual({ accessKeyIdHint: hint });
    for (const body of [stored.body, read.body, listed.body].map((value) => JSON.stringify(value))) {
      expect(body).not.toContain(keys.secretAccessKey);
      expect(body).not.toContain(keys.accessKeyId);
      expect(body).not.toContain('SESSIONTOKENVALUE0123');
    }

    const bytes = databaseBytes(dataDir);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(hint))).toBe(true); // the row is there …
    expect(bytes.includes(Buffer.from(keys.secretAccessKey))).toBe(false); // … sealed
    expect(bytes.includes(Buffer.from(keys.accessKeyId))).toBe(false);
    expect(bytes.includes(Buffer.from('SESSIONTOKENVALUE0123'))).toBe(false);
  });

  it('the keys moto issued, stored on the project, pass the ECS auth step; the run never logs the secret', async () => {
    const project = await ecsProject('credentials-issued');
    expect((await host.api(`/api/projects/${project.id}/aws-credentials`, put(keys))).status).toBe(200);
    const decryptsBefore = vault.calls.decrypt;
    const run = await deploy(project);
    const auth = run.steps.find((step) => step.name === 'auth');
    expect(auth?.status, JSON.stringify(run.failure)).toBe('success');
    expect(run.failure?.stage).not.toBe('auth');
    expect(vault.calls.decrypt).toBeGreaterThan(decryptsBefore);
    const text = runText(run);
    expect(text).toContain(`Authenticated as ${keys.userArn}`);
    expect(text).toMatch(/keys AKIA…\w{4} stored in Berth/);
    expect(text).not.toContain(keys.secretAccessKey);
    expect(text).not.toContain(keys.accessKeyId);
  });

  it('wrong keys stored → AUTHENTICATION_FAILED naming the stored keys, and the wrong secret is not logged either', async () => {
    const project = await ecsProject('credentials-wrong');
    const wrongSecret = 'WrongSecretValueThatMotoNeverIssued0000';
    expect((await host.api(`/api/projects/${project.id}/aws-credentials`, put({ accessKeyId: keys.accessKeyId, secretAccessKey: wrongSecret }))).status).toBe(200);
    const run = await deploy(project);
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED', category: 'auth_failure' });
    expect(run.failure?.likelyCause).toContain('stored in Berth');
    const text = runText(run);
    expect(text).toMatch(/AWS authentication failed with the keys AKIA…\w{4} stored in Berth/);
    expect(text).not.toContain(wrongSecret);
    expect(JSON.stringify(run)).not.toContain(wrongSecret);
  });

  it('the ECS monitor reads CloudWatch Logs with the stored keys too', async () => {
    const monitored = await startTestHost({ vault, config: { awsEndpoint: moto.url }, monitor: (context) => new EcsMonitor(context, { timers: false }) });
    const logs = new CloudWatchLogsClient({ region: EMULATOR_REGION, endpoint: moto.url, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } });
    try {
      const logGroupName = '/berth/credentials-monitor';
      await logs.send(new CreateLogGroupCommand({ logGroupName }));
      await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 'berth/credentials-monitor/task-a' }));
      await logs.send(
        new PutLogEventsCommand({ logGroupName, logStreamName: 'berth/credentials-monitor/task-a', logEvents: [{ timestamp: Date.now() - 10_000, message: 'read with stored keys' }] }),
      );
      const created = await monitored.json<Project>('/api/projects', {
        method: 'POST',
        body: JSON.stringify({
          name: 'credentials-monitor',
          sourceDir: emptySource.dir,
          target: 'ecs',
          settings: { ecs: { region: EMULATOR_REGION, cluster: 'credentials-cluster', service: 'credentials-monitor', logGroup: logGroupName } },
        }),
      });
      expect((await monitored.api(`/api/projects/${created.body.id}/aws-credentials`, put(keys))).status).toBe(200);
      const store = monitored.engine.store;
      const deployment = store.deployments.create(created.body.id, 'ecs');
      store.deployments.update(deployment.id, { status: 'running', startedAt: Date.now() - 60_000 });
      const monitor = monitored.engine.monitor as EcsMonitor;
      monitor.watch(deployment.id);
      await monitor.tick(deployment.id, { logs: true });
      const texts = store.logLines.since(deployment.id, 0, 1000).map((line) => line.text);
      // The default chain holds keys moto refuses: this line can only have been read with the stored ones.
      expect(texts).toContain('read with stored keys');
    } finally {
      logs.destroy();
      await monitored.stop();
    }
  });

  it('DELETE clears the keys (GET shows null, auth goes back to the default chain); deleting a project deletes its keys', async () => {
    const project = await ecsProject('credentials-cleared');
    await host.api(`/api/projects/${project.id}/aws-credentials`, put(keys));
    const cleared = await host.json<{ stored: boolean }>(`/api/projects/${project.id}/aws-credentials`, { method: 'DELETE' });
    expect(cleared).toEqual({ status: 200, body: { stored: false } });
    expect((await host.json<Project>(`/api/projects/${project.id}`)).body.awsCredentials).toBeNull();
    // The default chain holds keys moto never issued.
    const run = await deploy(project);
    expect(run.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED' });
    expect(run.failure?.likelyCause).toContain('default credential chain');

    const doomed = await ecsProject('credentials-deleted');
    await host.api(`/api/projects/${doomed.id}/aws-credentials`, put(keys));
    expect(host.engine.store.secrets.awsCredentials(doomed.id)).toBeDefined();
    expect((await host.api(`/api/projects/${doomed.id}`, { method: 'DELETE' })).status).toBe(202);
    expect(host.engine.store.secrets.awsCredentials(doomed.id)).toBeUndefined();
  });

  it('a headless engine on the same data dir cannot unseal them: AUTHENTICATION_FAILED saying so, never another account', async () => {
    const project = await ecsProject('credentials-headless');
    await host.api(`/api/projects/${project.id}/aws-credentials`, put(keys));
    await host.close();
    const headless = await startTestHost({ config: { dataDir, awsEndpoint: moto.url } });
    try {
      expect((await headless.json<Project>(`/api/projects/${project.id}`)).body.awsCredentials).not.toBeNull();
      const started = await headless.json<{ run: RunDetail }>(`/api/projects/${project.id}/deploy`, { method: 'POST' });
      const run = await waitForRun(headless.engine, started.body.run.id, undefined, 60_000);
      expect(run.failure).toMatchObject({ stage: 'auth', code: 'AUTHENTICATION_FAILED' });
      expect(run.failure?.likelyCause).toMatch(/AWS keys stored in Berth \(AKIA…\w{4}\), but this Berth cannot unseal them/);
      expect(run.failure?.likelyCause).toContain('--clear');
    } finally {
      await headless.close();
      host = await startTestHost({ vault, config: { dataDir, awsEndpoint: moto.url } });
    }
  });
});

describe('AWS keys in headless Berth (no vault)', () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => host?.stop());

  it('refuses PUT with SECRETS_UNAVAILABLE and a message that says what to do, storing nothing', async () => {
    const source = makeTempDir('berth-ecs-credentials-headless-');
    try {
      const project = (await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'headless', sourceDir: source.dir, target: 'ecs' }) })).body;
      const refused = await host.json<{ error: { code: string; message: string } }>(
        `/api/projects/${project.id}/aws-credentials`,
        put({ accessKeyId: 'AKIAHEADLESS00000000', secretAccessKey: 'headless-secret-value' }),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: 'SECRETS_UNAVAILABLE', message: refusedSecretMessage() });
      expect(refused.body.error.message).toMatch(/aws configure --profile/);
      expect(refused.body.error.message).toMatch(/AWS_ACCESS_KEY_ID/);
      expect(refused.body.error.message).toMatch(/SSO/);
      expect(JSON.stringify(refused.body)).not.toContain('headless-secret-value');
      expect(host.engine.store.secrets.awsCredentials(project.id)).toBeUndefined();
      expect((await host.json<Project>(`/api/projects/${project.id}`)).body.awsCredentials).toBeNull();
      // Clearing needs no vault: there is nothing to unseal.
      expect(await host.json(`/api/projects/${project.id}/aws-credentials`, { method: 'DELETE' })).toEqual({ status: 200, body: { stored: false } });
    } finally {
      source.cleanup();
    }
  });

  it('answers bad keys with 400 naming the field, before the vault is asked', async () => {
    const source = makeTempDir('berth-ecs-credentials-bad-');
    try {
      const project = (await host.json<Project>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'bad-keys', sourceDir: source.dir, target: 'ecs' }) })).body;
      const bad = await host.json<{ error: { code: string; field: string } }>(`/api/projects/${project.id}/aws-credentials`, put({ accessKeyId: 'short', secretAccessKey: 'x' }));
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'accessKeyId' });
      const missing = await host.json<{ error: { code: string } }>('/api/projects/prj_missing/aws-credentials', put({ accessKeyId: 'AKIAHEADLESS00000000', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }));
      expect(missing.status).toBe(404);
    } finally {
      source.cleanup();
    }
  });
});
