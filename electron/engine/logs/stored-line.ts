import type { LogLine } from '../../../shared';
import type { StoredLine } from '../store/log-lines';

export function fromStored(line: StoredLine): LogLine {
  return {
    deploymentId: line.deploymentId,
    lineNo: line.lineNo,
    ts: new Date(line.ts).toISOString(),
    stream: line.stream,
    source: line.source,
    runId: line.runId,
    step: line.step,
    text: line.text,
    cut: line.cut,
  };
}
