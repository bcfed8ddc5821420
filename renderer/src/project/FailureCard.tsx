import type { Failure } from '../../../shared';
import { stripAnsi } from '../../../shared/error-lines';
import { AnalysisPanel } from '../analysis/AnalysisPanel';
import { humanize } from '../common/format';

/** A failed run's diagnosis: code, summary, likely cause, the evidence line that links into the logs, and "Analyze". */
export function FailureCard({ runId, failure, onShowEvidence }: { runId: string; failure: Failure; onShowEvidence: (lineNo: number) => void }) {
  const evidence = { ...failure.evidence, line: failure.evidence.line === null ? null : stripAnsi(failure.evidence.line), context: failure.evidence.context.map(stripAnsi) };
  return (
    <section className="panel failure-card" aria-label="Failure" role="region">
      <div className="panel-heading">
        <h3>Run failed</h3>
        <code className="failure-code">{failure.code}</code>
        <span className="tag">{humanize(failure.category)}</span>
        <span className="tag">stage: {failure.stage}</span>
        {failure.retryable ? <span className="tag" data-tone="warn">retryable</span> : null}
      </div>
      <p className="failure-summary">{failure.summary}</p>
      <p>
        <strong>Likely cause: </strong>
        {failure.likelyCause}
      </p>
      {evidence.line !== null ? (
        <div className="evidence">
          <p className="muted">Evidence{evidence.lineNo !== null ? ` (line ${evidence.lineNo})` : ''}:</p>
          {evidence.lineNo !== null ? (
            <button type="button" className="evidence-line mono" onClick={() => onShowEvidence(evidence.lineNo!)} aria-label={`Show evidence line ${evidence.lineNo} in the logs: ${evidence.line}`}>
              {evidence.line}
            </button>
          ) : (
            <code className="evidence-line mono">{evidence.line}</code>
          )}
          {evidence.context.length > 0 ? (
            <details>
              <summary>Context ({evidence.context.length} lines)</summary>
              <pre className="evidence-context">{evidence.context.join('\n')}</pre>
            </details>
          ) : null}
        </div>
      ) : (
        <p className="muted">No error line was captured for this failure; check the step logs.</p>
      )}
      <AnalysisPanel target={{ kind: 'run', runId }} />
    </section>
  );
}
