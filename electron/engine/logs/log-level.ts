// A log line's level, detected once when the line is stored (docs/product-rules.md "Log levels").
// Ingest is hot: only a bounded prefix of a line is read, JSON is scanned for its level key rather than
// parsed, and most lines are decided by their first few whitespace-separated tokens.
// A pure module with no engine imports: the store reads levels of lines stored before levels were
// (migration 009) with it, so it sits in the engine's base layer (scripts/eslint/engine-layers.js).
import { LOG_LEVELS, type LogLevel, type LogStream } from '../../../shared';

/** Characters of a plain-text line that are looked at: level tokens and `level=` sit near the start. */
export const TEXT_PREFIX_CHARS = 256;
/** Characters of a JSON line scanned for its level key: a 1 MB line costs no more than this. */
export const JSON_PREFIX_CHARS = 2048;
/** Tokens (whitespace-separated) read before giving up. */
const MAX_TOKENS = 12;
/** Plain words (not a timestamp, pid, bracketed thread or logger tag) allowed before the level: a logger name, a host. */
const MAX_PLAIN_WORDS = 2;

const TRACE = 'trace';
const DEBUG = 'debug';
const INFO = 'info';
const WARN = 'warn';
const ERROR = 'error';
const FATAL = 'fatal';
const UNKNOWN = 'unknown';

/**
 * Level words (lowercase) of the formats in docs/product-rules.md "Log levels": full names, the 3- and 4-letter
 * forms of zerolog/Serilog (INF, WRN), logrus (WARN[0000], ERRO), .NET (dbug, fail, crit), syslog/nginx (crit,
 * emerg, alert, notice) and java.util.logging (SEVERE, FINE). CRITICAL, PANIC, EMERG and ALERT say the program
 * may not go on: fatal. SEVERE is java.util.logging's only level above WARNING, used for ordinary errors: error.
 */
const LEVEL_WORD_LIST: readonly (readonly [string, LogLevel])[] = [
  ['trace', TRACE],
  ['trc', TRACE],
  ['trac', TRACE],
  ['trce', TRACE],
  ['verbose', TRACE],
  ['vrb', TRACE],
  ['finest', TRACE],
  ['finer', TRACE],
  ['debug', DEBUG],
  ['dbg', DEBUG],
  ['dbug', DEBUG],
  ['debu', DEBUG],
  ['fine', DEBUG],
  ['info', INFO],
  ['inf', INFO],
  ['information', INFO],
  ['notice', INFO],
  ['warn', WARN],
  ['warning', WARN],
  ['wrn', WARN],
  ['error', ERROR],
  ['err', ERROR],
  ['erro', ERROR],
  ['fail', ERROR],
  ['severe', ERROR],
  ['fatal', FATAL],
  ['ftl', FATAL],
  ['fata', FATAL],
  ['critical', FATAL],
  ['crit', FATAL],
  ['panic', FATAL],
  ['pani', FATAL],
  ['dpanic', FATAL],
  ['emerg', FATAL],
  ['emergency', FATAL],
  ['alert', FATAL],
];
const SHORTEST_WORD = 3;
const LONGEST_WORD = 11;

/**
 * A word of up to 11 letters as a number, case folded: letter values 1–26 in base 27 (27^11 < 2^53, so exact).
 * Lines are looked up by this key while their letters are scanned: no substring, no lowercase copy per line.
 */
const addLetter = (key: number, code: number): number => key * 27 + ((code | 32) - 96);
const wordKey = (word: string): number => {
  let key = 0;
  for (let index = 0; index < word.length; index++) key = addLetter(key, word.charCodeAt(index));
  return key;
};
const LEVEL_WORDS: ReadonlyMap<number, LogLevel> = new Map(LEVEL_WORD_LIST.map(([word, level]) => [wordKey(word), level]));

/** The level a run of letters names (`start` to `end`, letters only), if any. */
function wordLevel(head: string, start: number, end: number): LogLevel | undefined {
  const length = end - start;
  if (length < SHORTEST_WORD || length > LONGEST_WORD) return undefined;
  let key = 0;
  for (let position = start; position < end; position++) {
    const code = head.charCodeAt(position);
    if (!isLetter(code)) return undefined;
    key = addLetter(key, code);
  }
  return LEVEL_WORDS.get(key);
}

/** Keys a JSON line's level is found under: pino/bunyan/winston/zap (`level`), `lvl`, GCP (`severity`), ECS (`log.level`), Serilog CLEF (`@l`), python-json-logger (`levelname`), monolog (`level_name`). */
const JSON_LEVEL_KEYS: ReadonlySet<string> = new Set(['level', 'lvl', 'severity', 'log.level', '@l', 'levelname', 'level_name', 'loglevel']);
const LONGEST_JSON_KEY = 10;

/** logfmt keys (Go slog's text handler, logrus, go-kit): `level=WARN`. */
const LOGFMT_KEYS = ['level=', 'lvl=', 'severity='] as const;

/** syslog severities 0–7 (a `<PRI>` prefix, GELF's numeric `level`). */
const SYSLOG_SEVERITIES: readonly LogLevel[] = [FATAL, FATAL, FATAL, ERROR, WARN, INFO, INFO, DEBUG];

const TAB = 9;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const LESS = 60;
const GREATER = 62;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const PIPE = 124;
const ESCAPE = 27;

// eslint-disable-next-line no-control-regex -- ANSI colour and cursor sequences are control characters by definition
const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;
const isLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isBlank = (code: number): boolean => code === SPACE || code === TAB;

/**
 * The level a line's text names, or `unknown`. Recognised (docs/product-rules.md "Log levels"): a JSON object's
 * level key; logfmt `level=`; a level token among the first tokens, after timestamps, pids, `[thread]` and logger
 * tags (`ERROR`, `[error]`, `WARN[0000]`, Python's `ERROR:root:`, uvicorn's `INFO:`, winston's `info:`, Rails'
 * `E, [...] ERROR --`); klog/glog's `E1204 10:11:12.123456`; a syslog `<PRI>`. A level word in lowercase counts
 * only in brackets (`[error]`) or as a leading `word:`, so prose (`no error found`) and paths
 * (`/api/error-report`) are not levels; an uppercase one counts before the third plain word.
 */
export function detectLevel(text: string): LogLevel {
  const length = text.length;
  let start = 0;
  while (start < length && isBlank(text.charCodeAt(start))) start++;
  if (start === length) return UNKNOWN;
  const first = text.charCodeAt(start);
  if (first === OPEN_BRACE) return jsonLevel(text, start);
  const head = length > start + TEXT_PREFIX_CHARS ? text.slice(start, start + TEXT_PREFIX_CHARS) : start === 0 ? text : text.slice(start);
  const level = first === ESCAPE ? COLOURED : plainTextLevel(head);
  if (level !== COLOURED) return level;
  // Colour codes in the first tokens (rare): read the line again without them.
  const plain = head.replace(ANSI_SEQUENCE, '').trimStart();
  if (plain.charCodeAt(0) === OPEN_BRACE) return jsonLevel(plain, 0);
  const uncoloured = plainTextLevel(plain);
  return uncoloured === COLOURED ? UNKNOWN : uncoloured;
}

/** tokenLevel met an escape character: the line has colour codes where its level may be. */
const COLOURED = null;

function plainTextLevel(head: string): LogLevel | typeof COLOURED {
  if (head.charCodeAt(0) === LESS) {
    const severity = syslogPriority(head);
    if (severity !== undefined) return severity;
  }
  const level = tokenLevel(head);
  if (level !== undefined) return level;
  return logfmtLevel(head) ?? UNKNOWN;
}

/**
 * The level of a line as stored: Berth's own lines (`system`) by their tag (`[CRASH]`, `[FAILED]`,
 * `[UNHEALTHY]`, `[INTERRUPTED]` are errors; `[ROLLBACK]`, `[DISK]`, `[MONITOR]` warnings), else by a level
 * token in them, else info (Berth narrating a step); the app's and build's lines by `detectLevel`. A stderr
 * line without a level stays unknown.
 */
export function lineLevel(stream: LogStream, text: string): LogLevel {
  return stream === 'system' ? systemLineLevel(text) : detectLevel(text);
}

const SYSTEM_TAG_LEVELS: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
  ['CRASH', ERROR],
  ['FAILED', ERROR],
  ['UNHEALTHY', ERROR],
  ['INTERRUPTED', ERROR],
  ['ROLLBACK', WARN],
  ['DISK', WARN],
  ['MONITOR', WARN],
]);
const LONGEST_SYSTEM_TAG = 12;

export function systemLineLevel(text: string): LogLevel {
  if (text.charCodeAt(0) === OPEN_BRACKET) {
    let close = 1;
    while (close <= LONGEST_SYSTEM_TAG + 1 && close < text.length && text.charCodeAt(close) !== CLOSE_BRACKET) close++;
    const tagged = SYSTEM_TAG_LEVELS.get(text.slice(1, close));
    if (tagged && text.charCodeAt(close) === CLOSE_BRACKET) return tagged;
  }
  const detected = detectLevel(text);
  return detected === UNKNOWN ? INFO : detected;
}

const LEVEL_CODES: ReadonlyMap<LogLevel, number> = new Map(LOG_LEVELS.map((level, index) => [level, index]));

/** The stored code of a level: its index in LOG_LEVELS. */
export const levelCode = (level: LogLevel): number => LEVEL_CODES.get(level)!;

/** A stored level, or the level detected now for a line stored before levels were (NULL). */
export function storedLevel(code: number | null, stream: LogStream, text: string): LogLevel {
  if (code === null) return lineLevel(stream, text);
  return LOG_LEVELS[code] ?? UNKNOWN;
}

/** Reads the first tokens; undefined when none is a level before the plain words run out, COLOURED at an escape character. */
function tokenLevel(head: string): LogLevel | undefined | typeof COLOURED {
  const end = head.length;
  let position = 0;
  let plainWords = 0;
  for (let tokens = 0; tokens < MAX_TOKENS; tokens++) {
    while (position < end && isBlank(head.charCodeAt(position))) position++;
    if (position >= end) return undefined;
    const tokenStart = position;
    for (; position < end; position++) {
      const code = head.charCodeAt(position);
      if (code === SPACE || code === TAB) break;
      if (code === ESCAPE) return COLOURED;
    }
    const found = tokenWordLevel(head, tokenStart, position, tokens === 0, plainWords === 0);
    if (found !== undefined) return found;
    if (!isHeaderToken(head, tokenStart, position) && ++plainWords > MAX_PLAIN_WORDS) return undefined;
  }
  return undefined;
}

/** The level one token names, if any. */
function tokenWordLevel(head: string, start: number, end: number, firstToken: boolean, onlyHeaderBefore: boolean): LogLevel | undefined {
  const opener = head.charCodeAt(start);
  if (firstToken && end - start === 5 && isKlogSeverity(opener) && isDigit(head.charCodeAt(start + 1))) return klogLevel(head, start);
  const bracketed = opener === OPEN_BRACKET || opener === LESS;
  let position = bracketed ? start + 1 : start;
  for (;;) {
    const runStart = position;
    let upper = true;
    let key = 0;
    while (position < end) {
      const code = head.charCodeAt(position);
      if (!isLetter(code)) break;
      if (code >= 97) upper = false;
      if (position - runStart < LONGEST_WORD) key = addLetter(key, code);
      position++;
    }
    const runLength = position - runStart;
    const next = position < end ? head.charCodeAt(position) : -1;
    if (runLength >= SHORTEST_WORD && runLength <= LONGEST_WORD && endsWord(next)) {
      const level = LEVEL_WORDS.get(key);
      // Lowercase words are prose unless set apart: `[error]`, or `error:` before any plain word.
      if (level !== undefined && (upper || bracketed || (next === COLON && onlyHeaderBefore))) return level;
    }
    // Apache's `[core:error]`: the level after the module.
    if (!bracketed || next !== COLON) return undefined;
    position++;
  }
}

/** What may follow a level word inside its token: `ERROR`, `ERROR:`, `[ERROR]`, `WARN[0000]`, `E,`, `ERR!`. */
function endsWord(code: number): boolean {
  return code === -1 || code === COLON || code === CLOSE_BRACKET || code === OPEN_BRACKET || code === CLOSE_PAREN || code === COMMA || code === PIPE || code === BANG || code === GREATER;
}

/** Timestamps, pids, `[thread]`, `app[7]:`, `---`, `-`, Rails' `E,`: tokens a layout puts before its level. */
function isHeaderToken(head: string, start: number, end: number): boolean {
  // Rails/Ruby Logger's severity letter: `E, [2024-12-04T10:11:12.123456 #7] ERROR -- : msg`.
  if (end - start === 2 && head.charCodeAt(start + 1) === COMMA) return true;
  const first = head.charCodeAt(start);
  if (isDigit(first) || first === OPEN_BRACKET || first === OPEN_PAREN || first === HASH || first === LESS || first === 43 /* + */) return true;
  const last = head.charCodeAt(end - 1);
  if (last === CLOSE_BRACKET || last === CLOSE_PAREN) return true;
  if (last === COLON && head.charCodeAt(end - 2) === CLOSE_BRACKET) return true;
  for (let position = start; position < end; position++) if (isLetter(head.charCodeAt(position))) return false;
  return true;
}

const isKlogSeverity = (code: number): boolean => code === 73 /* I */ || code === 87 /* W */ || code === 69 /* E */ || code === 70; /* F */

/** klog/glog: `E1204 10:11:12.123456   1 file.go:42] msg` (severity letter, month and day, then the time). */
function klogLevel(head: string, start: number): LogLevel | undefined {
  for (let position = start + 1; position < start + 5; position++) if (!isDigit(head.charCodeAt(position))) return undefined;
  let position = start + 5;
  while (position < head.length && isBlank(head.charCodeAt(position))) position++;
  if (!isDigit(head.charCodeAt(position)) || head.charCodeAt(position + 2) !== COLON) return undefined;
  switch (head.charCodeAt(start)) {
    case 73:
      return INFO;
    case 87:
      return WARN;
    case 69:
      return ERROR;
    default:
      return FATAL;
  }
}

/** `<PRI>` of syslog and sd-daemon (`<3>`): severity = PRI mod 8. */
function syslogPriority(head: string): LogLevel | undefined {
  let value = 0;
  let position = 1;
  for (; position < 5 && isDigit(head.charCodeAt(position)); position++) value = value * 10 + head.charCodeAt(position) - ZERO;
  if (position === 1 || position === 5 || head.charCodeAt(position) !== GREATER || value > 191) return undefined;
  return SYSLOG_SEVERITIES[value % 8];
}

/** logfmt: the first `level=` (or `lvl=`, `severity=`) that starts a key. */
function logfmtLevel(head: string): LogLevel | undefined {
  for (const key of LOGFMT_KEYS) {
    let at = head.indexOf(key);
    while (at !== -1) {
      const before = at === 0 ? SPACE : head.charCodeAt(at - 1);
      if (isBlank(before) || before === 46 /* . as in log.level= */) {
        let position = at + key.length;
        if (head.charCodeAt(position) === QUOTE) position++;
        const runStart = position;
        while (position < head.length && isLetter(head.charCodeAt(position))) position++;
        const level = wordLevel(head, runStart, position);
        if (level !== undefined) return level;
        break;
      }
      at = head.indexOf(key, at + 1);
    }
  }
  return undefined;
}

/** The first level key's value within JSON_PREFIX_CHARS: scanned string by string, never parsed. */
function jsonLevel(text: string, start: number): LogLevel {
  const head = text.length > start + JSON_PREFIX_CHARS ? text.slice(start, start + JSON_PREFIX_CHARS) : text;
  let position = head === text ? start + 1 : 1;
  for (;;) {
    const open = head.indexOf('"', position);
    if (open === -1) return UNKNOWN;
    const close = closingQuote(head, open + 1);
    if (close === -1) return UNKNOWN;
    position = close + 1;
    const keyLength = close - open - 1;
    if (keyLength < 2 || keyLength > LONGEST_JSON_KEY || !JSON_LEVEL_KEYS.has(head.slice(open + 1, close))) continue;
    let value = position;
    while (isBlank(head.charCodeAt(value))) value++;
    if (head.charCodeAt(value) !== COLON) continue;
    value++;
    while (isBlank(head.charCodeAt(value))) value++;
    const code = head.charCodeAt(value);
    if (code === QUOTE) {
      const valueEnd = closingQuote(head, value + 1);
      if (valueEnd === -1) return UNKNOWN;
      const level = wordLevel(head, value + 1, valueEnd);
      if (level !== undefined) return level;
      position = valueEnd + 1;
    } else if (isDigit(code)) {
      let number = 0;
      for (; isDigit(head.charCodeAt(value)); value++) number = number * 10 + head.charCodeAt(value) - ZERO;
      return numericLevel(number);
    }
  }
}

/** The quote closing a JSON string that starts at `from`, skipping escaped quotes; -1 when it is past the prefix. */
function closingQuote(head: string, from: number): number {
  let at = head.indexOf('"', from);
  while (at !== -1) {
    let backslashes = 0;
    while (head.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = head.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * A numeric level: 0–7 syslog (GELF), 10–60 pino/bunyan (10 trace … 60 fatal), 100–600 monolog
 * (100 debug, 200 info, 250 notice, 300 warning, 400 error, 500 critical and up).
 */
function numericLevel(value: number): LogLevel {
  if (value <= 7) return SYSLOG_SEVERITIES[value]!;
  if (value < 100) return value < 20 ? TRACE : value < 30 ? DEBUG : value < 40 ? INFO : value < 50 ? WARN : value < 60 ? ERROR : FATAL;
  return value < 200 ? DEBUG : value < 300 ? INFO : value < 400 ? WARN : value < 500 ? ERROR : FATAL;
}
