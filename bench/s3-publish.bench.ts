// BENCH s3_publish: files/s published to S3 by Berth's publish code (the S3 target's sync: list, plan,
// UPLOAD_CONCURRENCY PutObjects with Content-Type and Cache-Control, one log line per file) vs `aws s3 sync`
// (awscli, its default 10 threads) of the same 2,000 small files to the same moto_server, in the same run.
// Each side gets a fresh prefix per round, so neither skips a file; rounds alternate, medians are compared.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createAwsClients } from '../electron/engine/aws/aws-clients';
import { normalizePrefix } from '../electron/engine/aws/s3-settings';
import { publishSite } from '../electron/engine/targets/s3/s3-steps';
import { SiteArtifacts } from '../electron/engine/targets/s3/site-artifact';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startMoto } from '../test/support/aws-emulator';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './support/stats';

const FILES = Number(process.env['BENCH_FILES'] ?? 2000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BUCKET = 'berth-bench';

// @ts-expect-error plain JS module without types
const { ensureAwsCli } = (await import('../scripts/provision.js')) as { ensureAwsCli: () => void };
ensureAwsCli();

const moto = await startMoto();
const temp = makeTempDir('bench-s3-');
const clients = createAwsClients({ endpoint: moto.url, region: EMULATOR_REGION, credentials: { ...EMULATOR_CREDENTIALS } });
try {
  // A site of small files in a few folders, as a build writes it: HTML, hashed JS and CSS, images.
  const site = join(temp.dir, 'site');
  const kinds = ['html', 'js', 'css', 'svg', 'json'];
  for (let index = 0; index < FILES; index++) {
    const folder = join(site, `section-${index % 20}`);
    mkdirSync(folder, { recursive: true });
    const kind = kinds[index % kinds.length]!;
    const name = kind === 'html' ? `page-${index}.html` : `chunk-${index}.${(index * 2654435761 >>> 0).toString(16).padStart(8, '0')}.${kind}`;
    writeFileSync(join(folder, name), `/* file ${index} */\n${'x'.repeat(200 + (index % 1800))}\n`);
  }
  // The artifact as Berth's build step makes it (a copy with its manifest); not timed.
  const artifacts = new SiteArtifacts(join(temp.dir, 'artifacts'));
  const artifact = await artifacts.fromFolder({ sourceDir: site, skippedDirectories: [], buildCommand: null, outputDir: null } as never, 'dep_bench', 'run_bench');
  if (artifact.files.length !== FILES) throw new Error(`artifact has ${artifact.files.length} files, not ${FILES}`);
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  const count = async (prefix: string): Promise<number> => {
    let total = 0;
    let token: string | undefined;
    do {
      const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      total += page.KeyCount ?? 0;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return total;
  };

  let lines = 0;
  const output = { stdout: () => ++lines, stderr: () => ++lines, system: () => ++lines };
  const berth = async (round: number): Promise<number> => {
    const prefix = normalizePrefix(`berth-${round}`);
    const started = performance.now();
    await publishSite({ clients, settings: { bucket: BUCKET, prefix, indexDocument: 'index.html', website: null, createBucket: false, publicUrl: null }, output }, artifact);
    const seconds = (performance.now() - started) / 1000;
    if ((await count(prefix)) !== FILES) throw new Error(`berth round ${round}: not every file is in the bucket`);
    return FILES / seconds;
  };
  const aws = (round: number): Promise<number> => {
    const prefix = `aws-${round}/`;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: EMULATOR_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
    const started = performance.now();
    const result = spawnSync('python3', ['-m', 'awscli', 's3', 'sync', site, `s3://${BUCKET}/${prefix}`, '--endpoint-url', moto.url, '--only-show-errors'], { env, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`aws s3 sync failed: ${result.stderr}`);
    return count(prefix).then((total) => {
      if (total !== FILES) throw new Error(`aws round ${round}: ${total} of ${FILES} files in the bucket`);
      return FILES / seconds;
    });
  };

  // One warm-up of each (moto's first requests, the CLI's imports), then alternating rounds.
  await berth(0);
  await aws(0);
  const berthRates: number[] = [];
  const awsRates: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    berthRates.push(await berth(round));
    awsRates.push(await aws(round));
    process.stdout.write(`# round ${round}: berth ${berthRates.at(-1)!.toFixed(0)} files/s, aws s3 sync ${awsRates.at(-1)!.toFixed(0)} files/s\n`);
  }
  const berthMedian = median(berthRates);
  const awsMedian = median(awsRates);
  process.stdout.write(`BENCH s3_publish ${berthMedian.toFixed(0)} files/s ratio=${(berthMedian / awsMedian).toFixed(2)}\n`);
  process.stdout.write(`# aws s3 sync: ${awsMedian.toFixed(0)} files/s; ${FILES} files, medians of ${ROUNDS} rounds; ${lines} log lines written by Berth\n`);
} finally {
  clients.destroy();
  await moto.stop();
  temp.cleanup();
}
