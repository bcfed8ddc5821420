// Takes one-shot stats of every live watched container on a timer and stores a metric sample each.
// CPU% comes from two readings of our own: Docker's one-shot stats carry no previous reading.
import type Dockerode from 'dockerode';
import { isLiveDeployment } from '../../../shared';
import type { DeploymentsPort } from '../context';
import { withDockerTimeout } from '../docker/call';
import { errorText } from '../engine-error';
import { createLogger } from '../logger';
import type { MetricRepository, NewMetricSample } from '../store/metrics';
import { cpuPercent, cpuReading, memoryMb, type ContainerStats, type CpuReading } from './cpu';

const log = createLogger('monitor/metrics');

export interface MetricsSamplerOptions {
  readonly docker: Dockerode;
  readonly deployments: Pick<DeploymentsPort, 'get'>;
  readonly samples: Pick<MetricRepository, 'insertSamples'>;
}

interface Sampled {
  readonly deploymentId: string;
  readonly containerId: string;
  /** A Compose stack's service (its samples carry it; the stack's total is their sum). */
  readonly service: string | null;
  cpu: CpuReading | null;
}

const stackKey = (deploymentId: string, service: string): string => `${deploymentId}\u0000${service}`;

export class MetricsSampler {
  private readonly sampled = new Map<string, Sampled>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  private closed = false;

  constructor(private readonly options: MetricsSamplerOptions) {}

  watch(deploymentId: string, containerId: string): void {
    this.sampled.set(deploymentId, { deploymentId, containerId, service: null, cpu: null });
  }

  /** A Compose stack: one sample per service's container, plus the deployment's total (their sum). */
  watchStack(deploymentId: string, containers: ReadonlyArray<{ readonly service: string; readonly containerId: string }>): void {
    this.unwatch(deploymentId);
    for (const { service, containerId } of containers) this.sampled.set(stackKey(deploymentId, service), { deploymentId, containerId, service, cpu: null });
  }

  unwatch(deploymentId: string): void {
    for (const [key, sampled] of this.sampled) if (sampled.deploymentId === deploymentId) this.sampled.delete(key);
  }

  /** The container restarted: its CPU counters start again, so the next reading is a first one. */
  reset(deploymentId: string): void {
    for (const sampled of this.sampled.values()) if (sampled.deploymentId === deploymentId) sampled.cpu = null;
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.sampleAll(), intervalMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Takes one sample of every live watched container; one transaction for all of them. Returns how many were stored. */
  async sampleAll(): Promise<number> {
    if (this.sampling || this.closed) return 0;
    this.sampling = true;
    try {
      const samples: NewMetricSample[] = [];
      await Promise.all(
        [...this.sampled.values()].map(async (sampled) => {
          const deployment = this.options.deployments.get(sampled.deploymentId);
          if (!deployment || !isLiveDeployment(deployment.status)) return;
          const sample = await this.sample(sampled.deploymentId, sampled);
          if (sample) samples.push(sample);
        }),
      );
      samples.push(...stackTotals(samples));
      if (samples.length === 0 || this.closed) return 0;
      try {
        this.options.samples.insertSamples(samples);
      } catch (error) {
        // A full disk, say: this round's samples are lost, the next round tries again.
        log.warn(`${samples.length} metric samples could not be stored`, errorText(error));
        return 0;
      }
      return samples.length;
    } finally {
      this.sampling = false;
    }
  }

  private async sample(deploymentId: string, sampled: Sampled): Promise<NewMetricSample | null> {
    try {
      const container = this.options.docker.getContainer(sampled.containerId);
      const stats = (await withDockerTimeout(container.stats({ stream: false, 'one-shot': true } as { stream: false }), 'stats')) as ContainerStats;
      const at = Date.now();
      const reading = cpuReading(stats, at);
      const memory = memoryMb(stats);
      if (!reading || !memory) return null;
      const previous = sampled.cpu;
      sampled.cpu = reading;
      // The first sample has nothing to compare with: CPU% needs two readings.
      if (!previous) return null;
      return { deploymentId, sampledAt: at, cpuPct: cpuPercent(previous, reading), memUsedMb: memory.usedMb, memLimitMb: memory.limitMb, ...(sampled.service ? { service: sampled.service } : {}) };
    } catch (error) {
      log.debug(`no stats for ${deploymentId}`, errorText(error));
      return null;
    }
  }
}

/** A stack's total per round: the sum of its services' samples (CPU%, memory used and limits), stamped with the latest. */
export function stackTotals(samples: readonly NewMetricSample[]): NewMetricSample[] {
  const totals = new Map<string, NewMetricSample>();
  for (const sample of samples) {
    if (!sample.service) continue;
    const total = totals.get(sample.deploymentId);
    totals.set(
      sample.deploymentId,
      total
        ? { deploymentId: sample.deploymentId, sampledAt: Math.max(total.sampledAt, sample.sampledAt), cpuPct: total.cpuPct + sample.cpuPct, memUsedMb: total.memUsedMb + sample.memUsedMb, memLimitMb: total.memLimitMb + sample.memLimitMb }
        : { deploymentId: sample.deploymentId, sampledAt: sample.sampledAt, cpuPct: sample.cpuPct, memUsedMb: sample.memUsedMb, memLimitMb: sample.memLimitMb },
    );
  }
  return [...totals.values()];
}
