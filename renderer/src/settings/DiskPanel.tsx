import { useCallback, useState, type FormEvent } from 'react';
import { LOG_BUDGET_MAX_BYTES, LOG_BUDGET_MIN_BYTES, type ApiError, type DiskUsage } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { formatBytes } from '../common/format';
import { useLoadAndRefreshOnFocus } from '../common/use-load';

const MB = 1024 ** 2;

/** What Berth takes on disk: the database (and its WAL), the log budget, and per project its logs, images and site files. */
export function DiskPanel() {
  const api = useApi();
  const [usage, setUsage] = useState<DiskUsage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    const result = await api.request('getDiskUsage', {});
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    setUsage(result.value);
  }, [api]);
  useLoadAndRefreshOnFocus(load);

  const totals = usage?.projects.reduce(
    (sum, project) => ({ imageBytes: sum.imageBytes + project.imageBytes, artifactBytes: sum.artifactBytes + project.artifactBytes }),
    { imageBytes: 0, artifactBytes: 0 },
  );

  return (
    <section className="settings-panel" aria-labelledby="disk-heading">
      <div className="page-heading">
        <h3 id="disk-heading">Disk</h3>
        <button type="button" className="button subtle small" onClick={() => void load()} disabled={busy}>
          {busy ? 'Measuring…' : 'Refresh'}
        </button>
      </div>
      {error ? <ErrorNotice action="Could not measure the disk usage." error={error} /> : null}
      {usage === null && !error ? <p className="muted">Measuring…</p> : null}
      {usage ? (
        <>
          <dl className="disk-summary" aria-label="Database">
            <div>
              <dt>Database</dt>
              <dd data-testid="disk-database-size">{formatBytes(usage.database.fileBytes + usage.database.walBytes)}</dd>
            </div>
            <div>
              <dt>of which write-ahead log</dt>
              <dd>{formatBytes(usage.database.walBytes)}</dd>
            </div>
            <div>
              <dt>In use (what the log budget counts)</dt>
              <dd>
                {formatBytes(usage.database.usedBytes)} of {formatBytes(usage.logBudgetBytes)}
              </dd>
            </div>
            <div>
              <dt>Images</dt>
              <dd>{usage.images.available ? formatBytes(totals?.imageBytes ?? 0) : 'unknown'}</dd>
            </div>
            <div>
              <dt>Site files</dt>
              <dd data-testid="disk-site-files-size">{formatBytes(totals?.artifactBytes ?? 0)}</dd>
            </div>
          </dl>
          {usage.database.path ? (
            <p className="muted">
              File: <span className="mono">{usage.database.path}</span>
            </p>
          ) : null}
          {!usage.images.available && usage.images.error ? <ErrorNotice action="Image sizes are missing." error={usage.images.error} /> : null}
          <table className="disk-table" aria-label="Disk use per project">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col" className="number">
                  Log lines
                </th>
                <th scope="col" className="number">
                  Log text
                </th>
                <th scope="col" className="number">
                  Images
                </th>
                <th scope="col" className="number">
                  Image size
                </th>
                <th scope="col" className="number">
                  Site files
                </th>
              </tr>
            </thead>
            <tbody>
              {usage.projects.map((project) => (
                <tr key={project.projectId} data-testid={`disk-row-${project.slug}`}>
                  <th scope="row">{project.name}</th>
                  <td className="number">{project.logLines.toLocaleString()}</td>
                  <td className="number">{formatBytes(project.logBytes)}</td>
                  <td className="number">{usage.images.available ? project.imageCount : '—'}</td>
                  <td className="number">{usage.images.available ? formatBytes(project.imageBytes) : '—'}</td>
                  <td className="number" title={project.artifactCount > 0 ? releasesKept(project.artifactCount) : undefined}>
                    {formatBytes(project.artifactBytes)}
                  </td>
                </tr>
              ))}
              {usage.projects.length === 0 ? (
                <tr>
                  <td colSpan={6} className="muted">
                    No projects yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <p className="muted">
            Log text is the stored lines’ own bytes; the database also holds their keys, indexes and search index. Image sizes add up each image, so layers two images share count twice. Site files are
            the files of each release Berth keeps of a static site on S3, held in its data dir so a rollback can publish them again.
          </p>
          <LogBudgetForm budgetBytes={usage.logBudgetBytes} onSaved={() => void load()} />
        </>
      ) : null}
    </section>
  );
}

const releasesKept = (count: number): string => `${count} ${count === 1 ? 'release' : 'releases'} kept`;

/** The log budget, in MB. Past it the oldest runtime lines are trimmed, and the log viewer shows where. */
function LogBudgetForm({ budgetBytes, onSaved }: { budgetBytes: number; onSaved: () => void }) {
  const api = useApi();
  const [value, setValue] = useState(String(Math.round(budgetBytes / MB)));
  const [message, setMessage] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const megabytes = Number(value);
  const valid = Number.isInteger(megabytes) && megabytes * MB >= LOG_BUDGET_MIN_BYTES && megabytes * MB <= LOG_BUDGET_MAX_BYTES;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    const result = await api.request('updateEngineSettings', { retention: { logBudgetBytes: megabytes * MB } });
    if (!result.ok) return setMessage({ tone: 'bad', text: result.error.message });
    setMessage({ tone: 'good', text: `Saved: logs are kept within ${formatBytes(result.value.retention.logBudgetBytes)}.` });
    onSaved();
  };

  return (
    <form className="form" onSubmit={(event) => void save(event)} aria-labelledby="log-budget-heading">
      <h3 id="log-budget-heading">Log budget</h3>
      <div className="field">
        <label htmlFor="log-budget-mb">Keep logs within (MB)</label>
        <div className="field-row">
          <input
            id="log-budget-mb"
            className="mono"
            inputMode="numeric"
            value={value}
            aria-invalid={!valid}
            aria-describedby="log-budget-hint"
            onChange={(event) => {
              setValue(event.target.value);
              setMessage(null);
            }}
          />
          <button type="submit" className="button" disabled={!valid}>
            Save
          </button>
        </div>
        <p id="log-budget-hint" className={valid ? 'field-hint' : 'field-error'}>
          {valid
            ? 'Past it, the oldest runtime lines are trimmed (never a run in progress); the log viewer marks where. 2048 MB by default.'
            : `A whole number of MB from ${LOG_BUDGET_MIN_BYTES / MB} to ${LOG_BUDGET_MAX_BYTES / MB}.`}
        </p>
      </div>
      {message ? (
        <p role="status" className={message.tone === 'bad' ? 'field-error' : 'muted'}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
