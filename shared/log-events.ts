// Multi-line events: a stack trace stays with the line that began it, so error navigation, the "likely root
// cause" mark and copy treat it as one event. Pure (no Node, no DOM): the viewer and the engine read lines
// in order and ask, line by line, whether a line continues the event before it.
//
// Grouping is decided when lines are read, not stored at ingest (docs/product-rules.md, "Multi-line
// events"): the check is a few character tests per line wherever it runs, readers always go through lines
// in order (pages, the run's error scan, live batches), and rules kept out of the database can learn a new
// runtime's trace format without a migration or a rewrite of stored history.
import { stripAnsi } from './error-lines';

/** What the lines read so far leave open. Plain data, so a scan can carry it from one page to the next. */
export interface EventGrouping {
  /** Which trace is open, and where in it the last line was. */
  readonly trace: 'none' | 'frames' | 'python' | 'python-ended' | 'python-chain' | 'go';
}

export const NO_EVENT: EventGrouping = { trace: 'none' };

// JavaScript (`    at fn (file:1:2)`), Java and Kotlin (`\tat com.x.Y.z(Y.java:1)`) and .NET (`   at Ns.T.M() in f.cs:line 1`).
const FRAME = /^\s+at\s/;
// Java's `\t... 12 more` / `... 3 common frames omitted`, and the causes it prints under a trace.
const JAVA_TAIL = /^\s*\.\.\. \d+ (?:more|common frames omitted)/;
const JAVA_CAUSE = /^\s*(?:Caused by|Suppressed): /;
const PYTHON_HEAD = /^Traceback \(most recent call last\):/;
const PYTHON_CHAIN = /^(?:During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception):/;
const GO_HEAD = /^(?:panic: |fatal error: )/;
const GO_LINE = /^(?:goroutine \d+ \[|\s|[\w./*$()[\]{}-]+\(.*\)$|\[recovered\]|exit status \d+$|created by )/;

/**
 * Whether `text` continues the event the previous lines began, and the grouping after it. A line that
 * does not continue begins a new event (most lines are events of one line).
 */
export function continuesEvent(grouping: EventGrouping, text: string): { continues: boolean; next: EventGrouping } {
  const plain = text.includes('\x1b') ? stripAnsi(text) : text;
  const { trace } = grouping;
  if (trace === 'python') {
    // Frames are indented; the first line that is not ends the trace and is part of it (`ValueError: …`).
    if (plain.length === 0 || /^\s/.test(plain)) return { continues: true, next: grouping };
    return { continues: true, next: { trace: 'python-ended' } };
  }
  if (trace === 'python-ended' || trace === 'python-chain') {
    // A chained exception: a blank line, the chaining sentence, a blank line, the next traceback.
    if (plain.length === 0) return { continues: true, next: grouping };
    if (PYTHON_CHAIN.test(plain)) return { continues: true, next: { trace: 'python-chain' } };
    if (trace === 'python-chain' && PYTHON_HEAD.test(plain)) return { continues: true, next: { trace: 'python' } };
  }
  if (trace === 'go') {
    if (plain.length === 0 || GO_LINE.test(plain)) return { continues: true, next: grouping };
  }
  if (trace === 'frames' || trace === 'none') {
    if (FRAME.test(plain) || JAVA_TAIL.test(plain) || (trace === 'frames' && JAVA_CAUSE.test(plain))) return { continues: true, next: { trace: 'frames' } };
  }
  // This line begins an event; it may open a trace of its own.
  if (PYTHON_HEAD.test(plain)) return { continues: false, next: { trace: 'python' } };
  if (GO_HEAD.test(plain)) return { continues: false, next: { trace: 'go' } };
  return { continues: false, next: NO_EVENT };
}

/** Each line's event head, in order: `heads[i]` is the index of the line that began line i's event. */
export function eventHeads(texts: readonly string[], from: EventGrouping = NO_EVENT): number[] {
  const heads = new Array<number>(texts.length);
  let grouping = from;
  let head = 0;
  texts.forEach((text, index) => {
    const step = continuesEvent(grouping, text);
    if (!step.continues || index === 0) head = index;
    heads[index] = head;
    grouping = step.next;
  });
  return heads;
}
