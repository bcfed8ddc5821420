import { useCallback, useState } from 'react';
import { isFinishedRun, type ApiError, type Deployment, type Project, type Release, type Run, type RunDetail } from '../../../shared';
import { useApi } from '../api/api-context';
import { useEngineEvent } from '../common/use-event';
import { useLoadAndRefreshOnFocus } from '../common/use-load';
import { newestFirst } from '../history/run-history';
import { isFresherDeployment, isFresherRun } from './freshness';

export interface ProjectState {
  readonly project: Project | null;
  /** The deployment on the project's current target; null until the first deploy. */
  readonly deployment: Deployment | null;
  /** Every run, newest first. */
  readonly runs: readonly Run[];
  /** The newest run with its steps: what the steps panel follows live. */
  readonly latestRun: RunDetail | null;
  readonly releases: readonly Release[];
  readonly loadError: ApiError | null;
  readonly loading: boolean;
}


function pickDeployment(deployments: readonly Deployment[], project: Project): Deployment | null {
  const mine = deployments.filter((deployment) => deployment.projectId === project.id);
  return mine.find((deployment) => deployment.target === project.target) ?? mine[0] ?? null;
}

/**
 * Everything the project view shows, loaded once and then kept fresh from engine events
 * (deploymentUpdated, runUpdated, projectsChanged) rather than by polling.
 */
export function useProjectState(projectId: string) {
  const api = useApi();
  const [state, setState] = useState<ProjectState>({ project: null, deployment: null, runs: [], latestRun: null, releases: [], loadError: null, loading: true });

  const loadReleases = useCallback(async () => {
    const result = await api.request('listReleases', { id: projectId });
    if (result.ok) setState((current) => ({ ...current, releases: result.value }));
  }, [api, projectId]);

  const load = useCallback(async () => {
    const projectResult = await api.request('getProject', { id: projectId });
    if (!projectResult.ok) {
      // A removed project leaves nothing to show; other errors keep what is on screen.
      const gone = projectResult.error.code === 'NOT_FOUND';
      return setState((current) => ({ ...current, ...(gone ? { project: null, deployment: null, latestRun: null } : {}), loadError: projectResult.error, loading: false }));
    }
    const project = projectResult.value;
    const [deploymentsResult, runsResult, releasesResult] = await Promise.all([
      api.request('listDeployments', {}),
      api.request('listRuns', { id: project.id }),
      api.request('listReleases', { id: project.id }),
    ]);
    const runs = runsResult.ok ? newestFirst(runsResult.value) : [];
    const newest = runs[0];
    const latestResult = newest ? await api.request('getRun', { id: newest.id }) : null;
    const deployment = deploymentsResult.ok ? pickDeployment(deploymentsResult.value, project) : null;
    const latestRun = latestResult?.ok ? latestResult.value : null;
    // Events that arrived while this was loading may be newer than what was read.
    setState((current) => ({
      project,
      deployment: deployment && current.deployment && !isFresherDeployment(current.deployment, deployment) ? current.deployment : deployment,
      runs,
      latestRun: latestRun && current.latestRun && !isFresherRun(current.latestRun, latestRun) ? current.latestRun : latestRun,
      releases: releasesResult.ok ? releasesResult.value : [],
      loadError: [deploymentsResult, runsResult, releasesResult].find((result) => !result.ok)?.error ?? null,
      loading: false,
    }));
  }, [api, projectId]);

  useLoadAndRefreshOnFocus(load);

  useEngineEvent('projectsChanged', ({ projectId: changed }) => {
    if (changed === null || changed === projectId || changed === state.project?.id) void load();
  });

  useEngineEvent('deploymentUpdated', (deployment) => {
    setState((current) => {
      if (!current.project || deployment.projectId !== current.project.id) return current;
      if (current.deployment && current.deployment.id !== deployment.id && deployment.target !== current.project.target) return current;
      if (!isFresherDeployment(current.deployment, deployment)) return current;
      return { ...current, deployment };
    });
  });

  const acceptRun = useCallback(
    (run: RunDetail) => {
      setState((current) => {
        if (!current.project || run.projectId !== current.project.id) return current;
        if (!isFresherRun(current.latestRun, run)) return current;
        const { steps: _steps, ...summary } = run;
        const runs = newestFirst([summary, ...current.runs.filter((candidate) => candidate.id !== run.id)]);
        const isLatest = runs[0]?.id === run.id;
        return { ...current, runs, latestRun: isLatest ? run : current.latestRun };
      });
      if (isFinishedRun(run.status)) void loadReleases();
    },
    [loadReleases],
  );

  useEngineEvent('runUpdated', acceptRun);

  const acceptDeployment = useCallback(
    (deployment: Deployment) => setState((current) => (isFresherDeployment(current.deployment, deployment) ? { ...current, deployment } : current)),
    [],
  );

  return { ...state, reload: load, acceptRun, acceptDeployment };
}
