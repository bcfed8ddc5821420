import type { LogLine } from '../../../shared';
import { isoTime, type StoredLine } from '../store/log-lines';
import { lineLevel } from './log-level';

export { isoTime };

export function fromStored(line: StoredLine): LogLine {
  const out: LogLine = {
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
  };
  // Set only when the line has one (absent otherwise); assigned, not spread: a spread per line costs at ingest.
  if (line.service) out.service = line.service;
  return out;
}
