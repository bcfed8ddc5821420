import type { LogLine } from '../../../shared';
import type { StoredLine } from '../store/log-lines';

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()`, but a flood shares its second across thousands of lines: the
 * "YYYY-MM-DDTHH:MM:SS." prefix is cached, so a line costs one small concatenation.
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

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
  };
}
