import type { Deployment, Failure, RunKind } from '../../../shared';
import type { AlertSignalsPort } from '../context';

/**
 * How the monitors and the pipeline report what happened to a deployment. Every report is a signal for the
 * alert engine, which decides what becomes an alert or a desktop notification (mute, crash-loop folding,
 * cooldowns: docs/architecture.md, "Alerts"); the Electron shell and the browser only display them.
 */
export class Notifier {
  constructor(private readonly alerts: AlertSignalsPort) {}

  /** A container died (or vanished: exit code unknown); `service`: a Compose stack's service other than the public one. */
  crashed(deployment: Deployment, exitCode: number | null, oom: boolean, service?: string): void {
    this.alerts.signal({ kind: 'crash', deployment, exitCode, oom, ...(service ? { service } : {}) });
  }

  unhealthy(deployment: Deployment, failures: number): void {
    this.alerts.signal({ kind: 'unhealthy', deployment, failures });
  }

  recovered(deployment: Deployment): void {
    this.alerts.signal({ kind: 'recovered', deployment });
  }

  /** A run ended: completed, or failed with its classification. */
  runFinished(deployment: Deployment, run: { readonly runId: string; readonly kind: RunKind; readonly releaseId: string | null; readonly failure: Failure | null }): void {
    if (run.failure) this.alerts.signal({ kind: 'deploy_failed', deployment, runId: run.runId, runKind: run.kind, failure: run.failure });
    else if (run.kind === 'rollback' && run.releaseId) this.alerts.signal({ kind: 'rollback', deployment, runId: run.runId, automatic: false, releaseId: run.releaseId });
    else this.alerts.signal({ kind: 'deploy_succeeded', deployment, runId: run.runId, runKind: run.kind, releaseId: run.releaseId });
  }

  /** After a failed verify, the earlier release was restored and serves again. */
  rolledBack(deployment: Deployment, run: { readonly runId: string; readonly releaseId: string }): void {
    this.alerts.signal({ kind: 'rollback', deployment, runId: run.runId, automatic: true, releaseId: run.releaseId });
  }
}
