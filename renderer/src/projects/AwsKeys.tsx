import { useId, useState } from 'react';
import type { ApiError, Project } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';

/**
 * Stored AWS keys for an ECS project. The engine seals them with the OS keychain in the desktop app and
 * refuses them headless (its error says what to use instead); the secret is never shown again.
 */
export function AwsKeys({ project, onChange }: { project: Project; onChange: (project: Project) => void }) {
  const api = useApi();
  const formId = useId();
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const stored = project.awsCredentials ?? null;

  const refresh = async () => {
    const latest = await api.request('getProject', { id: project.id });
    if (latest.ok) onChange(latest.value);
  };

  const save = async () => {
    setError(null);
    if (!accessKeyId.trim() || !secretAccessKey) return setError('Enter both the access key ID and the secret access key.');
    setBusy(true);
    const result = await api.request('setAwsCredentials', { id: project.id, accessKeyId: accessKeyId.trim(), secretAccessKey });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setAccessKeyId('');
    setSecretAccessKey('');
    await refresh();
  };

  const forget = async () => {
    setError(null);
    setBusy(true);
    const result = await api.request('clearAwsCredentials', { id: project.id });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    await refresh();
  };

  return (
    <div className="aws-keys" role="group" aria-labelledby={`${formId}-title`}>
      <h4 id={`${formId}-title`}>AWS keys</h4>
      <p className="field-hint" data-testid="aws-keys-status">
        {stored ? `Keys ${stored.accessKeyIdHint} are stored, sealed by the system keychain.` : 'No keys stored: ECS uses the AWS profile above, or the default credential chain.'}
      </p>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${formId}-key`}>Access key ID</label>
          <input id={`${formId}-key`} className="mono" value={accessKeyId} autoComplete="off" spellCheck={false} placeholder="AKIA…" onChange={(event) => setAccessKeyId(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-secret`}>Secret access key</label>
          <input id={`${formId}-secret`} className="mono" type="password" value={secretAccessKey} autoComplete="off" spellCheck={false} onChange={(event) => setSecretAccessKey(event.target.value)} />
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="button subtle" disabled={busy} onClick={() => void save()}>
          {stored ? 'Replace keys' : 'Store keys'}
        </button>
        {stored ? (
          <button type="button" className="button subtle" disabled={busy} onClick={() => void forget()}>
            Forget keys
          </button>
        ) : null}
      </div>
    </div>
  );
}
