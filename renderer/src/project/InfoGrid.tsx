import type { Deployment, Project, Release, ScanRecord } from '../../../shared';
import { formatTime, shortId } from '../common/format';
import { healthCheckLine, shapeLine } from './info-grid-format';

/** Monospace for ids and refs, but a plain dash when there is nothing to show. */
function Code({ value, ellipsis }: { value: string | number | null | undefined; ellipsis?: boolean }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  return <span className={ellipsis ? 'mono ellipsis' : 'mono'}>{value}</span>;
}

function Item({ label, children, title, wide }: { label: string; children: React.ReactNode; title?: string | undefined; wide?: boolean }) {
  return (
    <div className={wide ? 'info-item wide' : 'info-item'}>
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

/** The info grid, live from deploymentUpdated and runUpdated; `scan` is the latest run's. */
export function InfoGrid({ project, deployment, currentRelease, scan }: { project: Project; deployment: Deployment | null; currentRelease: Release | null; scan: ScanRecord | null }) {
  const url = publicUrlOf(deployment);
  const ecs = project.settings.ecs;
  const s3 = project.settings.s3;
  const shape = shapeLine(scan);
  const healthCheck = healthCheckLine(deployment?.healthCheck ?? null);
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
      {project.target === 's3' ? (
        <>
          <Item label="Bucket">
            <Code value={s3?.bucket} />
          </Item>
          <Item label="Prefix">
            <Code value={s3 ? s3.prefix ?? '(bucket root)' : null} />
          </Item>
          <Item label="Region">{s3?.region ?? '—'}</Item>
          <Item label="Website hosting">{s3?.website ? `on (index ${s3.website.indexDocument}${s3.website.errorDocument ? `, error ${s3.website.errorDocument}` : ''})` : 'off'}</Item>
        </>
      ) : (
        <Item label="Host port">{deployment?.hostPort ?? '—'}</Item>
      )}
      {project.target === 's3' ? null : project.target === 'docker' ? (
        <Item label="Container ID" title={deployment?.containerId ?? undefined}>
          <Code value={deployment?.containerId ? shortId(deployment.containerId) : null} />
        </Item>
      ) : (
        <Item label="Task" title={deployment?.taskArn ?? undefined}>
          <Code value={deployment?.taskArn?.split('/').pop()} ellipsis />
        </Item>
      )}
      <Item label={project.target === 's3' ? 'Site files' : 'Image'} title={deployment?.imageRef ?? undefined}>
        <Code value={deployment?.imageRef} ellipsis />
      </Item>
      <Item label="Deployment ID">
        <Code value={deployment?.id} />
      </Item>
      <Item label="Created">{formatTime(deployment?.createdAt)}</Item>
      <Item label="Started">{formatTime(deployment?.startedAt)}</Item>
      {project.target === 's3' ? null : (
        <Item label="Last exit code">
          <span data-tone={deployment?.lastExitCode ? 'bad' : undefined}>
            <Code value={deployment?.lastExitCode} />
          </span>
        </Item>
      )}
      {project.target === 'ecs' ? (
        <>
          <Item label="Cluster">{ecs?.cluster ?? '—'}</Item>
          <Item label="Service">{ecs?.service ?? '—'}</Item>
          <Item label="Task definition" title={currentRelease?.taskDefinitionArn ?? undefined}>
            <Code value={currentRelease?.taskDefinitionArn?.split('/').pop()} ellipsis />
          </Item>
          <Item label="Region">{ecs?.region ?? '—'}</Item>
        </>
      ) : null}
      <Item label="Shape" title={scan?.refusal?.message ?? shape ?? undefined} wide>
        {shape ? <span className="mono ellipsis">{shape}</span> : '—'}
      </Item>
      <Item label="Health check" wide>
        {healthCheck ?? '—'}
      </Item>
    </dl>
  );
}
