// BENCH deploy_overhead: Berth's wall time to deploy the healthy fixture (deploy request → run
// completed, every step) divided by the same work done with the docker CLI in the same run
// (`docker build`, `docker run -d -p 127.0.0.1::8080`, then GET /health until 200). Both use the
// layer cache the same way: each round builds the same context under a fresh tag (Berth: a fresh project).
//
// The warm-up round's images stay until the end, on both sides. Removing an image's last tag also removes
// its untagged parents, which are the layer cache it was built from, so without a holder each round's
// clean-up emptied the cache the next round builds from: whether a round built warm depended on whatever
// other images happened to be on the shared engine. Berth's side lost most while it labelled its builds
// (until 12dea12): Docker adds each build label as its own LABEL step, and the cached
// `LABEL berth.managed=true` step (the same for every project) went with each round's image, so a round paid
// one label commit or two depending on the engine's state.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isFinishedRun, projectSettingsSchema } from '../shared';
import { Engine } from '../electron/engine/host/engine';
import { makeTempDir } from '../test/support/temp-dir';
import { alternatingRounds, median } from './support/stats';

const run = promisify(execFile);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const FIXTURE = fileURLToPath(new URL('../test/fixtures/apps/healthy', import.meta.url));
const docker = (...args: string[]) => run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
/** The warm-up round's tags (both sides), removed at the end: they hold the layer cache every round builds from. */
const warmUpTags: string[] = [];
const WARM_UP = -1;

async function untilHealthy(url: string): Promise<void> {
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

async function dockerCli(round: number): Promise<number> {
  const tag = `deploy-bench-cli:r${round + 1}-${randomBytes(3).toString('hex')}`;
  const start = performance.now();
  await docker('build', '-q', '-t', tag, FIXTURE);
  const { stdout } = await docker('run', '-d', '--name', `deploy-bench-cli-${round + 1}-${randomBytes(3).toString('hex')}`, '--restart', 'unless-stopped', '--memory', '1536m', '-p', '127.0.0.1::8080', tag);
  const id = stdout.trim();
  const port = (await docker('port', id, '8080/tcp')).stdout.trim().split(':').pop();
  await untilHealthy(`http://127.0.0.1:${port}/health`);
  const elapsed = performance.now() - start;
  await docker('rm', '-f', id);
  if (round === WARM_UP) warmUpTags.push(tag);
  else await docker('rmi', tag);
  return elapsed;
}

async function berth(engine: Engine, round: number): Promise<number> {
  const project = engine.store.projects.create({ name: `deploy-bench-${round}-${randomBytes(3).toString('hex')}`, sourceDir: FIXTURE, target: 'docker', settings: projectSettingsSchema.parse({}) });
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
  if (finished !== 'completed') throw new Error(`the Berth deploy ${finished}: ${JSON.stringify(engine.store.runs.get(started.id)?.failure)}`);
  const deployment = engine.store.deployments.forProjectTarget(project.id, 'docker')!;
  await engine.controller.stopDeployment(deployment.id);
  // The stop answers at once; its container is removed in the background.
  await engine.controller.whenStopped(deployment.id);
  const { stdout } = await docker('images', '--format', '{{.Repository}}:{{.Tag}}', `berth/${project.slug}`);
  for (const tag of stdout.split('\n').filter(Boolean)) {
    if (round === WARM_UP) warmUpTags.push(tag);
    else await docker('rmi', tag);
  }
  return elapsed;
}

const temp = makeTempDir('bench-deploy-');
const engine = await Engine.start({ config: { dataDir: temp.dir, stopGraceMs: 2000 } });
try {
  // Warm both paths once (base image layers, the build cache, the engine's first queries); the warm-up
  // images hold that cache until the end.
  const { baseline: cli, berth: ours } = await alternatingRounds(ROUNDS, dockerCli, (round) => berth(engine, round));
  const berthMs = median(ours);
  const cliMs = median(cli);
  process.stdout.write(`# docker CLI median ${cliMs.toFixed(0)} ms over ${ROUNDS} rounds: ${cli.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`# Berth median ${berthMs.toFixed(0)} ms: ${ours.map((value) => value.toFixed(0)).join(' ')}\n`);
  process.stdout.write(`BENCH deploy_overhead ${berthMs.toFixed(0)} ms ratio=${(berthMs / cliMs).toFixed(2)}\n`);
} finally {
  await engine.close();
  for (const tag of warmUpTags) await docker('rmi', tag).catch((error: unknown) => process.stderr.write(`could not remove ${tag}: ${String(error)}\n`));
  temp.cleanup();
}
