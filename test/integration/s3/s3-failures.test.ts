// The S3 target's failures, each provoked for real against moto or a dead port: the step it fails at, its
// code and the message that says what to do.
import { join } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { S3_FIXTURES, startS3Harness, type S3Harness } from './s3-harness';

let moto: RunningServer;
let restoreEnv: () => void;
let harness: S3Harness;
const SITE = join(S3_FIXTURES, 'static-site');

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useEmulatorEnvironment(moto);
  harness = await startS3Harness(moto.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  restoreEnv?.();
  await moto?.stop();
});

describe('S3 failures', () => {
  it('a bucket that does not exist fails auth with AUTHENTICATION_FAILED saying how to create it; createBucket lets Berth create it', async () => {
    const project = harness.project(SITE, { bucket: 'berth-missing-bucket' });
    const run = await harness.deploy(project);
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ code: 'AUTHENTICATION_FAILED', stage: 'auth', category: 'auth_failure' });
    expect(run.failure!.likelyCause).toContain('The S3 bucket "berth-missing-bucket" does not exist');
    expect(run.failure!.likelyCause).toContain('aws s3 mb s3://berth-missing-bucket');
    expect(run.failure!.likelyCause).toContain('settings.s3.createBucket');
    expect(run.failure!.evidence.line).toBe('Error: the bucket berth-missing-bucket does not exist');
    expect(run.steps.find((step) => step.name === 'build')!.status).toBe('skipped');

    const created = harness.project(SITE, { bucket: 'berth-created-bucket', createBucket: true });
    const ok = await harness.deploy(created);
    expect(ok.status, JSON.stringify(ok.failure)).toBe('completed');
    expect(harness.stepLines(ok, 'auth')).toContain('Created bucket berth-created-bucket');
    await harness.s3.send(new HeadBucketCommand({ Bucket: 'berth-created-bucket' }));
  });

  it('an unreachable endpoint fails auth with INFRASTRUCTURE_NETWORK_FAILURE after visible retries', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const restore = useEmulatorEnvironment({ url: dead, hostPort: dead.slice(7), stop: async () => undefined });
    const unreachable = await startS3Harness(dead);
    try {
      const bucket = 'berth-unreachable';
      const run = await unreachable.deploy(unreachable.project(SITE, { bucket }));
      expect(run.status).toBe('failed');
      expect(run.failure).toMatchObject({ code: 'INFRASTRUCTURE_NETWORK_FAILURE', stage: 'auth', retryable: true });
      expect(run.failure!.likelyCause).toMatch(/STS GetCallerIdentity failed 4 times with a network error/);
      expect(unreachable.stepLines(run, 'auth').filter((line) => /failed with a network error .*; retry \d of 3/.test(line))).toHaveLength(3);
    } finally {
      await unreachable.close();
      restore();
    }
  }, 60_000);

  it('a project without S3 settings fails auth saying which settings to set', async () => {
    const project = harness.engine.store.projects.create({ name: 's3-nosettings', sourceDir: SITE, target: 's3', settings: { env: [], memoryLimitMb: 1536, restartPolicy: 'unless-stopped', keepCrashedContainers: false, verifyTimeoutMs: 60_000, muteNotifications: false } });
    const run = await harness.deploy(project);
    expect(run.failure).toMatchObject({ code: 'AUTHENTICATION_FAILED', stage: 'auth' });
    expect(run.failure!.likelyCause).toMatch(/set settings\.s3\.bucket/);
  });

  it('a server project fails build with PROJECT_SHAPE_UNSUPPORTED: S3 serves files', async () => {
    const bucket = await harness.bucket();
    const run = await harness.deploy(harness.project(join(S3_FIXTURES, '../zero-config/express'), { bucket }));
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ code: 'PROJECT_SHAPE_UNSUPPORTED', stage: 'build' });
    expect(run.failure!.likelyCause).toMatch(/S3 serves files, and .* is a server project that runs `.+`\. Deploy it to Docker or ECS instead/);
    expect((await harness.objects(bucket)).size).toBe(0);
  });

  it('a manual rollback to a release whose files retention removed is refused before a run starts', async () => {
    const bucket = await harness.bucket();
    const dir = harness.copyFixture('static-site');
    const project = harness.project(dir, { bucket }, { keepReleases: 1 });
    const first = await harness.deploy(project);
    const second = await harness.deploy(project);
    // The release serving when a run starts keeps its files too: the first goes with the third deploy.
    expect(harness.stepLines(second, 'done').filter((line) => line.startsWith('[RETENTION]'))).toEqual([]);
    const third = await harness.deploy(project);
    expect([first.status, second.status, third.status]).toEqual(['completed', 'completed', 'completed']);
    expect(harness.stepLines(third, 'done')).toContainEqual(expect.stringMatching(new RegExp(`^\\[RETENTION\\] removed 1 site artifact beyond the last 1 releases: s3-artifact:${first.id}$`)));
    const old = harness.engine.store.releases.listForDeployment(first.deploymentId).find((release) => release.runId === first.id)!;
    expect(old.imageRemoved).toBe(true);
    await expect(harness.engine.controller.rollback(project, old.id)).rejects.toThrow(/'s site files \(s3-artifact:run_\w+\) were removed from Berth's data dir by retention/);
  });
});
