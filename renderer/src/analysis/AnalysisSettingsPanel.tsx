import { useCallback, useState } from 'react';
import type { AnalysisSettings, ApiError } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { useLoadAndRefreshOnFocus } from '../common/use-load';

type KeySource = 'keep' | 'none' | 'value' | 'env';

/** The OpenAI-compatible chat endpoint "Analyze" sends failures to; nothing is sent while it is unset. */
export function AnalysisSettingsPanel() {
  const api = useApi();
  const [settings, setSettings] = useState<AnalysisSettings | null>(null);
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [keySource, setKeySource] = useState<KeySource>('keep');
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const show = (value: AnalysisSettings) => {
    setSettings(value);
    setBaseUrl(value.baseUrl ?? '');
    setModel(value.model ?? '');
    setKeySource(value.apiKey ? 'keep' : 'none');
    setKey('');
  };

  const load = useCallback(async () => {
    const result = await api.request('getAnalysisSettings', {});
    if (result.ok) show(result.value);
    else setError(result.error);
  }, [api]);
  useLoadAndRefreshOnFocus(load);

  const save = async () => {
    setSaved(false);
    const apiKey = keySource === 'keep' ? undefined : keySource === 'none' ? null : keySource === 'env' ? { env: key.trim() } : { value: key };
    const result = await api.request('setAnalysisSettings', { baseUrl: baseUrl.trim(), model: model.trim(), ...(apiKey !== undefined ? { apiKey } : {}) });
    if (!result.ok) return setError(result.error);
    setError(null);
    setSaved(true);
    show(result.value);
  };

  const clear = async () => {
    const result = await api.request('clearAnalysisSettings', {});
    if (!result.ok) return setError(result.error);
    show(result.value);
  };

  return (
    <section className="panel" aria-labelledby="analysis-settings-heading">
      <div className="panel-heading">
        <h3 id="analysis-settings-heading">Analysis endpoint</h3>
        {settings ? <span className="tag">{settings.configured ? `${settings.model} at ${settings.baseUrl}` : 'not set: Analyze sends nothing'}</span> : null}
      </div>
      <p className="muted">
        “Analyze” on a failed run or a crash sends the failure, its evidence and the lines around it to an OpenAI-compatible chat endpoint: Ollama (http://127.0.0.1:11434/v1), LM Studio
        (http://127.0.0.1:1234/v1), llama.cpp's server, or a hosted API. Secrets are redacted first, and you can see exactly what was sent.
      </p>
      {error ? <ErrorNotice action="Analysis endpoint:" error={error} onDismiss={() => setError(null)} /> : null}
      {saved ? <p role="status">Saved.</p> : null}
      <form
        className="alert-form"
        aria-label="Analysis endpoint"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className="field-row">
          <label className="field">
            <span>Base URL</span>
            <input className="mono" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} placeholder="http://127.0.0.1:11434/v1" />
          </label>
          <label className="field">
            <span>Model</span>
            <input className="mono" value={model} onChange={(event) => setModel(event.target.value)} placeholder="llama3.1" />
          </label>
        </div>
        <label className="field">
          <span>API key</span>
          <select value={keySource} onChange={(event) => setKeySource(event.target.value as KeySource)}>
            {settings?.apiKey ? <option value="keep">Keep the stored one ({settings.apiKey.hint})</option> : null}
            <option value="none">None (a local server)</option>
            <option value="value">Paste one (sealed by the OS keychain; desktop app only)</option>
            <option value="env">An environment variable of the engine</option>
          </select>
        </label>
        {keySource === 'value' || keySource === 'env' ? (
          <label className="field">
            <span>{keySource === 'env' ? 'Environment variable holding the key' : 'Key'}</span>
            <input className="mono" type={keySource === 'value' ? 'password' : 'text'} autoComplete="off" spellCheck={false} value={key} onChange={(event) => setKey(event.target.value)} />
          </label>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button primary">
            Save endpoint
          </button>
          {settings?.configured ? (
            <button type="button" className="button subtle" onClick={() => void clear()}>
              Forget it
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
