// Turns stored log lines into the bytes the terminal is allowed to see. Log text is untrusted
// (docs/architecture.md, "The log viewer"): only SGR colour sequences survive; cursor moves, OSC/DCS strings (title, clipboard,
// hyperlinks, DECRQSS), C0/C1 controls and lone ESCs are removed, so every log line stays exactly
// one logical terminal line and cannot reach anything outside its own cells.
import type { LogLevel, LogLine, LogStream, Step, StepStatus, TrimMarker } from '../../../shared';
import { colourJson, isJsonLine } from './json-line';
import { ERROR_LINE_COLOR_INDEX, FILTER_MATCH_COLOR_INDEX, ROOT_CAUSE_COLOR_INDEX } from './terminal-palette';
import { safeServiceName, serviceSgr } from './service-tag';

const ESC = '\x1b';
const RESET = `${ESC}[0m`;

/** Debug and trace lines: bright black, as Berth's own secondary text (MUTED_SGR). */
const MUTED_FOREGROUND = '90';

/** Base colours per stream: stdout default, stderr red, system blue. */
export const STREAM_FOREGROUND: Readonly<Record<LogStream, string>> = { stdout: '', stderr: '31', system: '34' };
/**
 * Colours per detected level, over the stream's: an app that logs everything to stderr is not all red,
 * and a warning stands out on stdout. `unknown` keeps the stream's colour; Berth's own (system) lines stay blue.
 */
export const LEVEL_FOREGROUND: Readonly<Record<LogLevel, string | null>> = { trace: MUTED_FOREGROUND, debug: MUTED_FOREGROUND, info: '', warn: '33', error: '31', fatal: '31', unknown: null };

/** The foreground SGR of a line: its level's colour when it has one, else its stream's. */
export function lineForeground(line: Pick<LogLine, 'stream' | 'level'>): string {
  if (line.stream === 'system') return STREAM_FOREGROUND.system;
  return LEVEL_FOREGROUND[line.level] ?? STREAM_FOREGROUND[line.stream];
}
/** A dark red background marks error lines; a brighter one the likely root cause (both set per theme in terminal-palette.ts). */
const ERROR_BACKGROUND = `48;5;${ERROR_LINE_COLOR_INDEX}`;
const ROOT_CAUSE_BACKGROUND = `48;5;${ROOT_CAUSE_COLOR_INDEX}`;
/**
 * Berth's own secondary text (timestamps, "line shortened"): bright black, not dim. Dim text is drawn
 * at half opacity, which no palette keeps at 4.5:1 against the background.
 */
export const MUTED_SGR = '90';
/** Gap markers: italic yellow (not dim, as above). */
export const GAP_MARKER_SGR = '33';

/** Lines longer than this are shown cut in the terminal; copy and download keep the whole text. */
export const DISPLAY_CHARACTER_CAP = 20_000;

// Any control character the terminal would act on: C0 except TAB, DEL, and the C1 range
// (U+0080–U+009F, which xterm also treats as CSI/OSC/DCS introducers).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;
// ESC-introduced sequences, and C0/C1 controls. The groups: CSI parameters, CSI intermediates and
// final byte. OSC/DCS/SOS/PM/APC strings run to BEL or ST, or to the end of the line when unterminated.
// eslint-disable-next-line no-control-regex
const SEQUENCE = /\x1b\[([0-9;:<=>?]*)([ -/]*)([@-~]?)|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

export interface FormatOptions {
  readonly timestamps: boolean;
  /** When false, a line is cut to `columns` cells so it never wraps. */
  readonly wrap: boolean;
  readonly columns: number;
  readonly error: boolean;
  readonly rootCause: boolean;
  /** Filter mode's context lines (around a kept line): drawn muted, under the kept lines. */
  readonly context?: boolean;
  /** Filter mode's kept lines: what the filter's text terms found, marked in the line. */
  readonly highlight?: RegExp | null;
  /**
   * A Compose stack: the width of the service tag column (each line's service, coloured, padded to it; a line
   * without a service gets blanks). 0 or absent: no column (a tag is still drawn for a line that has a service).
   */
  readonly serviceWidth?: number;
}

/** A line's service as a coloured tag with its trailing space, padded to `width`; '' when there is no column and no service. */
export function serviceTag(service: string | undefined, width: number): string {
  if (service === undefined) return width > 0 ? ' '.repeat(width + 1) : '';
  const name = safeServiceName(service);
  return `${ESC}[${serviceSgr(service)}m${name.padEnd(width)}${ESC}[39m `;
}

/** The tag's width in cells (name and space). */
function serviceTagCells(service: string | undefined, width: number): number {
  if (service === undefined) return width > 0 ? width + 1 : 0;
  return Math.max(width, safeServiceName(service).length) + 1;
}

/** Matches of filter mode: the search match background (terminal-palette.ts), then the line's own colours again. */
const HIGHLIGHT_SGR = `48;5;${FILTER_MATCH_COLOR_INDEX}`;

/**
 * Marks `highlight`'s matches in a line with no control characters (the common case: others are shown
 * unmarked rather than cut through their escape sequences). Highlighting only: which lines are kept is
 * the engine's decision.
 */
function highlighted(text: string, highlight: RegExp, base: string): string {
  const restore = base ? `${RESET}${ESC}[${base}m` : RESET;
  highlight.lastIndex = 0;
  return text.replace(highlight, (match) => (match === '' ? match : `${ESC}[${HIGHLIGHT_SGR}m${match}${restore}`));
}

/** What is left of a carriage-return overwrite: the last non-empty segment, as a terminal would mostly show. */
function afterOverwrites(text: string): string {
  if (!text.includes('\r')) return text;
  const segments = text.split('\r');
  for (let index = segments.length - 1; index >= 0; index -= 1) {
    if (segments[index] !== '') return segments[index]!;
  }
  return '';
}

/**
 * Keeps only SGR sequences of `text`. `base` is re-applied after any SGR that resets colours, so an
 * app's own `ESC[0m` inside a stderr line does not turn the rest of the line white.
 */
export function sanitize(text: string, base = ''): string {
  const source = afterOverwrites(text);
  if (!CONTROL.test(source)) return source;
  return source.replace(SEQUENCE, (match, parameters: string | undefined, intermediates: string | undefined, final: string | undefined) => {
    if (match.charCodeAt(0) !== 0x1b || match[1] !== '[') return '';
    // Only plain SGR (no private marker, no intermediates) is kept.
    if (final !== 'm' || intermediates || /[<=>?]/.test(parameters ?? '')) return '';
    if (!base) return match;
    const codes = (parameters ?? '').split(/[;:]/);
    const resets = codes.some((code) => code === '' || code === '0' || code === '39' || code === '49');
    return resets && base ? `${match}${ESC}[${base}m` : match;
  });
}

/** Cuts already-sanitized text to `limit` visible characters (SGR sequences do not count). */
function cutVisible(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  let visible = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) === 0x1b) {
      const end = text.indexOf('m', index);
      index = end === -1 ? text.length : end;
      continue;
    }
    visible += 1;
    if (visible > limit) return { text: text.slice(0, index), cut: true };
  }
  return { text, cut: false };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--.---';
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

/** The terminal text of one log line, without the line break. */
export function formatLine(line: LogLine, options: FormatOptions): string {
  const background = options.rootCause ? ROOT_CAUSE_BACKGROUND : options.error ? ERROR_BACKGROUND : '';
  const foreground = options.context ? MUTED_SGR : lineForeground(line);
  const base = foreground && background ? `${foreground};${background}` : foreground || background;
  const serviceWidth = options.serviceWidth ?? 0;
  const prefix = `${options.timestamps ? `${ESC}[${MUTED_SGR}m${formatTime(line.ts)}${ESC}[39m ` : ''}${serviceTag(line.service, serviceWidth)}`;
  const prefixWidth = (options.timestamps ? 13 : 0) + serviceTagCells(line.service, serviceWidth);
  // A JSON line has no control characters to strip: its tokens are coloured instead.
  const highlight = options.highlight;
  let body = isJsonLine(line.text)
    ? colourJson(line.text, base)
    : highlight && !CONTROL.test(line.text)
      ? highlighted(line.text, highlight, base)
      : sanitize(line.text, base);
  let suffix = '';
  if (options.wrap) {
    const cut = cutVisible(body, DISPLAY_CHARACTER_CAP);
    body = cut.text;
    if (cut.cut || line.cut) suffix = `${RESET}${ESC}[${MUTED_SGR}m … [line shortened here; copy or download for the stored text]${RESET}`;
  } else {
    const room = Math.max(8, options.columns - prefixWidth - 1);
    const cut = cutVisible(body, room);
    body = cut.text;
    if (cut.cut) suffix = `${RESET}${ESC}[${MUTED_SGR}m…${RESET}`;
  }
  const open = base ? `${ESC}[${base}m` : '';
  if (!open && !body.includes(ESC)) return `${prefix}${body}${suffix}`;
  return `${prefix}${open}${body}${RESET}${suffix}`;
}

/** Step headers are bold in these colours (xterm draws bold 30–37 in their bright variants). */
export const STEP_HEADER_SGR: Readonly<Record<StepStatus | 'none', string>> = {
  none: '36',
  pending: '90',
  running: '94',
  success: '32',
  failed: '91',
  skipped: '90',
};

export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null) return '';
  if (milliseconds < 1000) return `${milliseconds} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  return `${Math.floor(milliseconds / 60_000)} min ${Math.round((milliseconds % 60_000) / 1000)} s`;
}

/** The header row that opens a step's group of lines: `━━ build · failed · 4.2 s ━━`. */
export function formatStepHeader(stepName: string, step: Step | undefined): string {
  const status = step?.status;
  const parts = [stepName, status, step ? formatDuration(step.durationMs) : ''].filter(Boolean).join(' · ');
  const colour = STEP_HEADER_SGR[status ?? 'none'];
  return `${ESC}[1;${colour}m━━ ${parts} ━━${RESET}`;
}

/** A row that says lines exist but are not loaded here. */
export function formatGapMarker(text: string): string {
  return `${ESC}[3;${GAP_MARKER_SGR}m┄┄ ${text} ┄┄${RESET}`;
}

/** Where the log budget trimmed runtime lines (shared/log-trim.ts): a gap marker, not a log line. */
export function formatTrimMarker(trim: TrimMarker): string {
  const count = trim.lines.toLocaleString('en-US');
  return formatGapMarker(`${count} runtime ${trim.lines === 1 ? 'line' : 'lines'} trimmed here (lines ${trim.fromLineNo}–${trim.toLineNo}): the log store was over its size budget`);
}

/** Plain text for copy and download: what the filters show, with an optional time column. */
export function plainLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${line.ts} ` : ''}[${line.stream}]${line.service !== undefined ? ` [${safeServiceName(line.service)}]` : ''} ${line.text}`;
}
