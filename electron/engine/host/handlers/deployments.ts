import type { Deployment } from '../../../../shared';
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

export function deploymentHandlers(engine: HandlerContext): DeploymentHandlers {
  return {
    listDeployments: () => engine.store.deployments.list(),
    getDeployment: ({ id }) => requireDeployment(engine, id),
    stopDeployment: ({ id, removeVolumes }) => engine.controller.stopDeployment(requireDeployment(engine, id).id, removeVolumes ? { removeVolumes } : {}),
    searchLogs: ({ id, q, regex, caseSensitive, limit }) => searchLines(engine.store.db, requireDeployment(engine, id).id, { query: q, regex, caseSensitive, limit }),
    getMetrics: ({ id, from, to, points }) => {
      const deployment = requireDeployment(engine, id);
      const range = timeRange({ from, to });
      const samples = engine.store.metrics.samples(deployment.id, range.from, range.to);
      // About one point per pixel keeps 3 days (8,640 samples per series) smooth to draw.
      const shown = downsampleMetrics(samples, points ?? DEFAULT_METRIC_POINTS);
      return { deploymentId: deployment.id, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), totalSamples: samples.length, samples: shown };
    },
    getHealthProbes: ({ id, from, to }) => {
      const deployment = requireDeployment(engine, id);
      const range = timeRange({ from, to });
      return engine.store.metrics.probes(deployment.id, range.from, range.to);
    },
  };
}
