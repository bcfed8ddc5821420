import type { Deployment } from '../../../shared';
import { AnalysisPanel } from './AnalysisPanel';

/** A crashed deployment: its exit code, and "Analyze crash" over the runtime lines before it. */
export function CrashCard({ deployment }: { deployment: Deployment }) {
  return (
    <section className="panel failure-card" aria-label="Crash" role="region">
      <div className="panel-heading">
        <h3>The app crashed</h3>
        <code className="failure-code">exit {deployment.lastExitCode ?? 'unknown'}</code>
      </div>
      <p className="muted">The last lines before the crash are in the logs, just above the [CRASH] line.</p>
      <AnalysisPanel target={{ kind: 'crash', deploymentId: deployment.id }} />
    </section>
  );
}
