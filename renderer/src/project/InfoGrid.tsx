import type { Deployment, Project, Release } from '../../../shared';
import { formatTime, shortId } from '../common/format';

function Item({ label, children, title }: { label: string; children: React.ReactNode; title?: string | undefined }) {
  return (
    <div className="info-item">
      <dt>{label}</dt>
      <dd title={title}>{children}</dd>
    </div>
  );
}

/** The address users open: the target's public URL, or the published loopback port for Docker. */
export function publicUrlOf(deployment: Deployment | null): string | null {
  if (!deployment) return null;
  if (deployment.publicUrl) return deployment.publicUrl;
  if (deployment.target === 'docker' && deployment.hostPort !== null) return `http://127.0.0.1:${deployment.hostPort}`;
  return null;
}

/** Seed 003's info grid, live from deploymentUpdated. */
export function InfoGrid({ project, deployment, currentRelease }: { project: Project; deployment: Deployment | null; currentRelease: Release | null }) {
  const url = publicUrlOf(deployment);
  const ecs = project.settings.ecs;
  return (
    <dl className="info-grid" aria-label="Deployment details">
      <Item label="Public URL">
        {url ? (
          <a href={url} target="_blank" rel="noreferrer noopener">
            {url}
          </a>
        ) : (
          '—'
        )}
      </Item>
      <Item label="Host port">{deployment?.hostPort ?? '—'}</Item>
      {project.target === 'docker' ? (
        <Item label="Container ID" title={deployment?.containerId ?? undefined}>
          <span className="mono">{shortId(deployment?.containerId)}</span>
        </Item>
      ) : (
        <Item label="Task" title={deployment?.taskArn ?? undefined}>
          <span className="mono ellipsis">{deployment?.taskArn?.split('/').pop() ?? '—'}</span>
        </Item>
      )}
      <Item label="Image" title={deployment?.imageRef ?? undefined}>
        <span className="mono ellipsis">{deployment?.imageRef ?? '—'}</span>
      </Item>
      <Item label="Deployment ID">
        <span className="mono">{deployment?.id ?? '—'}</span>
      </Item>
      <Item label="Created">{formatTime(deployment?.createdAt)}</Item>
      <Item label="Started">{formatTime(deployment?.startedAt)}</Item>
      <Item label="Last exit code">
        <span className="mono" data-tone={deployment?.lastExitCode ? 'bad' : undefined}>
          {deployment?.lastExitCode ?? '—'}
        </span>
      </Item>
      {project.target === 'ecs' ? (
        <>
          <Item label="Cluster">{ecs?.cluster ?? '—'}</Item>
          <Item label="Service">{ecs?.service ?? '—'}</Item>
          <Item label="Task definition" title={currentRelease?.taskDefinitionArn ?? undefined}>
            <span className="mono ellipsis">{currentRelease?.taskDefinitionArn?.split('/').pop() ?? '—'}</span>
          </Item>
          <Item label="Region">{ecs?.region ?? '—'}</Item>
        </>
      ) : null}
    </dl>
  );
}
