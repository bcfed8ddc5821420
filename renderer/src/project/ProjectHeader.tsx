import type { Deployment, Project } from '../../../shared';
import { StatusBadge } from '../common/StatusBadge';
import { routeHref } from '../routing/use-hash-route';
import { targetLabel } from '../projects/target-label';

/** The header: name, slug, target, status badge and Stop. */
export function ProjectHeader({ project, deployment, stopping, onStop }: { project: Project; deployment: Deployment | null; stopping: boolean; onStop: () => void }) {
  // Only something that holds a container or task (or, on S3, a published release) can be stopped; a failed first deploy holds nothing.
  const canStop = deployment !== null && deployment.status !== 'stopped' && (deployment.containerId !== null || deployment.taskArn !== null || (deployment.target === 's3' && deployment.currentReleaseId !== null));
  return (
    <header className="project-header">
      <div className="project-title">
        <h2>{project.name}</h2>
        <span className="mono muted" aria-label="Slug">
          {project.slug}
        </span>
        <span className="tag" aria-label="Target">
          {targetLabel(project.target)}
        </span>
        {deployment ? <StatusBadge status={deployment.status} label="Deployment status" /> : <span className="badge" data-tone="neutral">Not deployed</span>}
        {deployment && deployment.health !== 'unknown' ? (
          <span className="muted" aria-label="Health">
            health: {deployment.health}
          </span>
        ) : null}
      </div>
      <div className="project-header-actions">
        <a className="button subtle" href={routeHref({ name: 'edit-project', projectId: project.id })}>
          Settings
        </a>
        <button type="button" className="button danger" disabled={!canStop || stopping} onClick={onStop} title={!canStop ? 'Nothing is running.' : project.target === 's3' ? 'Mark the deployment stopped: the site stays published on S3 (delete its objects to take it down).' : 'Stop the deployment: SIGTERM, then SIGKILL after the grace period, then remove the container.'}>
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      </div>
    </header>
  );
}
