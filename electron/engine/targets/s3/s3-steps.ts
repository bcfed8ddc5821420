// The S3 steps as standalone units (docs/product-rules.md, "Static sites on S3"): the bucket check of auth,
// the sync of publish (uploads first, deletions after), the website configuration, and the byte-for-byte
// check of verify. Each takes the clients, the resolved settings and an output; the target
// (s3-target.ts) strings them together for the pipeline runner.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { AwsClients } from '../../aws/aws-clients';
import { classifyAwsError, credentialsHint, errorMessage, isAuthError, withNetworkRetry } from '../../aws/aws-errors';
import type { ResolvedS3Settings } from '../../aws/s3-settings';
import { StepAborted, StepFailure } from '../../step-failure';
import type { StepOutput } from '../ecs/ecs-steps';
import { eachLimited, type SiteArtifact } from './site-artifact';
import { cacheControlFor, contentTypeFor, isHashedName, isHtml, MULTIPART_PART_SIZE, MULTIPART_THRESHOLD, planSync, type RemoteObject, type SiteFile, type SyncPlan } from './site-files';

export interface S3StepCall {
  readonly clients: AwsClients;
  readonly settings: ResolvedS3Settings;
  readonly output: StepOutput;
  readonly signal?: AbortSignal;
  /** Backoff of the visible network retry (default 500 ms, doubling). */
  readonly retryBaseDelayMs?: number;
}

/** At most this many uploads at a time. */
export const UPLOAD_CONCURRENCY = 8;

const HINT = credentialsHint('s3');

const where = ({ bucket, prefix }: Pick<ResolvedS3Settings, 'bucket' | 'prefix'>): string => `s3://${bucket}/${prefix}`;

/** One S3 call with the visible network retry; auth and network failures become classified StepFailures. */
async function call<T>(what: string, step: S3StepCall, attempt: () => Promise<T>): Promise<T> {
  try {
    return await withNetworkRetry(attempt, { what, signal: step.signal, log: (text) => step.output.system(text), ...(step.retryBaseDelayMs !== undefined ? { baseDelayMs: step.retryBaseDelayMs } : {}) });
  } catch (error) {
    throw classifyAwsError(error, what, HINT) ?? error;
  }
}

const statusOf = (error: unknown): number | undefined => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const nameOf = (error: unknown): string | undefined => (error as { name?: string }).name;

// ---- auth ---------------------------------------------------------------------------------------

/** HeadBucket; a missing bucket is created only when the settings say so. */
export async function checkBucket(step: S3StepCall): Promise<void> {
  const { clients, settings, output } = step;
  const { bucket } = settings;
  try {
    await withNetworkRetry(() => clients.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: step.signal }), {
      what: 'S3 HeadBucket',
      signal: step.signal,
      log: (text) => output.system(text),
      ...(step.retryBaseDelayMs !== undefined ? { baseDelayMs: step.retryBaseDelayMs } : {}),
    });
    output.stdout(`Bucket ${bucket} exists and these credentials may use it`);
    return;
  } catch (error) {
    if (error instanceof StepFailure || error instanceof StepAborted) throw error;
    const status = statusOf(error);
    const missing = status === 404 || nameOf(error) === 'NotFound' || nameOf(error) === 'NoSuchBucket';
    if (!missing) {
      const line = output.stderr(`Error: S3 HeadBucket ${bucket} failed: ${status ? `HTTP ${status} ` : ''}${errorMessage(error)}`);
      if (status === 301) {
        throw new StepFailure('AUTHENTICATION_FAILED', `The bucket "${bucket}" is in another region than ${clients.region}. Set settings.s3.region to the bucket's region, then deploy again.`, { evidenceLineNo: line, cause: error });
      }
      if (status === 403 || isAuthError(error)) {
        throw new StepFailure(
          'AUTHENTICATION_FAILED',
          `S3 refused access to the bucket "${bucket}" (403): it belongs to another account, or these credentials lack s3:ListBucket on it. Pick a bucket of your own, or grant s3:ListBucket, s3:PutObject, s3:GetObject and s3:DeleteObject on it. ${HINT}`,
          { evidenceLineNo: line, cause: error },
        );
      }
      throw classifyAwsError(error, 'S3 HeadBucket', HINT) ?? error;
    }
  }
  if (!settings.createBucket) {
    const line = output.stderr(`Error: the bucket ${bucket} does not exist`);
    throw new StepFailure(
      'AUTHENTICATION_FAILED',
      `The S3 bucket "${bucket}" does not exist (or is not visible to these credentials). Create it (\`aws s3 mb s3://${bucket} --region ${clients.region}\`), or turn on "Create the bucket" (settings.s3.createBucket) to let Berth create it, then deploy again.`,
      { evidenceLineNo: line },
    );
  }
  output.stdout(`Bucket ${bucket} does not exist: creating it in ${clients.region} (settings.s3.createBucket)`);
  await call(`S3 CreateBucket ${bucket}`, step, () =>
    clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 takes no location constraint; every other region needs its own.
        ...(clients.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: clients.region as BucketLocationConstraint } }),
      }),
      { abortSignal: step.signal },
    ),
  );
  output.stdout(`Created bucket ${bucket}`);
}

// ---- publish ------------------------------------------------------------------------------------

/** Every object under the prefix, paged. */
export async function listRemote(step: S3StepCall): Promise<RemoteObject[]> {
  const { clients, settings } = step;
  const objects: RemoteObject[] = [];
  let token: string | undefined;
  do {
    const page = await call('S3 ListObjectsV2', step, () =>
      clients.s3.send(new ListObjectsV2Command({ Bucket: settings.bucket, ...(settings.prefix ? { Prefix: settings.prefix } : {}), ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: step.signal }),
    );
    for (const object of page.Contents ?? []) if (object.Key) objects.push({ key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? '' });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

const sizeText = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

/** A publish failure that is neither auth nor network: names the file, the cause and what to do. */
function publishFailure(step: S3StepCall, action: string, error: unknown): StepFailure {
  const classified = classifyAwsError(error, action, HINT);
  if (classified) return classified;
  const line = step.output.stderr(`Error: ${action} failed: ${errorMessage(error)}`);
  return new StepFailure(
    'S3_PUBLISH_FAILED',
    `${action} failed: ${errorMessage(error)}. Check that the bucket accepts uploads from these credentials (no bucket policy or object lock refusing them, the key within S3's limits), then deploy again.`,
    { evidenceLineNo: line, cause: error },
  );
}

async function uploadFile(step: S3StepCall, artifact: SiteArtifact, file: SiteFile): Promise<void> {
  const { clients, settings, output, signal } = step;
  const key = `${settings.prefix}${file.path}`;
  const source = join(artifact.filesDir, file.path);
  const headers = { Bucket: settings.bucket, Key: key, ContentType: contentTypeFor(file.path), CacheControl: cacheControlFor(file.path) };
  const action = `Uploading ${file.path} to s3://${settings.bucket}/${key}`;
  try {
    await withNetworkRetry(
      async () => {
        if (file.size < MULTIPART_THRESHOLD) {
          await clients.s3.send(new PutObjectCommand({ ...headers, Body: await readFile(source) }), { abortSignal: signal });
          return;
        }
        const upload = new Upload({ client: clients.s3, params: { ...headers, Body: createReadStream(source) }, partSize: MULTIPART_PART_SIZE, queueSize: 4, leavePartsOnError: false });
        const abort = (): void => void upload.abort().catch(() => undefined);
        signal?.addEventListener('abort', abort, { once: true });
        try {
          await upload.done();
        } finally {
          signal?.removeEventListener('abort', abort);
        }
      },
      { what: `S3 upload of ${file.path}`, signal, log: (text) => output.system(text), ...(step.retryBaseDelayMs !== undefined ? { baseDelayMs: step.retryBaseDelayMs } : {}) },
    );
  } catch (error) {
    if (error instanceof StepFailure || error instanceof StepAborted || signal?.aborted) throw error;
    throw publishFailure(step, action, error);
  }
  const parts = file.size < MULTIPART_THRESHOLD ? '' : `, multipart in ${Math.ceil(file.size / MULTIPART_PART_SIZE)} parts`;
  output.stdout(`uploaded ${key} (${sizeText(file.size)}, ${headers.ContentType}, ${headers.CacheControl}${parts})`);
}

export interface PublishOutcome {
  readonly plan: SyncPlan;
}

/**
 * Syncs the artifact to bucket/prefix: new and changed files are uploaded (UPLOAD_CONCURRENCY at a time),
 * unchanged ones skipped by ETag; only once every upload succeeded are the objects the release lacks deleted.
 */
export async function publishSite(step: S3StepCall, artifact: SiteArtifact, concurrency = UPLOAD_CONCURRENCY): Promise<PublishOutcome> {
  const { clients, settings, output } = step;
  const remote = await listRemote(step);
  const plan = planSync(artifact.files, remote, settings.prefix);
  output.stdout(
    `Publishing ${artifact.files.length} files (${sizeText(artifact.bytes)}) to ${where(settings)}: ${plan.upload.length} to upload, ${plan.unchanged.length} unchanged, ${plan.delete.length} to delete after the uploads`,
  );
  await eachLimited(plan.upload, concurrency, (file) => uploadFile(step, artifact, file));
  if (plan.unchanged.length > 0) output.stdout(`${plan.unchanged.length} file${plan.unchanged.length === 1 ? '' : 's'} unchanged (same ETag): not uploaded`);
  for (let start = 0; start < plan.delete.length; start += 1000) {
    const batch = plan.delete.slice(start, start + 1000);
    const action = `Deleting ${batch.length} old object${batch.length === 1 ? '' : 's'} under ${where(settings)}`;
    let result;
    try {
      result = await call('S3 DeleteObjects', step, () =>
        clients.s3.send(new DeleteObjectsCommand({ Bucket: settings.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: step.signal }),
      );
    } catch (error) {
      if (error instanceof StepFailure || error instanceof StepAborted) throw error;
      throw publishFailure(step, action, error);
    }
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0]!;
      throw publishFailure(step, `Deleting s3://${settings.bucket}/${first.Key ?? ''}`, Object.assign(new Error(`${first.Code ?? 'Error'}: ${first.Message ?? ''} (${failed.length} of ${batch.length} deletions failed)`), { name: first.Code ?? 'Error' }));
    }
    for (const key of batch) output.stdout(`deleted ${key} (not in this release)`);
  }
  return { plan };
}

/** PutBucketWebsite: S3 serves `indexDocument` for folders and the prefix's `errorDocument` for missing keys. Bucket-wide. */
export async function configureWebsite(step: S3StepCall): Promise<void> {
  const { clients, settings, output } = step;
  const website = settings.website;
  if (!website) return;
  const errorKey = website.errorDocument ? `${settings.prefix}${website.errorDocument}` : undefined;
  await call('S3 PutBucketWebsite', step, () =>
    clients.s3.send(
      new PutBucketWebsiteCommand({
        Bucket: settings.bucket,
        WebsiteConfiguration: { IndexDocument: { Suffix: website.indexDocument }, ...(errorKey ? { ErrorDocument: { Key: errorKey } } : {}) },
      }),
      { abortSignal: step.signal },
    ),
  );
  output.stdout(`Website hosting on for bucket ${settings.bucket}: index document ${website.indexDocument}${errorKey ? `, error document ${errorKey}` : ''}`);
}

// ---- verify -------------------------------------------------------------------------------------

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** The files verify reads back: the index document (else the first HTML file) and one asset, a hashed one if any. */
export function filesToVerify(artifact: Pick<SiteArtifact, 'files'>, indexDocument: string): SiteFile[] {
  const index = artifact.files.find((file) => file.path === indexDocument) ?? artifact.files.find((file) => isHtml(file.path)) ?? artifact.files[0];
  const assets = artifact.files.filter((file) => !isHtml(file.path));
  const asset = assets.find((file) => isHashedName(file.path)) ?? assets[0];
  return [index, asset].filter((file): file is SiteFile => file !== undefined);
}

function mismatch(step: S3StepCall, what: string, served: Uint8Array, expected: Buffer, fix: string): StepFailure {
  const line = step.output.stderr(`Error: ${what} as served (${served.length} bytes, md5 ${md5(served)}) differs from the release's file (${expected.length} bytes, md5 ${md5(expected)})`);
  return new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', `${what} is not what Berth uploaded: ${fix}`, { evidenceLineNo: line });
}

/**
 * GetObject of the index document and one asset, compared byte for byte with the artifact; with website
 * hosting, the page at `websiteUrl` too (plain HTTP, as a visitor reads it).
 */
export async function verifySite(step: S3StepCall, artifact: SiteArtifact, websiteUrl: string | null): Promise<void> {
  const { clients, settings, output } = step;
  const files = filesToVerify(artifact, settings.indexDocument);
  if (files.length === 0) {
    const line = output.stderr('Error: the release has no files to verify');
    throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', 'The release has no files: the site folder (or the build output) was empty. Check the project folder or the build output directory.', { evidenceLineNo: line });
  }
  for (const file of files) {
    const key = `${settings.prefix}${file.path}`;
    const expected = await readFile(join(artifact.filesDir, file.path));
    let served: Uint8Array;
    try {
      served = await call(`S3 GetObject ${key}`, step, async () => {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { abortSignal: step.signal });
        return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      });
    } catch (error) {
      if (error instanceof StepFailure || error instanceof StepAborted) throw error;
      const line = output.stderr(`Error: S3 GetObject s3://${settings.bucket}/${key} failed: ${errorMessage(error)}`);
      throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', `s3://${settings.bucket}/${key} could not be read back after publishing (${errorMessage(error)}). Check the bucket's lifecycle rules and policies, then deploy again.`, { evidenceLineNo: line, cause: error });
    }
    if (!Buffer.from(served).equals(expected)) throw mismatch(step, `s3://${settings.bucket}/${key}`, served, expected, 'something else changed the object after the upload, or the bucket transforms objects. Deploy again; if it recurs, check what else writes to the bucket.');
    output.stdout(`verified s3://${settings.bucket}/${key}: ${expected.length} bytes, identical to the release`);
  }
  if (websiteUrl === null) return;
  const index = files[0]!;
  const expected = await readFile(join(artifact.filesDir, index.path));
  const url = `${websiteUrl}${index.path === settings.indexDocument ? settings.indexDocument : index.path}`;
  let response: Response;
  try {
    response = await withNetworkRetry(() => fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(10_000), ...(step.signal ? [step.signal] : [])]) }), {
      what: `GET ${url}`,
      signal: step.signal,
      log: (text) => output.system(text),
      ...(step.retryBaseDelayMs !== undefined ? { baseDelayMs: step.retryBaseDelayMs } : {}),
    });
  } catch (error) {
    if (error instanceof StepAborted) throw error;
    const cause = error instanceof StepFailure ? error.likelyCause : errorMessage(error);
    const line = output.stderr(`Error: GET ${url} failed: ${cause}`);
    throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', `The site's address ${url} did not answer (${cause}). Check that the bucket allows public reads (website hosting serves only public objects).`, { evidenceLineNo: line, cause: error });
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) {
    const line = output.stderr(`Error: GET ${url} answered HTTP ${response.status}`);
    throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', `The site's address ${url} answered HTTP ${response.status}. Website hosting serves only objects the public may read: allow s3:GetObject for everyone on the prefix in the bucket policy (and turn off Block Public Access), or set settings.s3.publicUrl to the CDN in front of it.`, { evidenceLineNo: line });
  }
  if (!Buffer.from(body).equals(expected)) throw mismatch(step, url, body, expected, 'the address serves another page (a CDN cache, or another site at this address). Check settings.s3.publicUrl and the website configuration.');
  output.stdout(`verified ${url}: HTTP 200, ${expected.length} bytes, identical to the release`);
}
