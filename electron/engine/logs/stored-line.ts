import type { LogLine } from '../../../shared';
import { isoTime, type StoredLine } from '../store/log-lines';
import { lineLevel } from './log-level';

export { isoTime };

export function fromStored(line: StoredLine): LogLine {
  return {
    deploymentId: line.deploymentId,
    lineNo: line.lineNo,
    ts: isoTime(line.ts),
    stream: line.stream,
    source: line.source,
    runId: line.runId,
    step: line.step,
    text: line.text,
    cut: line.cut,
    level: line.level ?? lineLevel(line.stream, line.text),
    ...(line.service ? { service: line.service } : {}),
  };
}
