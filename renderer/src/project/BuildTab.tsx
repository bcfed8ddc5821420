import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiError, Project, ScanRecord, ScanTopic } from '../../../shared';
import { effectiveHealthCheck, effectivePort, type Effective } from '../../../shared/effective-settings';
import type { GeneratedDockerfile } from '../../../shared/generated-dockerfile';
import { healthCheckSummary, isZeroConfigShape, scanSummary } from '../../../shared/scan-summary';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import './build-tab.css';

const TOPIC_LABELS: Readonly<Record<ScanTopic, string>> = {
  listing: 'Files',
  shape: 'Shape',
  runtime: 'Runtime',
  version: 'Version',
  packageManager: 'Package manager',
  install: 'Install',
  build: 'Build',
  start: 'Start',
  outputDir: 'Output directory',
  port: 'Port',
  healthPath: 'Health route',
};

type Loaded<T> = { readonly state: 'loading' } | { readonly state: 'loaded'; readonly value: T } | { readonly state: 'failed'; readonly error: ApiError };

/**
 * How Berth builds the project as its folder is now: the scan with every decision's evidence, and for a
 * zero-config project the Dockerfile it generates, with "Save as Dockerfile" (the only way the UI writes
 * into the folder).
 */
export function BuildTab({ project }: { project: Project }) {
  const api = useApi();
  const headingId = useId();
  const [scan, setScan] = useState<Loaded<ScanRecord>>({ state: 'loading' });
  const [dockerfile, setDockerfile] = useState<Loaded<GeneratedDockerfile> | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<readonly string[] | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const scanned = await api.request('getProjectScan', { id: project.id });
    if (!scanned.ok) return setScan({ state: 'failed', error: scanned.error });
    setScan({ state: 'loaded', value: scanned.value });
    if (!isZeroConfigShape(scanned.value)) return setDockerfile(null);
    const generated = await api.request('getProjectDockerfile', { id: project.id });
    setDockerfile(generated.ok ? { state: 'loaded', value: generated.value } : { state: 'failed', error: generated.error });
  }, [api, project.id]);

  // Read again whenever the project changes (an edit of its build settings, a save from elsewhere).
  useEffect(() => void load(), [load, project]);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    const result = await api.request('ejectProject', { id: project.id });
    setSaving(false);
    if (!result.ok) return setSaveError(result.error);
    setSaved(result.value.written);
    void load();
  };

  return (
    <section className="build-tab" aria-labelledby={headingId}>
      <h3 id={headingId}>How Berth builds {project.name}</h3>
      {saved ? (
        <div className="notice" data-tone="good" role="status">
          <p>
            Saved {saved.join(' and ')}. {project.name} now builds from its own Dockerfile: edit it as you like, and the next deploy uses it.
          </p>
        </div>
      ) : null}
      {scan.state === 'loading' ? <p className="muted">Reading the project's folder…</p> : null}
      {scan.state === 'failed' ? <ErrorNotice action="Could not read the project's folder." error={scan.error} /> : null}
      {scan.state === 'loaded' ? <ScanDetails project={project} scan={scan.value} /> : null}
      {dockerfile?.state === 'failed' ? <ErrorNotice action="Could not show the generated Dockerfile." error={dockerfile.error} /> : null}
      {dockerfile?.state === 'loaded' ? (
        <section className="panel generated-dockerfile" aria-label="Generated Dockerfile">
          <div className="panel-heading">
            <h4>Generated Dockerfile</h4>
            <button type="button" className="button primary push-right" onClick={() => void save()} disabled={saving} aria-describedby={`${headingId}-save-hint`}>
              {saving ? 'Saving…' : 'Save as Dockerfile'}
            </button>
          </div>
          <p className="field-hint" id={`${headingId}-save-hint`}>
            Berth builds with this file and prints it in the build log, but writes nothing into {project.sourceDir} by itself. Saving writes it there as Dockerfile (and a
            .dockerignore when there is none); from then on the project builds from that file.
          </p>
          {saveError ? <ErrorNotice action="Could not save the Dockerfile." error={saveError} onDismiss={() => setSaveError(null)} /> : null}
          <ul className="base-image-list" aria-label="Base images">
            {dockerfile.value.baseImages.map((choice) => (
              <li key={choice.role}>
                <span className="mono">{choice.image}</span>
                <span className="muted"> · {choice.evidence}</span>
              </li>
            ))}
          </ul>
          {/* Focusable so the keyboard can scroll it; named for screen readers. */}
          <pre className="dockerfile-text mono" tabIndex={0} role="region" aria-label="Dockerfile text">
            {dockerfile.value.text}
          </pre>
        </section>
      ) : null}
    </section>
  );
}

/** Where a value the deploy uses comes from, when it is not the scan's. */
function sourceNote(effective: Effective<unknown>): string {
  return effective.source === 'settings' ? ' (your setting)' : effective.source === 'default' ? ' (default)' : '';
}

function ScanDetails({ project, scan }: { project: Project; scan: ScanRecord }) {
  // What a deploy uses: the project's settings, else the scan, by the rule the targets apply.
  const port = effectivePort(project.settings, scan);
  const healthCheck = effectiveHealthCheck(project.settings, scan);
  return (
    <>
      <dl className="build-summary">
        <dt>Shape</dt>
        <dd className="mono">{scanSummary(scan)}</dd>
        {scan.shape !== null ? (
          <>
            <dt>Port</dt>
            <dd>
              {port.value}, passed as PORT{sourceNote(port)}
            </dd>
            <dt>Health check</dt>
            <dd>
              {healthCheckSummary(healthCheck.value)}
              {sourceNote(healthCheck)}
            </dd>
          </>
        ) : null}
      </dl>
      {scan.refusal ? (
        <div className="notice" data-tone="warn" role="note">
          <p>Berth cannot deploy this folder as it is yet. {scan.refusal.message}</p>
        </div>
      ) : null}
      {scan.shape === 'existing_docker' ? <p>It builds from its own {scan.dockerfile ?? 'Dockerfile'}; Berth generates no Dockerfile for it.</p> : null}
      {scan.shape === 'prebuilt_image' ? <p>It deploys the image {scan.image} as it is; nothing is built.</p> : null}
      {scan.decisions.length > 0 ? (
        <table className="scan-table" aria-label="What Berth detected, and why">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Decided</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {scan.decisions.map((decision, index) => (
              <tr key={`${decision.topic}-${index}`}>
                <th scope="row">{TOPIC_LABELS[decision.topic]}</th>
                <td className="mono">{decision.value ?? 'none'}</td>
                <td>
                  {decision.evidence}
                  {decision.source === 'detected' ? null : <span className="tag">{decision.source === 'override' ? 'your setting' : 'default'}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
