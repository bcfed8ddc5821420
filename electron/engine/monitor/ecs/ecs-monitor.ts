// Runtime monitoring of ECS deployments, in the same shapes as Docker's: CloudWatch Logs → runtime
// lines, CloudWatch metrics → metric samples, stopped tasks → `[CRASH]`, and the 3-failure health rule
// against the public URL (the same HealthPoller as Docker's). It implements DeploymentMonitor for ECS deployments
// only, so the engine's monitor can hand `watch` calls for target `ecs` to it.
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { isLiveDeployment, type Deployment } from '../../../../shared';
import type { AwsClients } from '../../aws/aws-clients';
import { errorMessage } from '../../aws/aws-errors';
import { LOG_STREAM_PREFIX, probeUrl, resolveEcsSettings, type ResolvedEcsSettings } from '../../aws/ecs-settings';
import { crashLine, crashOf, describeStoppedTask, listStoppedTasks, type StoppedTask } from '../../aws/stopped-tasks';
import type { DeploymentsPort, LogLinesPort, ProjectsPort, StatePort } from '../../context';
import { createLogger } from '../../logger';
import type { MetricRepository } from '../../store/metrics';
import type { ProjectRecord } from '../../store/projects';
import type { DeploymentMonitor } from '../deployment-monitor';
import { DeploymentQueue } from '../deployment-queue';
import { HealthPoller } from '../health-poller';
import type { Notifier } from '../notifier';
import { CloudWatchLogFollower, type LogFollowerCursor } from './cloudwatch-log-follower';
import { readServiceMetrics } from './cloudwatch-metrics';

const log = createLogger('monitor/ecs');

export interface EcsMonitorContext {
  readonly deployments: DeploymentsPort;
  readonly projects: ProjectsPort;
  readonly metrics: Pick<MetricRepository, 'insertSamples' | 'insertProbe'>;
  readonly state: StatePort;
  readonly logs: LogLinesPort;
  readonly notifier: Pick<Notifier, 'crashed' | 'unhealthy' | 'recovered'>;
  /** A project's AWS clients (its stored keys, profile or the default chain; the engine's endpoint). */
  readonly awsClients: (project: ProjectRecord) => AwsClients;
  readonly config: { readonly healthIntervalMs: number; readonly healthTimeoutMs: number; readonly metricsIntervalMs: number };
}

export interface EcsMonitorOptions {
  /** CloudWatch Logs poll cadence (never more than one call per second). */
  readonly logPollIntervalMs?: number;
  /** Stopped-task poll cadence. */
  readonly taskPollIntervalMs?: number;
  /** Set false to drive rounds by `tick` only (tests). */
  readonly timers?: boolean;
}

/** ECS replaces a crashed task by itself, so a crashed deployment stays watched for the recovery. */
const isWatched = (deployment: Deployment): boolean => isLiveDeployment(deployment.status) || deployment.status === 'crashed';
const cursorKey = (deploymentId: string): string => `ecs.logCursor.${deploymentId}`;
const crashKey = (deploymentId: string): string => `ecs.lastCrashAt.${deploymentId}`;

interface Watch {
  readonly deployment: Deployment;
  readonly settings: ResolvedEcsSettings;
  readonly clients: AwsClients;
  readonly follower: CloudWatchLogFollower;
  readonly reportedTasks: Set<string>;
  readonly timers: NodeJS.Timeout[];
  lastMetricAt: number;
}

export class EcsMonitor implements DeploymentMonitor {
  private readonly watches = new Map<string, Watch>();
  /** One round at a time per deployment: crashes, probes and samples never interleave. */
  private readonly queue = new DeploymentQueue();
  private readonly health: HealthPoller;
  private closed = false;

  constructor(
    private readonly context: EcsMonitorContext,
    private readonly options: EcsMonitorOptions = {},
  ) {
    const { deployments, logs, notifier, config } = context;
    this.health = new HealthPoller({ deployments, probes: context.metrics, logs, notifier, timeoutMs: config.healthTimeoutMs, queue: this.queue });
  }

  watch(deploymentId: string): void {
    if (this.closed) return;
    const deployment = this.context.deployments.get(deploymentId);
    if (!deployment || deployment.target !== 'ecs') return;
    const project = this.context.projects.get(deployment.projectId);
    if (!project) return;
    this.unwatch(deploymentId);
    let clients: AwsClients;
    try {
      clients = this.context.awsClients(project);
    } catch (error) {
      this.context.logs.system(deploymentId, `[MONITOR] ECS monitoring cannot start: ${errorMessage(error)}`);
      return;
    }
    const settings = resolveEcsSettings(project);
    const saved = this.context.state.get(cursorKey(deploymentId));
    const follower = new CloudWatchLogFollower({
      logs: clients.logs,
      logGroupName: settings.logGroup,
      logStreamNamePrefix: `${LOG_STREAM_PREFIX}/${settings.containerName}/`,
      cursor: saved ? (JSON.parse(saved) as LogFollowerCursor) : null,
      saveCursor: (cursor) => this.context.state.set(cursorKey(deploymentId), JSON.stringify(cursor)),
      deliver: (events) => {
        for (const event of events) {
          for (const text of splitMessage(event.message)) this.context.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text, ts: event.timestamp });
        }
      },
      ...(this.options.logPollIntervalMs !== undefined ? { pollIntervalMs: this.options.logPollIntervalMs } : {}),
      onError: (error) => log.warn(`CloudWatch Logs for ${deploymentId}: ${errorMessage(error)}`),
    });
    const watch: Watch = {
      deployment,
      settings,
      clients,
      follower,
      reportedTasks: new Set(),
      timers: [],
      lastMetricAt: 0,
    };
    this.watches.set(deploymentId, watch);
    // What the live release was verified with; a deployment made before scans has none stored.
    if (settings.publicUrl) {
      this.health.watch(deployment, (current) => {
        const check = current.healthCheck ?? settings.healthCheck;
        return { url: probeUrl(settings, check.path), rule: check.rule };
      });
    }
    if (this.options.timers === false) return;
    follower.start();
    const every = (ms: number, round: () => Promise<void>): void => {
      watch.timers.push(setInterval(() => void this.enqueue(watch, round), ms));
      void this.enqueue(watch, round);
    };
    every(this.context.config.metricsIntervalMs, () => this.sampleMetrics(watch));
    every(this.options.taskPollIntervalMs ?? 15_000, () => this.checkStoppedTasks(watch));
    if (settings.publicUrl) watch.timers.push(setInterval(() => void this.health.probe(deploymentId), this.context.config.healthIntervalMs));
  }

  unwatch(deploymentId: string): void {
    const watch = this.watches.get(deploymentId);
    if (!watch) return;
    this.watches.delete(deploymentId);
    this.health.unwatch(deploymentId);
    for (const timer of watch.timers) clearInterval(timer);
    void watch.follower.stop().finally(() => this.queue.run(deploymentId, async () => watch.clients.destroy()));
  }

  async start(): Promise<void> {
    for (const deployment of this.context.deployments.list()) {
      if (deployment.target === 'ecs' && isWatched(deployment)) this.watch(deployment.id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.health.close();
    const pending = [...this.watches.values()].map((watch) => watch.follower.stop());
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    await Promise.allSettled(pending);
    await this.queue.idle();
  }

  isWatching(deploymentId: string): boolean {
    return this.watches.has(deploymentId);
  }

  /** One round of everything for a deployment (logs, metrics, stopped tasks, health); tests drive it. */
  async tick(deploymentId: string, parts: { logs?: boolean; metrics?: boolean; tasks?: boolean; health?: boolean } = {}): Promise<void> {
    const watch = this.watches.get(deploymentId);
    if (!watch) throw new Error(`ECS monitor is not watching ${deploymentId}`);
    const all = Object.keys(parts).length === 0;
    if (all || parts.logs) await watch.follower.poll();
    if (all || parts.metrics) await this.enqueue(watch, () => this.sampleMetrics(watch));
    if (all || parts.tasks) await this.enqueue(watch, () => this.checkStoppedTasks(watch));
    if (all || parts.health) await this.health.probe(deploymentId);
    this.context.logs.flush();
  }

  private enqueue(watch: Watch, round: () => Promise<void>): Promise<void> {
    return this.queue.run(watch.deployment.id, round);
  }

  private async sampleMetrics(watch: Watch): Promise<void> {
    const now = Date.now();
    // First round looks back over the chart's whole window; later rounds re-read the last few minutes,
    // because CloudWatch fills a minute in late. INSERT OR REPLACE keeps each minute once.
    const from = watch.lastMetricAt ? watch.lastMetricAt - 5 * 60_000 : now - 3 * 24 * 60 * 60_000;
    const samples = await readServiceMetrics(watch.clients.cloudwatch, watch.deployment.id, {
      cluster: watch.settings.cluster,
      service: watch.settings.service,
      cpuUnits: watch.settings.cpu,
      memoryMb: watch.settings.memoryMb,
      from,
      to: now,
    });
    if (samples.length > 0) {
      this.context.metrics.insertSamples(samples);
      watch.lastMetricAt = samples[samples.length - 1]!.sampledAt;
    } else if (!watch.lastMetricAt) {
      watch.lastMetricAt = now - 5 * 60_000;
    }
  }

  private async checkStoppedTasks(watch: Watch): Promise<void> {
    const deploymentId = watch.deployment.id;
    const current = this.context.deployments.get(deploymentId);
    if (!current || !isWatched(current)) return;
    const lastCrashAt = Number(this.context.state.get(crashKey(deploymentId)) ?? 0);
    const startedAt = current.startedAt ? Date.parse(current.startedAt) : 0;
    const stopped = await listStoppedTasks(watch.clients, watch.settings.cluster, watch.settings.service);
    const fresh = stopped.filter(
      (task) => !watch.reportedTasks.has(task.taskArn) && (task.stoppedAt === null || (task.stoppedAt > lastCrashAt && task.stoppedAt >= startedAt)),
    );
    let crashed = false;
    for (const task of fresh) {
      watch.reportedTasks.add(task.taskArn);
      if (!isCrash(task, watch.settings.containerName)) continue;
      crashed = true;
      await this.reportCrash(watch, task);
    }
    if (crashed || current.status !== 'crashed') return;
    // ECS replaces a crashed task by itself: once the service runs again, so does the deployment.
    const described = await watch.clients.ecs.send(new DescribeServicesCommand({ cluster: watch.settings.cluster, services: [watch.settings.service] }));
    const service = described.services?.[0];
    if (service && (service.runningCount ?? 0) > 0 && (service.runningCount ?? 0) >= (service.desiredCount ?? 1)) {
      this.context.logs.system(deploymentId, `[RESTART] ECS runs ${service.runningCount} task(s) of ${watch.settings.service} again`);
      this.context.deployments.update(deploymentId, { status: 'running' });
    }
  }

  private async reportCrash(watch: Watch, task: StoppedTask): Promise<void> {
    const deploymentId = watch.deployment.id;
    const crash = crashOf(task, watch.settings.containerName);
    // Make sure the lines before the crash are stored before saying it crashed.
    await watch.follower.poll().catch((error: unknown) => log.warn(`CloudWatch Logs before a crash of ${deploymentId}: ${errorMessage(error)}`));
    this.context.logs.system(deploymentId, crashLine(crash));
    this.context.logs.system(deploymentId, `[CRASH] ${describeStoppedTask(task)}`);
    if (task.stoppedAt !== null) this.context.state.set(crashKey(deploymentId), String(task.stoppedAt));
    const updated = this.context.deployments.update(deploymentId, { status: 'crashed', lastExitCode: crash.exitCode });
    if (updated) this.context.notifier.crashed(updated, crash.exitCode, crash.oom);
  }
}

/**
 * A stopped task is a crash unless ECS stopped it on purpose and it exited cleanly: deployments and
 * scale-ins stop old tasks with `ServiceSchedulerInitiated`, users with `UserInitiated`.
 */
export function isCrash(task: StoppedTask, containerName: string): boolean {
  const crash = crashOf(task, containerName);
  if (crash.oom) return true;
  if (task.stopCode === 'EssentialContainerExited' || task.stopCode === 'TaskFailedToStart') return true;
  const intended = task.stopCode === 'UserInitiated' || task.stopCode === 'ServiceSchedulerInitiated' || /Scaling activity|deployment/i.test(task.stoppedReason ?? '');
  return !intended && crash.exitCode !== null && crash.exitCode !== 0;
}

/** awslogs sends one event per line, but multi-line events exist; split them like the line assembler. */
export function splitMessage(message: string): string[] {
  const lines = message.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
