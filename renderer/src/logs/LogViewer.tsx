import type { RunDetail } from '../../../shared';

export interface LogJumpTarget {
  readonly lineNo?: number;
  readonly ts?: string;
  /** A new nonce re-triggers a jump to the same place. */
  readonly nonce: number;
}

export interface LogViewerProps {
  readonly deploymentId: string;
  /** The run whose steps group the lines (the active or the latest run). */
  readonly run: RunDetail | null;
  /** Move the view to a line or a moment. */
  readonly jumpTo?: LogJumpTarget | null;
}

/** The terminal log viewer (the log issue replaces this placeholder). */
export function LogViewer(_props: LogViewerProps) {
  return <p className="not-built">The log viewer is not built yet.</p>;
}
