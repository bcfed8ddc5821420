import { useCallback, useEffect, useState } from 'react';
import type { ApiError, RunDetail, Step } from '../../../shared';
import { useApi } from '../api/api-context';
import { useCommands } from '../commands/commands-context';
import { CrashCard } from '../analysis/CrashCard';
import { ErrorNotice } from '../common/ErrorNotice';
import { useEngineEvent } from '../common/use-event';
import { HistoryTab } from '../history/HistoryTab';
import { LogViewer, type LogJumpTarget } from '../logs/LogViewer';
import { scheduleChartWarmUp } from '../metrics/chart-warm-up';
import { MetricsPanel } from '../metrics/MetricsPanel';
import type { ProjectRoute } from '../routing/route';
import { RouteLink, useGo } from '../routing/RouteLink';
import { BuildTab } from './BuildTab';
import { DeployActions } from './DeployActions';
import { FailureCard } from './FailureCard';
import { isFresherRun } from './freshness';
import { InfoGrid } from './InfoGrid';
import { latestScanOf } from './info-grid-format';
import { ProjectHeader } from './ProjectHeader';
import { projectCommands } from './project-commands';
import { ProjectTabs, TAB_NAMES, type TabName } from './ProjectTabs';
import { ServicesPanel } from './ServicesPanel';
import { isActiveRun, StepsPanel, type RunControlHandlers } from './StepsPanel';
import { useProjectState } from './use-project-state';

type Busy = 'deploy' | 'rollback' | 'pause' | 'resume' | 'stop' | 'stop-deployment' | null;

/** Where a link's deployment stands: checked to be one of this project's before its log is shown. */
type LinkedDeployment = { readonly status: 'checking' } | { readonly status: 'ok'; readonly id: string } | { readonly status: 'refused'; readonly problem: string };

/**
 * One project: the header and info grid, the run with its steps, and the Logs / Metrics / History tabs.
 * `link` is the route, which may name a deployment and a line (docs/product-rules.md, "Links to a log line").
 */
export function ProjectView({ projectId, link }: { projectId: string; link?: ProjectRoute }) {
  const api = useApi();
  const state = useProjectState(projectId);
  const { project, deployment, runs, latestRun, releases, acceptRun, acceptDeployment } = state;
  const [tab, setTab] = useState<TabName>('logs');
  const [jumpTo, setJumpTo] = useState<LogJumpTarget | null>(null);
  const [linked, setLinked] = useState<LinkedDeployment | null>(null);
  const linkedDeploymentId = link?.deploymentId;
  const linkedLineNo = link?.lineNo;
  const [viewedRunId, setViewedRunId] = useState<string | null>(null);
  const [pinnedRun, setPinnedRun] = useState<RunDetail | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [actionError, setActionError] = useState<{ action: string; error: ApiError } | null>(null);

  useEffect(() => {
    document.title = project ? `${project.name} — Berth` : 'Berth';
  }, [project]);
  // The metrics tab's first render then runs warm.
  useEffect(scheduleChartWarmUp, []);

  // A link's deployment is shown only when it belongs to this project (a deployment of another project, or one deleted, is not).
  useEffect(() => {
    if (!linkedDeploymentId) return setLinked(null);
    setLinked({ status: 'checking' });
    let current = true;
    void api.request('getDeployment', { id: linkedDeploymentId }).then((result) => {
      if (!current) return;
      if (result.ok && result.value.projectId === projectId) setLinked({ status: 'ok', id: result.value.id });
      else
        setLinked({
          status: 'refused',
          problem: result.ok ? `deployment ${linkedDeploymentId} belongs to another project` : `deployment ${linkedDeploymentId} is not stored any more (${result.error.message})`,
        });
    });
    return () => {
      current = false;
    };
  }, [api, projectId, linkedDeploymentId]);

  // Then the viewer goes to the linked line, marked (the same jump as a search hit's).
  useEffect(() => {
    if (linked?.status !== 'ok' || linkedLineNo === undefined) return;
    setTab('logs');
    setJumpTo({ lineNo: linkedLineNo, label: 'linked', nonce: Date.now() });
  }, [linked, linkedLineNo]);

  // A run picked from History stays in the steps panel, live, until "Show latest run".
  useEffect(() => {
    if (!viewedRunId) return setPinnedRun(null);
    void api.request('getRun', { id: viewedRunId }).then((result) => {
      if (result.ok) setPinnedRun(result.value);
      else setActionError({ action: 'Could not load that run.', error: result.error });
    });
  }, [api, viewedRunId]);
  useEngineEvent('runUpdated', (run) => {
    if (run.id === viewedRunId) setPinnedRun((current) => (isFresherRun(current, run) ? run : current));
  });

  const shownRun = viewedRunId ? (pinnedRun?.id === viewedRunId ? pinnedRun : null) : latestRun;
  const runActive = isActiveRun(latestRun);

  const perform = useCallback(
    async <T,>(kind: Exclude<Busy, null>, action: string, call: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>, onDone: (value: T) => void) => {
      setBusy(kind);
      setActionError(null);
      const result = await call();
      setBusy(null);
      if (result.ok) onDone(result.value);
      else setActionError({ action, error: result.error });
    },
    [],
  );

  const deploy = () => {
    if (!project) return;
    void perform('deploy', deployment ? 'Could not start the redeploy.' : 'Could not start the deploy.', () => api.request('deploy', { id: project.id }), (value) => {
      setViewedRunId(null);
      acceptDeployment(value.deployment);
      acceptRun(value.run);
    });
  };

  // The palette's "This project" commands (Ctrl/Cmd+K).
  const go = useGo();
  useCommands(() =>
    project
      ? projectCommands({
          project,
          hasDeployment: deployment !== null,
          deployBlocked: runActive ? 'a run is in progress' : busy ? 'an action is under way' : null,
          tabs: TAB_NAMES,
          onDeploy: deploy,
          onShowTab: setTab,
          onOpenSettings: () => go({ name: 'edit-project', projectId }),
        })
      : [],
  );

  const jumpToLine = (lineNo: number) => {
    setTab('logs');
    setJumpTo({ lineNo, nonce: Date.now() });
  };

  if (state.loadError && !project) {
    return (
      <section className="page">
        <p>
          <RouteLink to={{ name: 'projects' }}>← Projects</RouteLink>
        </p>
        <ErrorNotice action="Could not open this project." error={state.loadError} />
      </section>
    );
  }
  if (!project) return <p className="page muted">Loading project…</p>;

  const controls: RunControlHandlers = {
    busy: busy === 'pause' || busy === 'resume' || busy === 'stop' ? busy : null,
    onPause: () => shownRun && void perform('pause', 'Could not pause the run.', () => api.request('pauseRun', { id: shownRun.id }), acceptRun),
    onResume: () => shownRun && void perform('resume', 'Could not resume the run.', () => api.request('resumeRun', { id: shownRun.id }), acceptRun),
    onStop: () => shownRun && void perform('stop', 'Could not stop the run.', () => api.request('stopRun', { id: shownRun.id }), acceptRun),
  };

  const openStep = (step: Step) => {
    setTab('logs');
    if (step.firstLineNo !== null) setJumpTo({ lineNo: step.firstLineNo, nonce: Date.now() });
  };

  const currentRelease = releases.find((release) => release.current) ?? null;
  const linkChecking = linked?.status === 'checking';
  const logDeploymentId = linked?.status === 'ok' ? linked.id : (deployment?.id ?? shownRun?.deploymentId ?? null);
  // The log's deployment is a Compose stack: its services tag and filter the lines (the viewer compares names, not arrays).
  const stackServiceNames = deployment && deployment.id === logDeploymentId ? (deployment.services ?? []).map((service) => service.name) : [];
  const linkProblem = link?.linkProblem ?? (linked?.status === 'refused' ? linked.problem : null);

  return (
    <section className="page project-view" aria-label={`Project ${project.name}`}>
      <p className="breadcrumb">
        <RouteLink to={{ name: 'projects' }}>← Projects</RouteLink>
      </p>
      <ProjectHeader
        project={project}
        deployment={deployment}
        stopping={busy === 'stop-deployment'}
        onStop={() => deployment && void perform('stop-deployment', 'Could not stop the deployment.', () => api.request('stopDeployment', { id: deployment.id }), acceptDeployment)}
      />
      {state.loadError ? <ErrorNotice action="Part of this project did not load." error={state.loadError} /> : null}
      <InfoGrid project={project} deployment={deployment} currentRelease={currentRelease} scan={latestScanOf(runs)} />
      <DeployActions
        hasDeployment={deployment !== null}
        runActive={runActive}
        releases={releases}
        busy={busy === 'deploy' || busy === 'rollback' ? busy : null}
        onDeploy={deploy}
        onRollback={(releaseId) =>
          void perform('rollback', 'Could not start the rollback.', () => api.request('rollback', { id: project.id, releaseId }), (value) => {
            setViewedRunId(null);
            acceptRun(value.run);
          })
        }
      />
      {linkProblem ? (
        <p className="notice" role="status" data-testid="link-notice">
          The link’s line was not opened: {linkProblem}. The project is shown as usual.
        </p>
      ) : null}
      {actionError ? <ErrorNotice action={actionError.action} error={actionError.error} onDismiss={() => setActionError(null)} /> : null}
      {deployment?.status === 'crashed' ? <CrashCard deployment={deployment} /> : null}
      {deployment?.services && deployment.services.length > 0 ? <ServicesPanel services={deployment.services} /> : null}
      {shownRun ? (
        <div className="run-area">
          <StepsPanel run={shownRun} isLatest={shownRun.id === latestRun?.id} controls={controls} onOpenStep={openStep} onShowLatest={() => setViewedRunId(null)} />
          {shownRun.status === 'failed' && shownRun.failure ? <FailureCard runId={shownRun.id} failure={shownRun.failure} onShowEvidence={jumpToLine} /> : null}
        </div>
      ) : (
        <p className="muted">No runs yet. Press Deploy to build and start this project.</p>
      )}
      <ProjectTabs selected={tab} onSelect={setTab}>
        {tab === 'logs' ? (
          linkChecking ? (
            <p className="muted">Opening the linked log…</p>
          ) : logDeploymentId ? (
            <LogViewer projectId={projectId} deploymentId={logDeploymentId} run={shownRun} jumpTo={jumpTo} services={stackServiceNames} />
          ) : (
            <p className="muted">Logs appear here once the project has been deployed.</p>
          )
        ) : null}
        {tab === 'metrics' ? (
          logDeploymentId ? (
            <MetricsPanel
              deploymentId={logDeploymentId}
              onJumpToTime={(ts) => {
                setTab('logs');
                setJumpTo({ ts, nonce: Date.now() });
              }}
            />
          ) : (
            <p className="muted">Metrics appear here once the project has been deployed.</p>
          )
        ) : null}
        {tab === 'history' ? <HistoryTab runs={runs} releases={releases} viewedRunId={shownRun?.id ?? null} onViewRun={(runId) => setViewedRunId(runId === latestRun?.id ? null : runId)} /> : null}
        {tab === 'build' ? <BuildTab project={project} /> : null}
      </ProjectTabs>
    </section>
  );
}
