// BENCH compose_overhead: Berth's wall time to deploy the three-service Compose stack (deploy request → run
// completed: detect with Compose's config, build, the file in the data dir, up, verify of every service)
// divided by the same stack brought up by hand in the same run: `docker-compose up -d --build`, then what
// `docker compose up --wait` waits for (v1 has no --wait): every container running and every service with a
// healthcheck healthy, and GET on the web service until it answers. Both start from the same cache state: each side is
// warmed once, then every round builds the same contexts (all layers cached, images kept until the end)
// and starts fresh containers, network and volume.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isFinishedRun, projectSettingsSchema } from '../shared';
import { Engine } from '../electron/engine/host/engine';
import { composeCommand } from '../electron/engine/docker/compose';
import { makeTempDir } from '../test/support/temp-dir';
import { alternatingRounds, median } from './support/stats';

const exec = promisify(execFile);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const FIXTURE = fileURLToPath(new URL('../test/fixtures/compose/stack', import.meta.url));

// @ts-expect-error plain JS module without types
const provisioning = (await import('../scripts/provision.js')) as { runtimeImageTags: () => Record<string, string> };
const temp = makeTempDir('bench-compose-');
const dir = join(temp.dir, 'stack');
cpSync(FIXTURE, dir, { recursive: true });
writeFileSync(join(dir, '.env'), `BERTH_TEST_DEBIAN_IMAGE=${provisioning.runtimeImageTags().debian!}\n`);

const compose = await composeCommand();
const composeCli = (project: string, ...args: string[]) => exec(compose.program, [...compose.prefix, '-p', project, '--project-directory', dir, '-f', join(dir, 'compose.yaml'), ...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });

async function untilAnswers(url: string): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** v1's stand-in for `up --wait`: every container of the project running, and healthy where it has a healthcheck. */
async function untilRunningAndHealthy(project: string): Promise<void> {
  // docker, not `docker-compose ps`: a Python start per look would slow the baseline's own polling.
  const ids = (await exec('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout.split('\n').filter(Boolean);
  if (ids.length !== 3) throw new Error(`expected the stack's 3 containers under project ${project}, found ${ids.length}`);
  for (;;) {
    const states = (await exec('docker', ['inspect', '--format', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', ...ids])).stdout.trim().split('\n');
    if (states.every((state) => state === 'running healthy' || state === 'running none')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const cliProjects: string[] = [];
const slugs: string[] = [];

/** The images both sides tagged; removed at the end only, so every round finds the same warm layer cache. */
async function removeTags(): Promise<void> {
  const { stdout } = await exec('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
  for (const tag of stdout.split('\n')) {
    if (slugs.some((slug) => tag.startsWith(`berth/${slug}-`)) || cliProjects.some((project) => tag.startsWith(`${project.replace(/[^a-z0-9]/g, '')}_`))) await exec('docker', ['rmi', tag]).catch(() => undefined);
  }
}

async function byHand(round: number): Promise<number> {
  const project = `bench-compose-cli-${round + 1}-${randomBytes(3).toString('hex')}`;
  const start = performance.now();
  try {
    await composeCli(project, 'up', '-d', '--build');
    const web = (await exec('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=web'])).stdout.trim();
    const port = (await exec('docker', ['port', web, '8080/tcp'])).stdout.trim().split('\n')[0]!.split(':').pop();
    await Promise.all([untilAnswers(`http://127.0.0.1:${port}/health`), untilRunningAndHealthy(project)]);
    return performance.now() - start;
  } finally {
    await composeCli(project, 'down', '-v', '--remove-orphans');
    cliProjects.push(project);
  }
}

/** Each of Berth's runs, step by step (ms), printed after the bench: where Berth's time goes. */
const stepTimes: string[] = [];

async function berth(engine: Engine, round: number): Promise<number> {
  const project = engine.store.projects.create({ name: `compose-bench-${round + 1}-${randomBytes(3).toString('hex')}`, sourceDir: dir, target: 'docker', settings: projectSettingsSchema.parse({ compose: { removeVolumesOnStop: true } }) });
  const start = performance.now();
  const { run: started } = await engine.controller.deploy(project);
  const finished = await new Promise<string>((resolve) => {
    const off = engine.events.on('runUpdated', (detail) => {
      if (detail.id === started.id && isFinishedRun(detail.status)) {
        off();
        resolve(detail.status);
      }
    });
  });
  const elapsed = performance.now() - start;
  const steps = engine.store.runs.steps(started.id);
  stepTimes.push(steps.map((step) => `${step.name} ${step.startedAt && step.finishedAt ? Date.parse(step.finishedAt) - Date.parse(step.startedAt) : '-'}`).join(', '));
  const deployment = engine.store.deployments.forProjectTarget(project.id, 'docker')!;
  await engine.controller.stopDeployment(deployment.id);
  await engine.controller.whenStopped(deployment.id);
  slugs.push(project.slug);
  if (finished !== 'completed') throw new Error(`the Berth deploy ${finished}: ${JSON.stringify(engine.store.runs.get(started.id)?.failure)}`);
  return elapsed;
}

const engine = await Engine.start({ config: { dataDir: join(temp.dir, 'data'), stopGraceMs: 2000, metricsIntervalMs: 0, healthIntervalMs: 0 } });
try {
  // Warm both once (the layer cache of every service, Compose's own start-up, the engine's first queries).
  const { baseline: cli, berth: ours } = await alternatingRounds(ROUNDS, byHand, (round) => berth(engine, round));
  const berthMs = median(ours);
  const cliMs = median(cli);
  process.stdout.write(`# ${compose.label} ${compose.version}: up -d --build + probes, median ${cliMs.toFixed(0)} ms over ${ROUNDS} rounds: ${cli.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`# Berth median ${berthMs.toFixed(0)} ms: ${ours.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`# Berth step times (ms), run by run:\n${stepTimes.map((line) => `#   ${line}`).join("\n")}\n`);
  process.stdout.write(`BENCH compose_overhead ${(berthMs / 1000).toFixed(2)} s ratio=${(berthMs / cliMs).toFixed(2)}\n`);
} finally {
  await engine.close();
  await removeTags();
  temp.cleanup();
}
