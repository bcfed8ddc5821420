// Error lines across a whole run, not just the loaded window (fix the earliest failure,
// ignore the cascade). Pages the run's stored lines once and keeps only lineNos. A stack trace is one
// event (shared/log-events.ts): it counts once, at the line that began it, however many of its lines
// read like errors (a Python traceback's head and its `ValueError: …`, a Java trace's `Caused by:`).
import { isErrorLogLine } from '../../../shared/error-lines';
import { continuesEvent, NO_EVENT, type EventGrouping } from '../../../shared/log-events';
import type { BerthApi, LogLine, RunDetail, Step } from '../../../shared';

export interface RunErrors {
  readonly runId: string;
  /** Error lineNos of the run, ascending. */
  readonly lineNos: readonly number[];
  /** The first error line of the failed step: the likely root cause. */
  readonly rootCause: { readonly lineNo: number; readonly step: string; readonly text: string } | null;
  /** Lines up to here were scanned; live lines after it are added as they arrive. */
  readonly scannedThrough: number;
  /** False when the scan stopped at its budget before the run's end. */
  readonly complete: boolean;
  /** The event the last scanned line belongs to, so live lines continue it. */
  readonly event: OpenEvent;
}

/** The event being read: where it began, whether it is already counted as an error, and what it leaves open. */
export interface OpenEvent {
  readonly head: number;
  readonly counted: boolean;
  readonly grouping: EventGrouping;
}

const NO_OPEN_EVENT: OpenEvent = { head: 0, counted: false, grouping: NO_EVENT };

/** Reads one line of the run: its event, and the event's head lineNo when this line makes it an error for the first time. */
function readLine(event: OpenEvent, line: LogLine): { event: OpenEvent; error: number | null } {
  const step = continuesEvent(event.grouping, line.text);
  const current = step.continues && event.head > 0 ? { ...event, grouping: step.next } : { head: line.lineNo, counted: false, grouping: step.next };
  if (current.counted || !isErrorLogLine(line)) return { event: current, error: null };
  return { event: { ...current, counted: true }, error: current.head };
}

const PAGE = 5000;
/** A run longer than this is scanned in part (its errors are still reachable through search). */
const SCAN_BUDGET_LINES = 400_000;
/** Error lineNos kept per run. */
const ERROR_LIMIT = 50_000;

export function failedStep(run: RunDetail | null): Step | undefined {
  return run?.steps.filter((step) => step.status === 'failed').sort((a, b) => a.position - b.position)[0];
}

/** True when a line belongs to the run for error navigation. */
export function belongsToRun(line: LogLine, run: RunDetail): boolean {
  return line.runId === run.id;
}

function runStart(run: RunDetail): number {
  const firsts = run.steps.map((step) => step.firstLineNo).filter((value): value is number => value !== null);
  return firsts.length > 0 ? Math.min(...firsts) : 1;
}

function runEnd(run: RunDetail, knownLast: number): number {
  const finished = run.finishedAt !== null;
  const lasts = run.steps.map((step) => step.lastLineNo).filter((value): value is number => value !== null);
  return finished && lasts.length > 0 ? Math.max(...lasts) : knownLast;
}

/** Scans the run's stored lines for error lines and the likely root cause. */
export async function scanRunErrors(api: BerthApi, deploymentId: string, run: RunDetail, knownLast: number, signal: { cancelled: boolean }): Promise<RunErrors | null> {
  const failed = failedStep(run);
  const end = runEnd(run, knownLast);
  let since = runStart(run) - 1;
  const lineNos: number[] = [];
  let rootCause: RunErrors['rootCause'] = null;
  let scanned = 0;
  let scannedThrough = since;
  let event = NO_OPEN_EVENT;
  /** The step and first line of each event, while it is open (the root cause is shown by its head). */
  let head: LogLine | undefined;
  while (since < end && scanned < SCAN_BUDGET_LINES) {
    const page = await api.request('getLogs', { id: deploymentId, since, limit: PAGE });
    if (signal.cancelled) return null;
    if (!page.ok || page.value.lines.length === 0) break;
    for (const line of page.value.lines) {
      if (line.lineNo > end) break;
      scannedThrough = line.lineNo;
      if (!belongsToRun(line, run)) continue;
      const read = readLine(event, line);
      if (read.event.head === line.lineNo) head = line;
      event = read.event;
      if (read.error === null) continue;
      if (lineNos.length < ERROR_LIMIT) lineNos.push(read.error);
      if (!rootCause && failed && head?.step === failed.name) rootCause = { lineNo: head.lineNo, step: failed.name, text: head.text };
    }
    scanned += page.value.lines.length;
    since = page.value.lines.at(-1)!.lineNo;
  }
  // The classifier's evidence is the fallback when no line of the failed step reads like an error.
  const evidence = run.failure?.evidence;
  if (!rootCause && failed && evidence?.lineNo != null) rootCause = { lineNo: evidence.lineNo, step: failed.name, text: evidence.line ?? '' };
  return { runId: run.id, lineNos, rootCause, scannedThrough, complete: since >= end, event };
}

/** Adds live error lines of the run that arrived after the scan. */
export function withLiveErrors(errors: RunErrors, lines: readonly LogLine[], run: RunDetail): RunErrors {
  let added: number[] | undefined;
  let scannedThrough = errors.scannedThrough;
  let event = errors.event;
  for (const line of lines) {
    if (line.lineNo <= scannedThrough) continue;
    scannedThrough = line.lineNo;
    if (!belongsToRun(line, run)) continue;
    const read = readLine(event, line);
    event = read.event;
    if (read.error !== null) (added ??= []).push(read.error);
  }
  if (!added) return scannedThrough === errors.scannedThrough ? errors : { ...errors, scannedThrough, event };
  return { ...errors, lineNos: [...errors.lineNos, ...added].slice(0, ERROR_LIMIT), scannedThrough, event };
}

/** The first error strictly after (direction 1) or before (-1) `from`. */
export function adjacentError(lineNos: readonly number[], from: number, direction: 1 | -1): number | null {
  if (direction === 1) return lineNos.find((lineNo) => lineNo > from) ?? null;
  for (let index = lineNos.length - 1; index >= 0; index -= 1) if (lineNos[index]! < from) return lineNos[index]!;
  return null;
}
