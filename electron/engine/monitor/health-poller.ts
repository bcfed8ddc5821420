// Polls each watched deployment's health URL and applies the 3-failure rule: the one poller for Docker
// and ECS deployments alike. What a transition does (the system line, the status, the notification) is
// written once, here.
import { isLiveDeployment, type Deployment, type HealthCheckRule } from '../../../shared';
import type { DeploymentsPort, LogLinesPort } from '../context';
import { FAILURES_BEFORE_UNHEALTHY, HealthRule } from '../health/health-rule';
import { probeHttp } from '../health/probe';
import type { MetricRepository } from '../store/metrics';
import type { DeploymentQueue } from './deployment-queue';
import type { Notifier } from './notifier';

export const UNHEALTHY_LINE = `[UNHEALTHY] health probe failed ${FAILURES_BEFORE_UNHEALTHY} times`;
export const RECOVERED_LINE = '[HEALTHY] health probe answers again; status running';

export interface HealthPollerOptions {
  readonly deployments: DeploymentsPort;
  readonly probes: Pick<MetricRepository, 'insertProbe'>;
  readonly logs: Pick<LogLinesPort, 'system'>;
  readonly notifier: Pick<Notifier, 'unhealthy' | 'recovered'>;
  readonly timeoutMs: number;
  /** The monitor's per-deployment queue: a probe's outcome is applied in turn with crash handling. */
  readonly queue: DeploymentQueue;
}

/** Where a deployment answers its health check right now, and which answers pass; null skips the probe (no port yet, no URL). */
export type HealthTarget = (deployment: Deployment) => { readonly url: string; readonly rule: HealthCheckRule } | null;

interface Polled {
  readonly target: HealthTarget;
  rule: HealthRule;
}

export class HealthPoller {
  private readonly polled = new Map<string, Polled>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(private readonly options: HealthPollerOptions) {}

  /** Starts (or restarts) polling a deployment; one that is `unreachable` already keeps that spell open. */
  watch(deployment: Deployment, target: HealthTarget): void {
    this.polled.set(deployment.id, { target, rule: new HealthRule(deployment.status === 'unreachable') });
  }

  unwatch(deploymentId: string): void {
    this.polled.delete(deploymentId);
  }

  /** Forgets the failure count: the container died or was started again. */
  reset(deploymentId: string): void {
    const polled = this.polled.get(deploymentId);
    if (polled) polled.rule = new HealthRule();
  }

  /** Probes every watched deployment each `intervalMs` (0: only when asked). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), intervalMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** One probe of every watched deployment (a round still in flight is not doubled). */
  async probeAll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      await Promise.all([...this.polled.keys()].map((deploymentId) => this.probe(deploymentId)));
    } finally {
      this.polling = false;
    }
  }

  /** One probe of one deployment, recorded, then the rule's transition applied. */
  async probe(deploymentId: string): Promise<void> {
    const polled = this.polled.get(deploymentId);
    const deployment = this.options.deployments.get(deploymentId);
    if (!polled || !deployment || !isLiveDeployment(deployment.status)) return;
    const target = polled.target(deployment);
    if (target === null) return;
    const result = await probeHttp(target.url, { timeoutMs: this.options.timeoutMs, rule: target.rule });
    if (this.closed || this.polled.get(deploymentId) !== polled) return;
    await this.options.queue.run(deploymentId, async () => {
      const { deployments, logs, notifier } = this.options;
      this.options.probes.insertProbe({ deploymentId, probedAt: Date.now(), ok: result.ok, statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error });
      const current = deployments.get(deploymentId);
      // A crash or stop that landed while the probe was in flight wins.
      if (!current || !isLiveDeployment(current.status)) return;
      switch (polled.rule.record(result.ok)) {
        case 'none':
          return;
        case 'healthy':
          if (current.health !== 'healthy') deployments.update(deploymentId, { health: 'healthy' });
          return;
        case 'unhealthy': {
          logs.system(deploymentId, `${UNHEALTHY_LINE} (last: ${result.error ?? 'failed'})`);
          const updated = deployments.update(deploymentId, { status: 'unreachable', health: 'unreachable' });
          if (updated) notifier.unhealthy(updated, FAILURES_BEFORE_UNHEALTHY);
          return;
        }
        case 'recovered': {
          logs.system(deploymentId, RECOVERED_LINE);
          const updated = deployments.update(deploymentId, { status: 'running', health: 'healthy' });
          if (updated) notifier.recovered(updated);
          return;
        }
      }
    });
  }
}
