// The marker a log-budget eviction leaves where it deleted runtime lines (docs/product-rules.md, "Log
// budget"). It is a stored line of Berth's own `system` stream (an app's output is never on that stream),
// so every reader (pages, the snapshot, jumps, downloads, the CLI) returns it where the lines were, and
// the viewer draws it as a gap marker: a trimmed history is told apart from a lost one.
import type { LogLine } from './schemas';

export interface TrimMarker {
  /** How many lines the eviction deleted in this range. */
  readonly lines: number;
  readonly fromLineNo: number;
  readonly toLineNo: number;
}

const TRIM_MARKER = /^\[TRIMMED\] (\d+) runtime lines? trimmed \(lines (\d+)–(\d+)\)/;

export function trimMarkerText(marker: TrimMarker, budgetBytes: number): string {
  const plural = marker.lines === 1 ? 'line' : 'lines';
  return `[TRIMMED] ${marker.lines} runtime ${plural} trimmed (lines ${marker.fromLineNo}–${marker.toLineNo}): the log store was over its ${formatBudget(budgetBytes)} budget, and the oldest runtime lines go first`;
}

/** The marker a line stands for; null for any other line (an app's own output never is one). */
export function parseTrimMarker(line: Pick<LogLine, 'stream' | 'text'>): TrimMarker | null {
  if (line.stream !== 'system') return null;
  const match = TRIM_MARKER.exec(line.text);
  if (!match) return null;
  return { lines: Number(match[1]), fromLineNo: Number(match[2]), toLineNo: Number(match[3]) };
}

const BINARY_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** A byte count in binary units (1 KB = 1024 bytes), the way the log budget counts: the value and its unit. */
export function inBinaryUnits(bytes: number): { value: number; unit: (typeof BINARY_UNITS)[number] } {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return { value, unit: BINARY_UNITS[unit]! };
}

/** 2 GB, 50 MB, 1.5 GB: binary units, the way the budget setting counts. */
export function formatBudget(bytes: number): string {
  const { value, unit } = inBinaryUnits(bytes);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}
