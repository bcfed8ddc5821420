import type { Deployment, MetricSample } from '../../../../shared';
import type { HandlerContext } from './handler-context';
import { notFound } from '../../engine-error';
import type { Handlers } from '../dispatcher';
import { searchLines } from '../../logs/search';
import { DEFAULT_METRIC_POINTS, downsampleMetrics } from '../../monitor/downsample';

type DeploymentHandlers = Pick<
  Handlers,
  'listDeployments' | 'getDeployment' | 'stopDeployment' | 'searchLogs' | 'getMetrics' | 'getHealthProbes'
>;

const THREE_DAYS_MS = 3 * 86_400_000;

export function requireDeployment(engine: HandlerContext, id: string): Deployment {
  const deployment = engine.store.deployments.get(id);
  if (!deployment) throw notFound('deployment', id);
  return deployment;
}

function timeRange(input: { from?: string | undefined; to?: string | undefined }): { from: number; to: number } {
  const to = input.to ? Date.parse(input.to) : Date.now();
  const from = input.from ? Date.parse(input.from) : to - THREE_DAYS_MS;
  return { from, to };
}

type ServiceSeries = { service: string; totalSamples: number; samples: MetricSample[] }[];

/**
 * A stack's series per service (docs/product-rules.md "Compose stacks: services in logs and metrics"), each
 * downsampled on its own, in the order of the stack's services (then any service no longer in it, by name);
 * undefined for a deployment that is neither a stack nor has per-service samples.
 */
function serviceSeries(engine: HandlerContext, deployment: Deployment, range: { from: number; to: number }, points: number, only: readonly string[] | undefined): ServiceSeries | undefined {
  const stored = engine.store.metrics.serviceSamples(deployment.id, range.from, range.to, only);
  if (!deployment.services && stored.length === 0) return undefined;
  const byService = new Map<string, MetricSample[]>();
  for (const service of deployment.services ?? []) if (!only || only.includes(service.name)) byService.set(service.name, []);
  for (const sample of stored) {
    let samples = byService.get(sample.service!);
    if (!samples) byService.set(sample.service!, (samples = []));
    samples.push(sample);
  }
  return [...byService].map(([service, samples]) => ({ service, totalSamples: samples.length, samples: downsampleMetrics(samples, points) }));
}

export function deploymentHandlers(engine: HandlerContext): DeploymentHandlers {
  return {
    listDeployments: () => engine.store.deployments.list(),
    getDeployment: ({ id }) => requireDeployment(engine, id),
    stopDeployment: ({ id, removeVolumes }) => engine.controller.stopDeployment(requireDeployment(engine, id).id, removeVolumes ? { removeVolumes } : {}),
    searchLogs: ({ id, q, regex, caseSensitive, limit, service }) =>
      searchLines(engine.store.db, requireDeployment(engine, id).id, { query: q, regex, caseSensitive, limit, ...(service ? { services: service } : {}) }),
    getMetrics: ({ id, from, to, points, service }) => {
      const deployment = requireDeployment(engine, id);
      const range = timeRange({ from, to });
      const samples = engine.store.metrics.samples(deployment.id, range.from, range.to);
      // About one point per pixel keeps 3 days (8,640 samples per series) smooth to draw.
      const shown = downsampleMetrics(samples, points ?? DEFAULT_METRIC_POINTS);
      const series = { deploymentId: deployment.id, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), totalSamples: samples.length, samples: shown };
      const services = serviceSeries(engine, deployment, range, points ?? DEFAULT_METRIC_POINTS, service);
      return services ? { ...series, services } : series;
    },
    getHealthProbes: ({ id, from, to }) => {
      const deployment = requireDeployment(engine, id);
      const range = timeRange({ from, to });
      return engine.store.metrics.probes(deployment.id, range.from, range.to);
    },
  };
}
