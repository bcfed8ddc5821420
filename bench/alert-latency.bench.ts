// BENCH alert_latency: from `docker kill` to a loopback webhook receiver holding the alert, over 20 kills of
// real containers watched by the engine, with the engine's own crash detection (kill → the deployment marked
// crashed) measured in the same kills as the baseline. Two lines: `alert_latency` (p99, the target's figure)
// and `alert_latency_p50`, each with its ratio over detection at the same percentile: what delivery adds on
// top of noticing the crash. Target: alert p99 ≤ 2 s.
import Dockerode from 'dockerode';
import { createHmac } from 'node:crypto';
import { Engine } from '../electron/engine/host/engine';
import { DockerMonitor } from '../electron/engine/monitor/docker-monitor';
import { berthLabels, containerNameFor } from '../electron/engine/docker/labels';
import { projectSettingsSchema } from '../shared';
import { startReceiver } from '../test/support/http-receiver';
import { makeTempDir } from '../test/support/temp-dir';

const KILLS = Number(process.env['BENCH_KILLS'] ?? 20);
const SECRET = 'bench-signing-secret-0123456789';
const docker = new Dockerode();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile (p99 of 20 samples is the largest). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const temp = makeTempDir('alert-latency-bench-');
const receiver = await startReceiver();
const engine = await Engine.start({
  docker,
  monitor: (context) => new DockerMonitor(context),
  env: { BENCH_HOOK_URL: receiver.url, BENCH_HOOK_SECRET: SECRET },
  config: { dataDir: temp.dir, metricsIntervalMs: 0, healthIntervalMs: 0, retentionIntervalMs: 0 },
});
const containers: string[] = [];
const detected = new Map<string, number>();
engine.events.on('deploymentUpdated', (deployment) => {
  if (deployment.status === 'crashed' && !detected.has(deployment.id)) detected.set(deployment.id, Date.now());
});
try {
  const channel = await engine.dispatch('createAlertChannel', { kind: 'webhook', name: 'bench', url: { env: 'BENCH_HOOK_URL' }, signingSecret: { env: 'BENCH_HOOK_SECRET' } });
  if (!channel.ok) throw new Error(channel.error.message);
  const rule = await engine.dispatch('createAlertRule', { name: 'crashes', trigger: { type: 'events', events: ['crash'] }, cooldownMs: 0, channelIds: [channel.value.id] });
  if (!rule.ok) throw new Error(rule.error.message);

  const alertMs: number[] = [];
  const detectMs: number[] = [];
  for (let round = 0; round < KILLS; round += 1) {
    const project = engine.store.projects.create({ name: `alert-bench-${round}`, sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({ restartPolicy: 'no' }) });
    const deployment = engine.store.deployments.create(project.id, 'docker');
    const container = await docker.createContainer({
      name: `alert-bench-${containerNameFor(deployment.id)}`,
      Image: 'berth-test/busybox:1',
      Cmd: ['sh', '-c', 'echo up; exec sleep 3600'],
      Labels: berthLabels(deployment.id, project.id),
      HostConfig: { Memory: 32 * 1024 * 1024 },
    });
    containers.push(container.id);
    await container.start();
    const info = await container.inspect();
    engine.store.deployments.update(deployment.id, { status: 'running', health: 'unknown', containerId: container.id, startedAt: Date.parse(info.State.StartedAt) });
    engine.monitor.watch(deployment.id);
    await sleep(500);
    const before = receiver.requests.length;
    const killedAt = Date.now();
    await container.kill();
    const [request] = (await receiver.waitFor(before + 1, 30_000)).slice(before);
    const payload = JSON.parse(request!.body) as { deploymentId: string };
    if (payload.deploymentId !== deployment.id) throw new Error(`round ${round}: the alert was for ${payload.deploymentId}, not ${deployment.id}`);
    if (request!.headers['x-berth-signature-256'] !== `sha256=${createHmac('sha256', SECRET).update(request!.body).digest('hex')}`) throw new Error('bad signature');
    const detectedAt = detected.get(deployment.id);
    if (detectedAt === undefined) throw new Error(`round ${round}: the alert came before the deployment was marked crashed`);
    alertMs.push(request!.at - killedAt);
    detectMs.push(detectedAt - killedAt);
  }
  const [alert50, alert99, detect50, detect99] = [percentile(alertMs, 50), percentile(alertMs, 99), percentile(detectMs, 50), percentile(detectMs, 99)];
  process.stdout.write(`# ${KILLS} kills: docker kill → webhook received ${alertMs.join(' ')} ms; → deployment crashed ${detectMs.join(' ')} ms\n`);
  const ratio = (value: number, baseline: number) => (value / Math.max(1, baseline)).toFixed(2);
  process.stdout.write(`# crash detection (the baseline): p50 ${detect50} ms, p99 ${detect99} ms; alert p50 ${alert50} ms, p99 ${alert99} ms (target: alert p99 ≤ 2000 ms)\n`);
  process.stdout.write(`BENCH alert_latency_p50 ${alert50} ms ratio=${ratio(alert50, detect50)}\n`);
  process.stdout.write(`BENCH alert_latency ${alert99} ms ratio=${ratio(alert99, detect99)}\n`);
} finally {
  await engine.close();
  await receiver.close();
  await Promise.all(containers.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  temp.cleanup();
}
