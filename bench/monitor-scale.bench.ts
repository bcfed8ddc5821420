// BENCH monitor_scale: the engine's CPU time per monitoring sample (one metric sample or one health
// probe) while 50 containers are watched: runtime log followers attached, one-shot stats and /health
// polled in rounds at a short interval. The baseline, measured in the same run, is the bare work:
// the same dockerode one-shot stats calls and GETs with no store, no rules and no followers.
import Dockerode from 'dockerode';
import { Engine } from '../electron/engine/host/engine';
import { DockerMonitor } from '../electron/engine/monitor/docker-monitor';
import { berthLabels } from '../electron/engine/docker/labels';
import { projectSettingsSchema } from '../shared';
import { makeTempDir } from '../test/support/temp-dir';

const CONTAINERS = Number(process.env['BENCH_CONTAINERS'] ?? 50);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const INTERVAL_MS = 250;
const docker = new Dockerode();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function startContainers(engine: Engine): Promise<{ ids: string[]; ports: number[] }> {
  const ids: string[] = [];
  const ports: number[] = [];
  for (let index = 0; index < CONTAINERS; index += 1) {
    const project = engine.store.projects.create({ name: `monitor-bench-${index}`, sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = engine.store.deployments.create(project.id, 'docker');
    const container = await docker.createContainer({
      name: `monitor-bench-${deployment.id}`,
      Image: 'berth-test/busybox:1',
      Cmd: ['sh', '-c', 'mkdir -p /www && echo ok > /www/health && exec httpd -f -p 8080 -h /www'],
      Labels: berthLabels(deployment.id, project.id),
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, Memory: 32 * 1024 * 1024 },
    });
    ids.push(container.id);
    await container.start();
    const info = await container.inspect();
    const hostPort = Number(info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
    ports.push(hostPort);
    engine.store.deployments.update(deployment.id, { status: 'running', health: 'unknown', containerId: container.id, hostPort, startedAt: Date.now() });
    engine.monitor.watch(deployment.id);
  }
  return { ids, ports };
}

async function monitorRounds(engine: Engine, monitor: DockerMonitor): Promise<{ cpu: number; samples: number }> {
  // Warm-up: the first stats reading has nothing to compute CPU% against.
  await monitor.sampleAll();
  await monitor.probeAll();
  const countRows = () =>
    (engine.store.db.prepare('SELECT (SELECT COUNT(*) FROM metrics) + (SELECT COUNT(*) FROM health_probes) AS n').get() as { n: number }).n;
  const rowsBefore = countRows();
  const before = cpuMs();
  for (let round = 0; round < ROUNDS; round += 1) {
    await Promise.all([monitor.sampleAll(), monitor.probeAll()]);
    await sleep(INTERVAL_MS);
  }
  return { cpu: cpuMs() - before, samples: countRows() - rowsBefore };
}

async function bareRounds(ids: string[], ports: number[]): Promise<{ cpu: number; samples: number }> {
  let samples = 0;
  const before = cpuMs();
  for (let round = 0; round < ROUNDS; round += 1) {
    await Promise.all([
      ...ids.map(async (id) => {
        await docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false });
        samples += 1;
      }),
      ...ports.map(async (port) => {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        samples += 1;
      }),
    ]);
    await sleep(INTERVAL_MS);
  }
  return { cpu: cpuMs() - before, samples };
}

const temp = makeTempDir('monitor-bench-');
let monitor: DockerMonitor | undefined;
const engine = await Engine.start({ docker, monitor: (context) => (monitor = new DockerMonitor(context)), config: { dataDir: temp.dir, metricsIntervalMs: 0, healthIntervalMs: 0, retentionIntervalMs: 0 } });
let containers: { ids: string[]; ports: number[] } = { ids: [], ports: [] };
try {
  containers = await startContainers(engine);
  // Let the followers attach before measuring.
  await sleep(1500);
  const bare = await bareRounds(containers.ids, containers.ports);
  const monitored = await monitorRounds(engine, monitor!);
  if (monitored.samples === 0 || bare.samples === 0) throw new Error('No samples were taken; is the Docker engine running?');
  const perSample = monitored.cpu / monitored.samples;
  const barePerSample = bare.cpu / bare.samples;
  process.stdout.write(`# ${CONTAINERS} containers, ${ROUNDS} rounds: ${monitored.samples} samples+probes in ${monitored.cpu.toFixed(0)} CPU-ms; bare ${bare.samples} in ${bare.cpu.toFixed(0)} CPU-ms\n`);
  process.stdout.write(`BENCH monitor_scale ${perSample.toFixed(3)} cpu_ms_per_sample ratio=${(perSample / barePerSample).toFixed(2)}\n`);
} finally {
  await engine.close();
  await Promise.all(containers.ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  temp.cleanup();
}
