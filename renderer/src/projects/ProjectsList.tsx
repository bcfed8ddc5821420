import { useCallback, useState } from 'react';
import type { ApiError, Deployment, Project } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { StatusBadge } from '../common/StatusBadge';
import { useEngineEvent } from '../common/use-event';
import { useLoadAndRefreshOnFocus } from '../common/use-load';
import { RouteLink } from '../routing/RouteLink';
import { routeHref } from '../routing/use-hash-route';
import { targetLabel } from './target-label';

/** The end of a long path is the part that tells projects apart. */
function pathTail(path: string, max = 40): string {
  return path.length > max ? `…${path.slice(path.length - max + 1)}` : path;
}

/** The app's home: every project, with the live status of its deployment. */
export function ProjectsList() {
  const api = useApi();
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [deployments, setDeployments] = useState<ReadonlyMap<string, Deployment>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const [projectResult, deploymentResult] = await Promise.all([api.request('listProjects', {}), api.request('listDeployments', {})]);
    if (!projectResult.ok) return setError(projectResult.error);
    setError(null);
    setProjects(projectResult.value);
    if (deploymentResult.ok) setDeployments(new Map(deploymentResult.value.map((deployment) => [deployment.id, deployment])));
  }, [api]);

  useLoadAndRefreshOnFocus(load);
  useEngineEvent('projectsChanged', () => void load());
  useEngineEvent('deploymentUpdated', (deployment) => setDeployments((current) => new Map(current).set(deployment.id, deployment)));

  const deploymentOf = (project: Project): Deployment | undefined => {
    const mine = [...deployments.values()].filter((deployment) => deployment.projectId === project.id);
    return mine.find((deployment) => deployment.target === project.target) ?? mine[0];
  };

  return (
    <section className="page" aria-labelledby="projects-heading">
      <div className="page-heading">
        <h2 id="projects-heading">Projects</h2>
        <a className="button primary" href={routeHref({ name: 'new-project' })}>
          Add project
        </a>
      </div>
      {error ? <ErrorNotice action="Could not load the projects." error={error} /> : null}
      {projects === null && !error ? <p className="muted">Loading projects…</p> : null}
      {projects?.length === 0 ? (
        <div className="empty">
          <p>No projects yet.</p>
          <p className="muted">Add a project: point Berth at a folder with a Dockerfile, then deploy it to local Docker or AWS ECS.</p>
        </div>
      ) : null}
      {projects && projects.length > 0 ? (
        <ul className="project-list" aria-label="Projects">
          {projects.map((project) => {
            const deployment = deploymentOf(project);
            return (
              <li key={project.id} className="project-card">
                <div className="project-card-main">
                  <RouteLink className="project-link" to={{ name: 'project', projectId: project.id }}>
                    {project.name}
                  </RouteLink>
                  <span className="muted mono">{project.slug}</span>
                </div>
                <div className="project-card-meta">
                  <span className="tag">{targetLabel(project.target)}</span>
                  {deployment ? <StatusBadge status={deployment.status} label={`${project.name} status`} /> : <span className="muted">Not deployed</span>}
                  <span className="muted mono ellipsis" title={project.sourceDir}>
                    {pathTail(project.sourceDir)}
                  </span>
                  <RouteLink className="button subtle small" to={{ name: 'edit-project', projectId: project.id }} aria-label={`Edit ${project.name}`}>
                    Edit
                  </RouteLink>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
