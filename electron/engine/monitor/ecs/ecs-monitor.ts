// Runtime monitoring of ECS deployments, in the same shapes as Docker's (DESIGN §3 "ECS"): CloudWatch
// Logs → runtime lines, CloudWatch metrics → metric samples, stopped tasks → `[CRASH]`, and the
// 3-failure health rule against the public URL. It implements DeploymentMonitor for ECS deployments
// only, so the engine's monitor can hand `watch` calls for target `ecs` to it.
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { Deployment, DeploymentStatus } from '../../../../shared';
import type { EventBus } from '../../event-bus';
import type { LogWriter } from '../../logs/log-writer';
import { createLogger } from '../../logger';
import type { DeploymentChanges } from '../../store/deployments';
import type { ProjectRecord } from '../../store/projects';
import type { Store } from '../../store/store';
import { clientsForProject, type AwsClients } from '../../aws/aws-clients';
import { storedCredentials } from '../../secrets/aws-credentials';
import { headlessVault, type SecretVault } from '../../secrets/secret-vault';
import { errorMessage } from '../../aws/aws-errors';
import { LOG_STREAM_PREFIX, probeUrl, resolveEcsSettings, type ResolvedEcsSettings } from '../../aws/ecs-settings';
import { probe } from '../../targets/ecs/http-probe';
import { crashLine, crashOf, describeStoppedTask, listStoppedTasks, type StoppedTask } from '../../aws/stopped-tasks';
import type { DeploymentMonitor } from '../deployment-monitor';
import { CloudWatchLogFollower, type LogFollowerCursor } from './cloudwatch-log-follower';
import { readServiceMetrics } from './cloudwatch-metrics';

const log = createLogger('monitor/ecs');

/** Seed 003: three consecutive failed probes make a deployment unhealthy. */
export const ECS_FAILURES_BEFORE_UNHEALTHY = 3;
export const ECS_UNHEALTHY_LINE = `[UNHEALTHY] health probe failed ${ECS_FAILURES_BEFORE_UNHEALTHY} times`;

/** What the monitor tells users about (the monitoring issue's Notifier has these methods). */
export interface EcsNotifications {
  crashed(deployment: Deployment, exitCode: number | null, oom: boolean): unknown;
  unhealthy(deployment: Deployment, failures: number): unknown;
  recovered(deployment: Deployment): unknown;
}

export interface EcsMonitorContext {
  readonly store: Store;
  readonly logs: LogWriter;
  readonly events: EventBus;
  /** Unseals the project's stored AWS keys; absent: headless (stored keys cannot be used). */
  readonly vault?: SecretVault;
  readonly config: { readonly awsEndpoint: string | null; readonly healthIntervalMs: number; readonly healthTimeoutMs: number; readonly metricsIntervalMs: number };
}

export interface EcsMonitorOptions {
  readonly clients?: (project: ProjectRecord) => AwsClients;
  readonly notifications?: EcsNotifications;
  /** CloudWatch Logs poll cadence (never more than one call per second). */
  readonly logPollIntervalMs?: number;
  /** Stopped-task poll cadence. */
  readonly taskPollIntervalMs?: number;
  /** Set false to drive rounds by `tick` only (tests). */
  readonly timers?: boolean;
}

const LIVE_STATUSES: readonly DeploymentStatus[] = ['running', 'unreachable', 'degraded', 'crashed'];
const cursorKey = (deploymentId: string): string => `ecs.logCursor.${deploymentId}`;
const crashKey = (deploymentId: string): string => `ecs.lastCrashAt.${deploymentId}`;

interface Watch {
  readonly deployment: Deployment;
  readonly settings: ResolvedEcsSettings;
  readonly clients: AwsClients;
  readonly follower: CloudWatchLogFollower;
  readonly reportedTasks: Set<string>;
  readonly timers: NodeJS.Timeout[];
  healthFailures: number;
  unhealthy: boolean;
  lastMetricAt: number;
  /** One round at a time per deployment: crashes, probes and samples never interleave. */
  queue: Promise<void>;
}

export class EcsMonitor implements DeploymentMonitor {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(
    private readonly context: EcsMonitorContext,
    private readonly options: EcsMonitorOptions = {},
  ) {}

  watch(deploymentId: string): void {
    if (this.closed) return;
    const deployment = this.context.store.deployments.get(deploymentId);
    if (!deployment || deployment.target !== 'ecs') return;
    const project = this.context.store.projects.get(deployment.projectId);
    if (!project) return;
    this.unwatch(deploymentId);
    let clients: AwsClients;
    try {
      clients =
        this.options.clients?.(project) ??
        clientsForProject(project, this.context.config.awsEndpoint, storedCredentials(this.context.store.secrets, this.context.vault ?? headlessVault));
    } catch (error) {
      this.context.logs.system(deploymentId, `[MONITOR] ECS monitoring cannot start: ${errorMessage(error)}`);
      return;
    }
    const settings = resolveEcsSettings(project);
    const saved = this.context.store.state.get(cursorKey(deploymentId));
    const follower = new CloudWatchLogFollower({
      logs: clients.logs,
      logGroupName: settings.logGroup,
      logStreamNamePrefix: `${LOG_STREAM_PREFIX}/${settings.containerName}/`,
      cursor: saved ? (JSON.parse(saved) as LogFollowerCursor) : null,
      saveCursor: (cursor) => this.context.store.state.set(cursorKey(deploymentId), JSON.stringify(cursor)),
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
      healthFailures: 0,
      unhealthy: deployment.status === 'unreachable',
      lastMetricAt: 0,
      queue: Promise.resolve(),
    };
    this.watches.set(deploymentId, watch);
    if (this.options.timers === false) return;
    follower.start();
    const every = (ms: number, round: () => Promise<void>): void => {
      watch.timers.push(setInterval(() => void this.enqueue(watch, round), ms));
      void this.enqueue(watch, round);
    };
    every(this.context.config.metricsIntervalMs, () => this.sampleMetrics(watch));
    every(this.options.taskPollIntervalMs ?? 15_000, () => this.checkStoppedTasks(watch));
    if (settings.publicUrl) watch.timers.push(setInterval(() => void this.enqueue(watch, () => this.probeHealth(watch)), this.context.config.healthIntervalMs));
  }

  unwatch(deploymentId: string): void {
    const watch = this.watches.get(deploymentId);
    if (!watch) return;
    this.watches.delete(deploymentId);
    for (const timer of watch.timers) clearInterval(timer);
    void watch.follower.stop().finally(() => watch.queue.finally(() => watch.clients.destroy()));
  }

  async start(): Promise<void> {
    for (const deployment of this.context.store.deployments.list()) {
      if (deployment.target === 'ecs' && LIVE_STATUSES.includes(deployment.status)) this.watch(deployment.id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.watches.values()].map((watch) => watch.follower.stop().then(() => watch.queue));
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    await Promise.allSettled(pending);
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
    if ((all || parts.health) && watch.settings.publicUrl) await this.enqueue(watch, () => this.probeHealth(watch));
    this.context.logs.flush();
  }

  private enqueue(watch: Watch, round: () => Promise<void>): Promise<void> {
    watch.queue = watch.queue.then(round).catch((error: unknown) => log.warn(`ECS monitor round for ${watch.deployment.id} failed: ${errorMessage(error)}`));
    return watch.queue;
  }

  private setDeployment(deploymentId: string, changes: DeploymentChanges): Deployment | undefined {
    const updated = this.context.store.deployments.update(deploymentId, changes);
    if (updated) this.context.events.emit('deploymentUpdated', updated);
    return updated;
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
      this.context.store.metrics.insertSamples(samples);
      watch.lastMetricAt = samples[samples.length - 1]!.sampledAt;
    } else if (!watch.lastMetricAt) {
      watch.lastMetricAt = now - 5 * 60_000;
    }
  }

  private async checkStoppedTasks(watch: Watch): Promise<void> {
    const deploymentId = watch.deployment.id;
    const current = this.context.store.deployments.get(deploymentId);
    if (!current || !LIVE_STATUSES.includes(current.status)) return;
    const lastCrashAt = Number(this.context.store.state.get(crashKey(deploymentId)) ?? 0);
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
      this.setDeployment(deploymentId, { status: 'running' });
    }
  }

  private async reportCrash(watch: Watch, task: StoppedTask): Promise<void> {
    const deploymentId = watch.deployment.id;
    const crash = crashOf(task, watch.settings.containerName);
    // Seed 003: make sure the lines before the crash are stored before saying it crashed.
    await watch.follower.poll().catch((error: unknown) => log.warn(`CloudWatch Logs before a crash of ${deploymentId}: ${errorMessage(error)}`));
    this.context.logs.system(deploymentId, crashLine(crash));
    this.context.logs.system(deploymentId, `[CRASH] ${describeStoppedTask(task)}`);
    if (task.stoppedAt !== null) this.context.store.state.set(crashKey(deploymentId), String(task.stoppedAt));
    const updated = this.setDeployment(deploymentId, { status: 'crashed', lastExitCode: crash.exitCode });
    if (updated) this.options.notifications?.crashed(updated, crash.exitCode, crash.oom);
  }

  private async probeHealth(watch: Watch): Promise<void> {
    const deploymentId = watch.deployment.id;
    const current = this.context.store.deployments.get(deploymentId);
    if (!current || !['running', 'unreachable', 'degraded'].includes(current.status) || !watch.settings.publicUrl) return;
    const url = probeUrl(watch.settings);
    const result = await probe(url, this.context.config.healthTimeoutMs);
    this.context.store.metrics.insertProbe({
      deploymentId,
      probedAt: Date.now(),
      ok: result.ok,
      statusCode: result.statusCode,
      latencyMs: Math.round(result.latencyMs * 10) / 10,
      error: result.error,
    });
    if (result.ok) {
      watch.healthFailures = 0;
      if (watch.unhealthy) {
        watch.unhealthy = false;
        this.context.logs.system(deploymentId, '[HEALTHY] health probe answers again; status running');
        const updated = this.setDeployment(deploymentId, { status: 'running', health: 'healthy' });
        if (updated) this.options.notifications?.recovered(updated);
      } else if (current.health !== 'healthy') {
        this.setDeployment(deploymentId, { health: 'healthy' });
      }
      return;
    }
    watch.healthFailures += 1;
    if (!watch.unhealthy && watch.healthFailures === ECS_FAILURES_BEFORE_UNHEALTHY) {
      watch.unhealthy = true;
      this.context.logs.system(deploymentId, `${ECS_UNHEALTHY_LINE} (last: ${result.error ?? 'failed'})`);
      const updated = this.setDeployment(deploymentId, { status: 'unreachable', health: 'unreachable' });
      if (updated) this.options.notifications?.unhealthy(updated, ECS_FAILURES_BEFORE_UNHEALTHY);
    }
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
