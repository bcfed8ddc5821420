// A `static_build` app on S3 with the real Docker engine: the same zero-config build as the Docker target
// (FROM the provisioned runtime images), its output taken out of the image into Berth's data dir, and
// published to moto with the rules for hashed asset names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { runtimeImageEnv } from '../zero-config/zero-config-harness';
import { S3_FIXTURES, startS3Harness, type S3Harness } from './s3-harness';

const docker = new Dockerode();
let moto: RunningServer;
let restoreEnv: () => void;
let harness: S3Harness;

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useEmulatorEnvironment(moto);
  harness = await startS3Harness(moto.url, { baseImageEnv: await runtimeImageEnv() });
}, 600_000);

afterAll(async () => {
  await harness?.close();
  restoreEnv?.();
  await moto?.stop();
});

describe('a static_build app on S3', () => {
  it('builds with Docker, publishes the output folder with hashed assets cached for a year, and leaves no image or file in the project', async () => {
    const bucket = await harness.bucket();
    const source = join(S3_FIXTURES, 'build-app');
    // A build Berth does not recognise by name: the project says where its output is.
    const project = harness.project(source, { bucket, prefix: 'app' }, { build: { outputDir: 'dist' } });
    const run = await harness.deploy(project);
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(run.scan).toMatchObject({ shape: 'static_build', outputDir: 'dist' });
    const build = harness.stepLines(run, 'build');
    expect(build).toContainEqual(expect.stringMatching(/^FROM berth-test\/runtime-node:/));
    // The fixture's own build ran in the image (its line), unless an earlier run left that layer in Docker's cache.
    const ranBuild = build.some((line) => /built dist: assets\/app\.[0-9a-f]{8}\.js, assets\/style-[A-Za-z0-9_-]{8}\.css/.test(line));
    const buildStep = build.findIndex((line) => /^Step \d+\/\d+ : RUN npm run build$/.test(line));
    expect(ranBuild || (buildStep >= 0 && build[buildStep + 1] === ' ---> Using cache'), 'the image build ran the fixture\'s npm run build').toBe(true);

    const objects = await harness.objects(bucket, 'app/');
    const keys = [...objects.keys()].sort();
    expect(keys).toHaveLength(4);
    const js = keys.find((key) => /^app\/assets\/app\.[0-9a-f]{8}\.js$/.test(key))!;
    const css = keys.find((key) => /^app\/assets\/style-.{8}\.css$/.test(key))!;
    expect(keys).toEqual(['app/index.html', js, css, 'app/robots.txt'].sort());
    expect(objects.get(js)).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    expect(objects.get(css)!.contentType).toBe('text/css; charset=utf-8');
    expect(objects.get('app/index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(objects.get('app/robots.txt')!.cacheControl).toBe('public, max-age=300');
    expect(objects.get(js)!.body.toString()).toBe(readFileSync(join(source, 'src/app.js'), 'utf8'));
    expect(objects.get('app/index.html')!.body.toString()).toContain(`src="/${js.slice('app/'.length)}"`);

    // The artifact under the data dir is what was published, byte for byte.
    const artifact = await harness.engine.store.releases.listForDeployment(run.deploymentId)[0]!;
    expect(artifact.imageRef).toBe(`s3-artifact:${run.id}`);
    const filesDir = join(harness.engine.config.dataDir, 'artifacts', 's3', run.deploymentId, run.id, 'files');
    for (const [key, object] of objects) expect(object.body.equals(readFileSync(join(filesDir, key.slice('app/'.length)))), key).toBe(true);

    // Nothing written into the project; the build image is gone (its layers stay as cache).
    expect(existsSync(join(source, 'dist'))).toBe(false);
    expect(readdirSync(source).sort()).toEqual(['build.mjs', 'package-lock.json', 'package.json', 'src']);
    const tags = (await docker.listImages()).flatMap((image) => image.RepoTags ?? []);
    expect(tags.filter((tag) => tag.startsWith(`berth-s3/${project.slug}:`))).toEqual([]);
    const leftovers = await docker.listContainers({ all: true, filters: { label: ['berth.purpose=s3-artifact'] } });
    expect(leftovers).toEqual([]);

    // Deleting the project removes its artifacts from the data dir; the published site stays.
    const deploymentDir = join(harness.engine.config.dataDir, 'artifacts', 's3', run.deploymentId);
    expect(existsSync(deploymentDir)).toBe(true);
    expect(await harness.engine.dispatch('deleteProject', { id: project.id })).toMatchObject({ ok: true });
    for (let waited = 0; existsSync(deploymentDir) && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(deploymentDir)).toBe(false);
    expect((await harness.objects(bucket, 'app/')).size).toBe(objects.size);
  }, 600_000);
});
