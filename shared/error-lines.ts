// Error-line detection shared by the failure classifier (engine) and the log viewer (renderer).
// Pure: no Node, no DOM. "Fix the earliest failure" needs one idea of what a failure
// line looks like on both sides.

// Case-sensitive words: `error` in lower case is common in harmless text ("0 errors"), so each
// spelling is listed on purpose.
const ERROR_PATTERNS: readonly RegExp[] = [
  /\b(?:ERROR|Error|FATAL|Fatal|FAILED|Failed|PANIC)\b/,
  /(?:^|[\s[(:])error(?:[:\]]|\s*:)/, // "error:", "[error]", "npm error:", "level=error:"
  /^error\b/i,
  /\bfatal(?::|\b(?= error))/i,
  /\bpanic:/,
  /\b[A-Za-z_.]*Exception\b/,
  /^Traceback \(most recent call last\)/,
  /\bnpm ERR!/,
  /returned a non-zero code/,
  /\bexit(?:ed)?(?: with)?(?: code| status)[ :=]*[1-9]\d*\b/i,
  /\bexit=[1-9]\d*\b/,
  /\bnon-zero exit\b/i,
  /\bcommand not found\b/,
  /\bsegmentation fault\b/i,
  /\bOOMKilled\b|\bout of memory\b/i,
];

// Lines that mention the words above but report success ("0 errors", "no errors found").
const HARMLESS_PATTERNS: readonly RegExp[] = [/\b0 (?:errors?|failed)\b/i, /\bno errors?\b/i, /\bwithout errors?\b/i, /\bexit(?:ed)?(?: with)?(?: code| status)[ :=]*0\b/i];

// CSI sequences (colours, cursor moves) and OSC titles: tools wrap stderr in them, e.g. the
// classic Docker builder prints a failing RUN's stderr as `\x1b[91m…` and the next line as `\x1b[0m…`.
// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** The text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_PATTERN, '') : text;
}

/** True when a log line reads like a failure: error, ERROR, FAILED, fatal, panic, exceptions, non-zero exits, … */
export function isErrorLine(text: string): boolean {
  if (text.length === 0) return false;
  // Long lines are checked on their start: the signal is almost always there, and this keeps the
  // check cheap for the viewer on huge minified lines.
  const plain = stripAnsi(text);
  const sample = plain.length > 2000 ? plain.slice(0, 2000) : plain;
  if (!ERROR_PATTERNS.some((pattern) => pattern.test(sample))) return false;
  return !HARMLESS_PATTERNS.some((pattern) => pattern.test(sample)) || /\b(?:ERROR|FATAL|panic:|Traceback)\b/.test(sample);
}

/** The index of the first error line in `lines`, or -1. */
export function firstErrorLineIndex(lines: readonly string[]): number {
  return lines.findIndex(isErrorLine);
}

/**
 * True when a stored line is an error: its level (detected at ingest: `error` or `fatal`) says so, or its
 * text reads like a failure (a build's `npm ERR!`, a non-zero exit, which carry no level).
 */
export function isErrorLogLine(line: { readonly text: string; readonly level?: string }): boolean {
  return isErrorLevel(line.level) || isErrorLine(line.text);
}

/** The detected levels that make a line an error line. */
export function isErrorLevel(level: string | undefined): boolean {
  return level === 'error' || level === 'fatal';
}
