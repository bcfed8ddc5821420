// Set-up for the S3 pipeline tests: a real engine (its S3 target and pipeline runner) on a fresh data dir,
// pointed at a real moto_server (through a fault proxy, so a test can drop connections or change what is
// served), with a path-style S3 client of its own to check what was published. Projects are named `s3-…`.
import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { projectSettingsSchema, type ProjectSettingsInput, type RunDetail, type S3Settings } from '../../../shared';
import type { EngineConfig } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/host/engine';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { makeTempDir } from '../../support/temp-dir';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../support/aws-emulator';
import { finished, stepLinesOf, waitForRun } from '../../support/wait-for-run';

export const S3_FIXTURES = fileURLToPath(new URL('../../fixtures/s3/', import.meta.url));

export interface S3Object {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
  readonly etag: string | undefined;
}

export interface S3Harness {
  readonly engine: Engine;
  readonly s3: S3Client;
  /** A fresh bucket in moto. */
  bucket(): Promise<string>;
  project(sourceDir: string, s3: S3Settings, settings?: ProjectSettingsInput): ProjectRecord;
  /** A private copy of a fixture under test/fixtures/s3/, so a test may change it. */
  copyFixture(name: string): string;
  deploy(project: ProjectRecord): Promise<RunDetail>;
  waitForRun(runId: string, done?: (run: RunDetail) => boolean, timeoutMs?: number): Promise<RunDetail>;
  stepLines(run: RunDetail, step: string): string[];
  /** Every object under the prefix, with body and headers, by key. */
  objects(bucket: string, prefix?: string): Promise<Map<string, S3Object>>;
  close(): Promise<void>;
}

export async function startS3Harness(endpoint: string, config: Partial<EngineConfig> = {}): Promise<S3Harness> {
  const temp = makeTempDir('berth-s3-');
  const temps: Array<() => void> = [temp.cleanup];
  const engine = await Engine.start({ config: { dataDir: temp.dir, awsEndpoint: endpoint, stopGraceMs: 1000, ...config } });
  const s3 = new S3Client({ region: EMULATOR_REGION, endpoint, forcePathStyle: true, credentials: { ...EMULATOR_CREDENTIALS } });
  const harness: S3Harness = {
    engine,
    s3,
    bucket: async () => {
      const name = `berth-test-${randomBytes(4).toString('hex')}`;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    project: (sourceDir, settingsS3, settings = {}) =>
      engine.store.projects.create({ name: `s3-${randomBytes(3).toString('hex')}`, sourceDir, target: 's3', settings: projectSettingsSchema.parse({ ...settings, s3: settingsS3 }) }),
    copyFixture: (name) => {
      const copy = makeTempDir(`berth-s3-${name}-`);
      temps.push(copy.cleanup);
      const dir = join(copy.dir, name);
      cpSync(join(S3_FIXTURES, name), dir, { recursive: true });
      return dir;
    },
    deploy: async (project) => {
      const { run } = await engine.controller.deploy(project);
      return harness.waitForRun(run.id);
    },
    waitForRun: (runId, done = finished, timeoutMs = 180_000) => waitForRun(engine, runId, done, timeoutMs),
    stepLines: (run, step) => stepLinesOf(engine, run, step),
    objects: async (bucket, prefix = '') => {
      const found = new Map<string, S3Object>();
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const entry of page.Contents ?? []) {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry.Key! }));
          found.set(entry.Key!, {
            key: entry.Key!,
            body: Buffer.from(await object.Body!.transformToByteArray()),
            contentType: object.ContentType,
            cacheControl: object.CacheControl,
            etag: object.ETag,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
    close: async () => {
      await engine.close();
      s3.destroy();
      for (const cleanup of temps) cleanup();
    },
  };
  return harness;
}
