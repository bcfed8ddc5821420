// Zero-config deploys through the real pipeline (detect → build → setup → deploy → verify → done) against the
// real Docker engine, from folders with no Dockerfile, FROM the runtime images scripts/provision.js builds from
// Debian packages, with real `npm ci` / `pip install` / `go build`. Each stored scan is checked for the shape,
// runtime, commands and evidence; refusals, a failed dependency install, a wrong port and an app that exits
// at start are checked for the failure a user sees.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployShape, HealthCheck, LogLine, RunDetail, StepName } from '../../../shared';
import { DockerMonitor } from '../../../electron/engine/monitor/docker-monitor';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { makeTempDir } from '../../support/temp-dir';
import { docker, startTestEngine, type TestEngine } from '../pipeline/support';
import { builderSteps, fixtureDir, runtimeImageEnv } from './zero-config-harness';

let test: TestEngine;
let monitor: DockerMonitor;
const temps: Array<() => void> = [];

beforeAll(async () => {
  test = await startTestEngine({
    monitor: (context) => (monitor = new DockerMonitor(context)),
    config: { baseImageEnv: await runtimeImageEnv(), healthIntervalMs: 0, metricsIntervalMs: 0 },
  });
}, 900_000);

// Removes the containers and the images tagged for these projects. The untagged layers the builds left (the
// build stages of Go and static_build) stay as the next run's layer cache: they may be shared with builds of
// others on the same engine, so they are not this test's to remove.
afterAll(async () => {
  await test?.close();
  for (const cleanup of temps.splice(0)) cleanup();
}, 120_000);

/** A folder of its own (Berth must not need to write it; a test may change it). */
function folder(name: string, files: Record<string, string> = {}, fixture?: string): string {
  const temp = makeTempDir(`zero-config-${name}-`);
  temps.push(temp.cleanup);
  const dir = join(temp.dir, name);
  if (fixture) cpSync(fixtureDir(fixture), dir, { recursive: true });
  else mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

async function deploy(project: ProjectRecord, timeoutMs = 600_000): Promise<RunDetail> {
  return test.waitForRun((await test.engine.controller.deploy(project)).run.id, undefined, timeoutMs);
}

function stepLines(run: RunDetail, step: StepName): LogLine[] {
  test.engine.logs.flush();
  return test.engine.store.logLines.since(run.deploymentId, 0, 20_000).filter((line) => line.runId === run.id && line.step === step);
}

const texts = (lines: readonly LogLine[]): string[] => lines.map((line) => line.text);

async function body(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.text();
}

interface GreenCase {
  readonly fixture: string;
  readonly shape: DeployShape;
  readonly runtime: string | null;
  readonly start: string | null;
  readonly build: string | null;
  /** A decision's evidence that names where the start (or build) command came from. */
  readonly evidence: RegExp;
  readonly healthCheck: HealthCheck;
  readonly path: string;
  readonly answer: string;
}

const GREEN: readonly GreenCase[] = [
  {
    fixture: 'express',
    shape: 'server',
    runtime: 'node',
    start: 'npm start',
    build: null,
    evidence: /`package\.json` scripts\.start = `node server\.js`/,
    healthCheck: { path: '/health', rule: 'status_2xx_3xx' },
    path: '/',
    answer: 'hello from express',
  },
  {
    fixture: 'flask-gunicorn',
    shape: 'server',
    runtime: 'python',
    start: 'gunicorn --bind 0.0.0.0:$PORT app:app',
    build: null,
    evidence: /gunicorn/,
    healthCheck: { path: '/healthz', rule: 'status_2xx_3xx' },
    path: '/',
    answer: 'hello from flask',
  },
  {
    fixture: 'fastapi-uvicorn',
    shape: 'server',
    runtime: 'python',
    start: 'uvicorn main:app --host 0.0.0.0 --port $PORT',
    build: null,
    evidence: /uvicorn/,
    healthCheck: { path: '/ping', rule: 'status_2xx_3xx' },
    path: '/ping',
    answer: '{"ok":true}',
  },
  {
    fixture: 'go-http',
    shape: 'server',
    runtime: 'go',
    start: './bin/server',
    build: 'CGO_ENABLED=0 go build -trimpath -o bin/server .',
    evidence: /go\.mod/,
    healthCheck: { path: '/up', rule: 'status_2xx_3xx' },
    path: '/up',
    answer: 'ok',
  },
  {
    fixture: 'static-site',
    shape: 'static',
    runtime: null,
    start: null,
    build: null,
    evidence: /`index\.html` at the root/,
    healthCheck: { path: '/', rule: 'any_below_500' },
    path: '/',
    answer: '<h1>hello from a static site</h1>',
  },
  {
    fixture: 'static-build',
    shape: 'static_build',
    runtime: 'node',
    start: null,
    build: 'npm run build',
    evidence: /scripts\.build/,
    healthCheck: { path: '/', rule: 'any_below_500' },
    path: '/',
    answer: '<script type="module" crossorigin src="/assets/',
  },
];

describe.each(GREEN)('a $fixture folder with no Dockerfile', (green) => {
  it('deploys green through the pipeline; the stored scan has its shape, runtime, commands and evidence', async () => {
    const run = await deploy(test.project(green.fixture, {}, fixtureDir(green.fixture)));
    expect(run.failure, JSON.stringify(run.failure)).toBeNull();
    expect(run.status).toBe('completed');

    const scan = run.scan!;
    expect(scan).toMatchObject({ shape: green.shape, startCommand: green.start, buildCommand: green.build, refusal: null, buildVerification: { status: 'passed' } });
    expect(scan.runtime?.name ?? null).toBe(green.runtime);
    expect(scan.decisions.some((decision) => green.evidence.test(decision.evidence))).toBe(true);
    if (green.shape === 'static_build') expect(scan.outputDir).toBe('dist');

    // detect wrote every decision with its evidence, and the shape in one line.
    const detect = texts(stepLines(run, 'detect'));
    for (const decision of scan.decisions) expect(detect.some((line) => line.includes(decision.evidence))).toBe(true);
    expect(detect.some((line) => line.startsWith(`shape: ${green.shape}`))).toBe(true);
    // build printed the generated Dockerfile, then built FROM the provisioned runtime image.
    const build = texts(stepLines(run, 'build'));
    const header = build.findIndex((line) => line.startsWith('Dockerfile.berth, generated from the scan'));
    expect(header).toBeGreaterThanOrEqual(0);
    expect(build[header + 1]).toBe('# Generated by Berth from its scan of this folder; Berth does not write it into the folder.');
    expect(build.some((line) => /^FROM berth-test\/runtime-/.test(line))).toBe(true);
    expect(build.some((line) => /^Step 1\/\d+ : FROM berth-test\/runtime-/.test(line))).toBe(true);

    const deployment = test.engine.store.deployments.get(run.deploymentId)!;
    expect(deployment.healthCheck).toEqual(green.healthCheck);
    expect(texts(stepLines(run, 'deploy')).some((line) => line.includes('→ 8080/tcp, PORT=8080'))).toBe(true);
    expect(await body(`http://127.0.0.1:${deployment.hostPort}${green.path}`)).toContain(green.answer);
  }, 600_000);
});

describe('an app without a health route', () => {
  it('is checked for answering HTTP on /: a 404 passes verify and the monitor’s probes, and the health check is stored', async () => {
    const dir = folder('answers-http', {
      'package.json': JSON.stringify({ name: 'answers-http', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((request, response) => { response.statusCode = 404; response.end('no such route'); }).listen(process.env.PORT);\n",
    });
    const run = await deploy(test.project('answers-http', {}, dir));
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(run.scan).toMatchObject({ shape: 'server', healthPath: null });
    expect(texts(stepLines(run, 'detect'))).toContain('container port 8080 (the scan); health check: GET / answers below 500 (the app answers HTTP) (Berth\'s default)');
    expect(texts(stepLines(run, 'verify')).some((line) => line.endsWith('/: HTTP 404 Not Found'))).toBe(true);
    expect(test.engine.store.deployments.get(run.deploymentId)!.healthCheck).toEqual({ path: '/', rule: 'any_below_500' });

    for (let probe = 0; probe < 3; probe += 1) await monitor.probeAll();
    const probes = test.engine.store.metrics.probes(run.deploymentId, 0, Date.now() + 1000);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.every((probe) => probe.ok && probe.statusCode === 404)).toBe(true);
    expect(test.engine.store.deployments.get(run.deploymentId)).toMatchObject({ status: 'running', health: 'healthy' });
  }, 300_000);
});

describe('a source-only change', () => {
  it('redeploys reusing the dependency layer: the build log shows the cache hit, and the new source is served', async () => {
    const dir = folder('express', {}, 'express');
    const project = test.project('express-redeploy', {}, dir);
    const first = await deploy(project);
    expect(first.status, JSON.stringify(first.failure)).toBe('completed');

    writeFileSync(join(dir, 'server.js'), readFileSync(join(dir, 'server.js'), 'utf8').replace('hello from express', 'hello again from express'));
    const second = await deploy(project);
    expect(second.status, JSON.stringify(second.failure)).toBe('completed');
    expect(second.scan!.buildVerification.status).toBe('passed');
    const output = `${texts(stepLines(second, 'build')).join('\n')}\n`;
    const step = (instruction: string) => builderSteps(output).find((candidate) => candidate.instruction === instruction)?.body ?? `(no step ${instruction})`;
    expect(step('COPY package.json package-lock.json ./')).toContain('Using cache');
    expect(step('RUN npm ci --omit=dev')).toContain('Using cache');
    expect(step('COPY . .')).not.toContain('Using cache');
    const deployment = test.engine.store.deployments.get(second.deploymentId)!;
    expect(await body(`http://127.0.0.1:${deployment.hostPort}/`)).toBe('hello again from express');
  }, 600_000);
});

describe("the project's settings win over the scan", () => {
  it('a port setting is the container port and PORT; a PORT the project sets itself is left as it is', async () => {
    const byPort = await deploy(test.project('express-port', { port: 9090 }, fixtureDir('express')));
    expect(byPort.status, JSON.stringify(byPort.failure)).toBe('completed');
    expect(texts(stepLines(byPort, 'deploy')).some((line) => line.endsWith('→ 9090/tcp, PORT=9090'))).toBe(true);
    const container = await docker.getContainer(test.engine.store.deployments.get(byPort.deploymentId)!.containerId!).inspect();
    expect(container.Config.Env).toContain('PORT=9090');
    expect(await body(`http://127.0.0.1:${test.engine.store.deployments.get(byPort.deploymentId)!.hostPort}/health`)).toBe('{"ok":true}');

    const byEnv = await deploy(test.project('express-env-port', { port: 7070, env: [{ name: 'PORT', value: '7070' }] }, fixtureDir('express')));
    expect(byEnv.status, JSON.stringify(byEnv.failure)).toBe('completed');
    expect(texts(stepLines(byEnv, 'deploy')).some((line) => line.endsWith('→ 7070/tcp, PORT as the project sets it'))).toBe(true);
    const envContainer = await docker.getContainer(test.engine.store.deployments.get(byEnv.deploymentId)!.containerId!).inspect();
    expect(envContainer.Config.Env.filter((variable) => variable.startsWith('PORT='))).toEqual(['PORT=7070']);
  }, 600_000);
});

describe('folders Berth cannot deploy as they are', () => {
  it.each([
    { name: 'an empty folder', dir: () => folder('empty'), found: /Berth found nothing in .*\. Add your app: a package\.json with a start script/ },
    { name: 'a Node app with no start script and no main', dir: () => fixtureDir('node-no-start'), found: /package\.json without scripts\.start, no main field.*Add a start script to package\.json/ },
    { name: 'an unknown language', dir: () => fixtureDir('ruby-app'), found: /\(Ruby\).*Add a Dockerfile to deploy it/ },
  ])('$name fails at detect with PROJECT_SHAPE_UNSUPPORTED, naming what was found and what to add', async ({ name, dir, found }) => {
    const run = await deploy(test.project(name.replace(/\W+/g, '-'), {}, dir()), 60_000);
    expect(run.failure).toMatchObject({ stage: 'detect', code: 'PROJECT_SHAPE_UNSUPPORTED' });
    expect(run.failure!.likelyCause).toMatch(found);
    expect(run.failure!.likelyCause).toBe(run.scan!.refusal!.message);
    expect(run.failure!.evidence.line).toBe(`error: ${run.scan!.refusal!.message}`);
    expect(run.steps.filter((step) => step.name !== 'detect').every((step) => step.status === 'skipped')).toBe(true);
  });
});

describe('failures that point at the fix', () => {
  it('an npm install that fails is DOCKER_IMAGE_BUILD_FAILED with the first failing install line as evidence, and the scan records the excerpt', async () => {
    const dir = folder('npm-fails', {
      'package.json': JSON.stringify({ name: 'npm-fails', version: '1.0.0', private: true, scripts: { start: 'node server.js' }, dependencies: { 'berth-test-no-such-package-4c1d': '^1.0.0' } }),
      'server.js': "require('http').createServer((request, response) => response.end('ok')).listen(process.env.PORT);\n",
    });
    const run = await deploy(test.project('npm-fails', {}, dir));
    expect(run.failure).toMatchObject({ stage: 'build', code: 'DOCKER_IMAGE_BUILD_FAILED' });
    expect(run.failure!.evidence.line).toMatch(/^npm (?:ERR!|error) code E404$/);
    expect(run.failure!.likelyCause).toMatch(/^Installing the dependencies failed: "npm (?:ERR!|error) code E404"\. A package or version named in package\.json could not be installed/);
    expect(run.scan!.buildVerification.status).toBe('failed');
    expect(run.scan!.buildVerification.logExcerpt).toContain(run.failure!.evidence.line);
    expect(run.scan!.buildVerification.logExcerpt).toContain('berth-test-no-such-package-4c1d');
  }, 300_000);

  it("a pip install that fails (\"Could not find a version\") is DOCKER_IMAGE_BUILD_FAILED with pip's line as evidence", async () => {
    const dir = folder('pip-fails', {
      'requirements.txt': 'flask==0.0.0.999\ngunicorn\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    });
    const run = await deploy(test.project('pip-fails', {}, dir));
    expect(run.failure).toMatchObject({ stage: 'build', code: 'DOCKER_IMAGE_BUILD_FAILED' });
    expect(run.failure!.evidence.line).toMatch(/^ERROR: Could not find a version that satisfies the requirement flask==0\.0\.0\.999/);
    expect(run.failure!.likelyCause).toMatch(/^Installing the dependencies failed: "ERROR: Could not find a version .*"\. A package or version named in requirements\.txt could not be installed/);
    expect(run.scan!.buildVerification).toMatchObject({ status: 'failed', logExcerpt: expect.stringContaining('Could not find a version') });
  }, 300_000);

  it('a base image that cannot be pulled fails the build at once, before the folder is packed, naming where to set another', async () => {
    const image = '127.0.0.1:1/berth-test/no-registry:0';
    const started = Date.now();
    const run = await deploy(test.project('no-base-image', { build: { baseImages: { node: image } } }, fixtureDir('express')), 60_000);
    expect(run.failure).toMatchObject({ stage: 'build', code: 'DOCKER_IMAGE_BUILD_FAILED' });
    expect(run.failure!.evidence.line).toMatch(new RegExp(`^error: could not pull the base image ${image.replace(/[.]/g, '\\.')}: .*connection refused`));
    expect(run.failure!.likelyCause).toContain("BERTH_BASE_IMAGE_NODE (or the project's build.baseImages.node)");
    // No build was started: what the fuzz test relies on to keep fuzzed deploys of "/" short.
    expect(texts(stepLines(run, 'build')).some((line) => line.startsWith('docker build -t'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('an app that listens on another port than it is given fails verify saying so, with its own log line as evidence', async () => {
    const dir = folder('wrong-port', {
      'package.json': JSON.stringify({ name: 'wrong-port', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }),
      // The port comes from a file the scan does not read: the scan says 8080, the app takes 3001.
      'config.json': '{ "port": 3001 }\n',
      'server.js': "const { port } = require('./config.json');\nrequire('http').createServer((request, response) => response.end('wrong port')).listen(port, () => console.log(`listening on ${port}`));\n",
    });
    const run = await deploy(test.project('wrong-port', { verifyTimeoutMs: 5000 }, dir));
    expect(run.failure).toMatchObject({ stage: 'verify', code: 'DEPLOYMENT_VERIFICATION_FAILED' });
    expect(run.failure!.evidence.line).toBe('listening on 3001');
    expect(run.failure!.likelyCause).toMatch(/listens on port 3001, not on port 8080.*PORT=8080.*set the project's port to 3001/);
  }, 300_000);

  it('an app that exits at start stays CONTAINER_START_FAILED, with its last lines', async () => {
    const dir = folder('exits', {
      'package.json': JSON.stringify({ name: 'exits-at-start', version: '1.0.0', private: true, scripts: { start: 'node server.js' } }),
      'server.js': "console.log('starting exits-at-start');\nconsole.error('Error: DATABASE_URL is not set');\nprocess.exit(3);\n",
    });
    const run = await deploy(test.project('exits', { verifyTimeoutMs: 20_000 }, dir));
    expect(run.failure).toMatchObject({ stage: 'verify', code: 'CONTAINER_START_FAILED' });
    expect(run.failure!.evidence.line).toBe('Error: DATABASE_URL is not set');
    const verify = texts(stepLines(run, 'verify'));
    expect(verify).toContain('starting exits-at-start');
    expect(verify.some((line) => /exitCode=[1-9]/.test(line))).toBe(true);
  }, 300_000);
});
