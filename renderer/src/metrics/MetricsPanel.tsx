export interface MetricsPanelProps {
  readonly deploymentId: string;
  /** Called when the user clicks a point: the project view moves the log viewer to that moment. */
  readonly onJumpToTime: (ts: string) => void;
}

/** CPU, memory and health charts (the monitoring issue replaces this placeholder). */
export function MetricsPanel(_props: MetricsPanelProps) {
  return <p className="not-built">Metrics are not built yet.</p>;
}
