// The CLI for S3 sites against a real `berth serve` and moto: `projects add --target s3` with its flags,
// `berth deploy`, then `berth ls` and `berth status` show the bucket, the prefix and the URL.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startMoto, type RunningServer } from '../../support/aws-emulator';
import { runBerth, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { makeTempDir } from '../../support/temp-dir';
import { S3_FIXTURES } from './s3-harness';

const temp = makeTempDir('berth-s3-cli-');
let moto: RunningServer;
let serve: ServeProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  moto = await startMoto();
  env = { BERTH_AWS_ENDPOINT: moto.url, AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, AWS_REGION: EMULATOR_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
  serve = await startServeProcess(temp.dir, env);
}, 90_000);

afterAll(async () => {
  await serve?.stop();
  await moto?.stop();
  temp.cleanup();
});

describe('berth CLI and S3 sites', () => {
  it('adds an S3 project from flags, deploys it, and ls and status show bucket, prefix and URL', async () => {
    const bad = runBerth(['projects', 'add', join(S3_FIXTURES, 'static-site'), '--target', 's3', '--bucket', 'Bad_Name'], temp.dir, env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/settings\.s3\.bucket.*must be an S3 bucket name/);

    const website = runBerth(['projects', 'add', join(S3_FIXTURES, 'static-site'), '--name', 'cli-web', '--target', 's3', '--bucket', 'cli-web-bucket', '--index-document', 'index.html', '--error-document', '404.html', '--region', 'eu-west-1', '--json'], temp.dir, env);
    expect(JSON.parse(website.stdout)).toMatchObject({ target: 's3', settings: { s3: { bucket: 'cli-web-bucket', region: 'eu-west-1', website: { indexDocument: 'index.html', errorDocument: '404.html' } } } });

    const added = runBerth(['projects', 'add', join(S3_FIXTURES, 'static-site'), '--name', 'cli-site', '--target', 's3', '--bucket', 'cli-site-bucket', '--prefix', 'www', '--create-bucket', '--json'], temp.dir, env);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({ target: 's3', settings: { s3: { bucket: 'cli-site-bucket', prefix: 'www', createBucket: true } } });

    const deployed = runBerth(['deploy', 'cli-site', '--detach', '--json'], temp.dir, env);
    expect(deployed.status, deployed.stderr).toBe(0);
    const { deployment } = JSON.parse(deployed.stdout) as { deployment: { id: string } };
    const url = `${moto.url}/cli-site-bucket/www/index.html`;
    let status = '';
    for (let tries = 0; tries < 60 && !/Status:\s+running/.test(status); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = runBerth(['status', deployment.id], temp.dir, env).stdout;
    }
    expect(status).toMatch(/Target:\s+s3/);
    expect(status).toMatch(/Status:\s+running/);
    expect(status).toContain(`URL:            ${url}`);
    expect(status).toMatch(/Bucket:\s+cli-site-bucket/);
    expect(status).toMatch(/Prefix:\s+www/);
    expect(status).toMatch(/Site files:\s+s3-artifact:run_/);
    expect(status).not.toMatch(/Host port|Container:/);

    const listed = runBerth(['ls'], temp.dir, env);
    expect(listed.stdout).toMatch(new RegExp(`cli-site\\s+s3 s3://cli-site-bucket/www/\\s+${deployment.id}\\s+running\\s+healthy\\s+${url.replace(/[.]/g, '\\.')}`));
  }, 90_000);
});
