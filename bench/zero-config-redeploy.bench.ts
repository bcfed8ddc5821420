// BENCH zero_config_redeploy: how much faster a redeploy after a source-only change is than the first deploy,
// for zero-config apps (no Dockerfile), through the real pipeline and the real Docker engine: the Express
// fixture (npm ci) and the Flask fixture on gunicorn (pip install), FROM the runtime images
// scripts/provision.js builds. Each round deploys a fresh copy whose dependency manifest is made unique (so
// its install layer is cold and the first deploy really installs), changes only the source, and redeploys;
// the redeploy's install layer comes from the cache. The value is the redeploy's wall time over the first's
// (deploy request → run completed), the median over the rounds, the worse of the two apps.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isFinishedRun, projectSettingsSchema, type RunDetail } from '../shared';
import { Engine } from '../electron/engine/host/engine';
import type { ProjectRecord } from '../electron/engine/store/projects';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './support/stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const FIXTURES = fileURLToPath(new URL('../test/fixtures/zero-config/', import.meta.url));
const run = promisify(execFile);

interface App {
  readonly name: string;
  readonly fixture: string;
  /** Makes the dependency manifest differ from every earlier round's, so its install layer is cold. */
  readonly freshManifest: (dir: string, nonce: string) => void;
  readonly source: string;
  readonly before: string;
  readonly after: string;
}

const APPS: readonly App[] = [
  {
    name: 'express',
    fixture: 'express',
    freshManifest: (dir, nonce) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...manifest, description: `bench round ${nonce}` }, null, 2)}\n`);
    },
    source: 'server.js',
    before: 'hello from express',
    after: 'hello again from express',
  },
  {
    name: 'flask',
    fixture: 'flask-gunicorn',
    freshManifest: (dir, nonce) => writeFileSync(join(dir, 'requirements.txt'), `${readFileSync(join(dir, 'requirements.txt'), 'utf8')}# bench round ${nonce}\n`),
    source: 'app.py',
    before: 'hello from flask',
    after: 'hello again from flask',
  },
];

/** BERTH_BASE_IMAGE_* for the runtime images (built on first use, as the tests do). */
async function baseImageEnv(): Promise<Record<string, string>> {
  // @ts-expect-error plain JS module without types
  const provisioning = (await import('../scripts/provision.js')) as { ensureRuntimeImages: () => Record<string, string>; runtimeImageEnv: (tags: Record<string, string>) => Record<string, string> };
  return provisioning.runtimeImageEnv(provisioning.ensureRuntimeImages());
}

async function deployTimed(engine: Engine, project: ProjectRecord): Promise<{ ms: number; run: RunDetail }> {
  const start = performance.now();
  const { run: started } = await engine.controller.deploy(project);
  const finished = await new Promise<RunDetail>((resolve) => {
    const off = engine.events.on('runUpdated', (detail) => {
      if (detail.id === started.id && isFinishedRun(detail.status)) {
        off();
        resolve(detail);
      }
    });
  });
  const ms = performance.now() - start;
  if (finished.status !== 'completed') throw new Error(`the ${project.name} deploy ${finished.status}: ${JSON.stringify(finished.failure)}`);
  return { ms, run: finished };
}

async function round(engine: Engine, app: App, index: number): Promise<{ first: number; redeploy: number }> {
  const temp = makeTempDir(`bench-zero-config-${app.name}-`);
  const dir = join(temp.dir, app.fixture);
  const project = engine.store.projects.create({ name: `zero-config-bench-${app.name}-${index}-${randomBytes(3).toString('hex')}`, sourceDir: dir, target: 'docker', settings: projectSettingsSchema.parse({ verifyTimeoutMs: 120_000, muteNotifications: true }) });
  try {
    cpSync(join(FIXTURES, app.fixture), dir, { recursive: true });
    app.freshManifest(dir, randomBytes(6).toString('hex'));
    const first = await deployTimed(engine, project);
    writeFileSync(join(dir, app.source), readFileSync(join(dir, app.source), 'utf8').replace(app.before, app.after));
    const redeploy = await deployTimed(engine, project);
    // The point of the bench: the redeploy took its dependency layer from the cache.
    engine.logs.flush();
    const build = engine.store.logLines.since(redeploy.run.deploymentId, 0, 50_000).filter((line) => line.runId === redeploy.run.id && line.step === 'build').map((line) => line.text);
    const install = build.findIndex((line) => /^Step \d+\/\d+ : RUN (?:npm ci|pip install)/.test(line));
    if (install === -1 || !/Using cache/.test(build[install + 1] ?? '')) throw new Error(`the ${app.name} redeploy did not reuse its install layer:\n${build.slice(Math.max(0, install), install + 3).join('\n')}`);
    return { first: first.ms, redeploy: redeploy.ms };
  } finally {
    const deployment = engine.store.deployments.forProjectTarget(project.id, 'docker');
    if (deployment) {
      await engine.controller.stopDeployment(deployment.id);
      await engine.controller.whenStopped(deployment.id);
    }
    // Both releases' images, and with them the round's cold install layer.
    const { stdout } = await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `berth/${project.slug}`]);
    for (const tag of stdout.split('\n').filter(Boolean)) await run('docker', ['rmi', tag]).catch(() => undefined);
    temp.cleanup();
  }
}

const temp = makeTempDir('bench-zero-config-');
const engine = await Engine.start({ config: { dataDir: temp.dir, stopGraceMs: 2000, healthIntervalMs: 0, metricsIntervalMs: 0, baseImageEnv: await baseImageEnv() } });
try {
  const ratios: number[] = [];
  for (const app of APPS) {
    const firsts: number[] = [];
    const redeploys: number[] = [];
    for (let index = 0; index < ROUNDS; index += 1) {
      const timed = await round(engine, app, index);
      firsts.push(timed.first);
      redeploys.push(timed.redeploy);
    }
    const ratio = median(redeploys) / median(firsts);
    ratios.push(ratio);
    const seconds = (values: readonly number[]): string => values.map((value) => (value / 1000).toFixed(1)).join(' ');
    process.stdout.write(
      `# ${app.name}: first deploy median ${(median(firsts) / 1000).toFixed(1)} s (${seconds(firsts)}), source-only redeploy median ${(median(redeploys) / 1000).toFixed(1)} s (${seconds(redeploys)}), ratio ${ratio.toFixed(2)}\n`,
    );
  }
  const worst = Math.max(...ratios);
  process.stdout.write(`BENCH zero_config_redeploy ${worst.toFixed(2)} ratio=${worst.toFixed(2)}\n`);
} finally {
  await engine.close();
  temp.cleanup();
}
