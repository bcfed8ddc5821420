import { useCallback, useEffect, useState } from 'react';
import type { Analysis, AnalysisPreview, ApiError } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { useEngineEvent } from '../common/use-event';
import { RouteLink } from '../routing/RouteLink';

export type AnalysisTarget = { readonly kind: 'run'; readonly runId: string } | { readonly kind: 'crash'; readonly deploymentId: string };

const matches = (target: AnalysisTarget, analysis: Analysis): boolean =>
  target.kind === 'run' ? analysis.runId === target.runId : analysis.subject === 'crash' && analysis.deploymentId === target.deploymentId;

/** Pretty when the body is JSON (it always is); the raw text is shown beside it, byte for byte. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * "Analyze": sends the failure (or the crash) to the configured chat endpoint, streams the answer in, and shows
 * on demand exactly what was sent. The latest analysis is stored with the run, so it is there on the next visit.
 */
export function AnalysisPanel({ target }: { target: AnalysisTarget }) {
  const api = useApi();
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<AnalysisPreview | null>(null);
  const [showSent, setShowSent] = useState(false);
  const key = target.kind === 'run' ? target.runId : target.deploymentId;

  useEffect(() => {
    setAnalysis(null);
    setSent(null);
    setShowSent(false);
    setError(null);
    const list = target.kind === 'run' ? api.request('listRunAnalyses', { id: target.runId }) : api.request('listCrashAnalyses', { id: target.deploymentId });
    void list.then((result) => {
      if (result.ok) setAnalysis(result.value[0] ?? null);
    });
    // The target's identity is its key: a new object for the same run must not reload.
  }, [api, key]);

  useEngineEvent('analysisUpdated', (update) => {
    if (!matches(target, update)) return;
    setAnalysis((current) => (current === null || current.id === update.id || update.createdAt >= current.createdAt ? update : current));
  });

  const analyze = async () => {
    setBusy(true);
    setError(null);
    setSent(null);
    setShowSent(false);
    const result = target.kind === 'run' ? await api.request('analyzeRun', { id: target.runId }) : await api.request('analyzeCrash', { id: target.deploymentId });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setAnalysis((current) => (current?.id === result.value.id ? current : result.value));
  };

  const toggleSent = useCallback(async () => {
    if (showSent) return setShowSent(false);
    if (analysis) {
      const result = await api.request('getAnalysis', { id: analysis.id });
      if (!result.ok) return setError(result.error);
      setSent(result.value.request);
    } else {
      const result = target.kind === 'run' ? await api.request('previewRunAnalysis', { id: target.runId }) : await api.request('previewCrashAnalysis', { id: target.deploymentId });
      if (!result.ok) return setError(result.error);
      setSent(result.value);
    }
    setShowSent(true);
  }, [api, analysis, showSent, target]);

  const streaming = analysis?.status === 'streaming';
  return (
    <div className="analysis" data-testid="analysis">
      <div className="run-controls">
        <button type="button" className="button" disabled={busy || streaming} onClick={() => void analyze()}>
          {streaming ? 'Analyzing…' : analysis ? 'Analyze again' : target.kind === 'run' ? 'Analyze failure' : 'Analyze crash'}
        </button>
        <button type="button" className="button subtle small" onClick={() => void toggleSent()} aria-expanded={showSent}>
          {showSent ? 'Hide the request' : analysis ? 'Show what was sent' : 'Show what would be sent'}
        </button>
      </div>
      {error ? <ErrorNotice action="Analyze:" error={error} onDismiss={() => setError(null)} /> : null}
      {error?.code === 'CONFLICT' && /No analysis endpoint/.test(error.message) ? (
        <p>
          <RouteLink to={{ name: 'alerts' }}>Set the analysis endpoint</RouteLink>
        </p>
      ) : null}
      {analysis ? (
        <section aria-label="Analysis" aria-busy={streaming}>
          <p className="muted">
            {analysis.model} · {analysis.status === 'streaming' ? 'answering…' : analysis.status}
            {analysis.redactions > 0 ? ` · ${analysis.redactions} secret${analysis.redactions === 1 ? '' : 's'} redacted before sending` : ''}
          </p>
          {analysis.answer ? (
            <div className="analysis-answer" data-testid="analysis-answer">
              {analysis.answer}
            </div>
          ) : null}
          {analysis.error ? <ErrorNotice error={analysis.error} /> : null}
        </section>
      ) : null}
      {showSent && sent ? (
        <section aria-label="The request">
          <p className="muted">
            POST {sent.url ?? '(no endpoint set: nothing is sent)'} · {sent.redactions} value{sent.redactions === 1 ? '' : 's'} redacted · the API key, if any, travels in the Authorization header
          </p>
          <details open>
            <summary>Messages</summary>
            <pre className="analysis-request mono" data-testid="analysis-request">
              {readable(sent.body)}
            </pre>
          </details>
          <details>
            <summary>Body exactly as sent</summary>
            <pre className="analysis-request mono">{sent.body}</pre>
          </details>
        </section>
      ) : null}
    </div>
  );
}
