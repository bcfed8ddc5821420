// How a search or filter query becomes a line test, and what literal every matching line must hold (for
// the search index and the SQL prefilter). Full-history search (search.ts) and filter mode
// (log-filter.ts) share it, so both answer the same query the same way.
import { RE2JS } from 're2js';
import { EngineError } from '../engine-error';

export interface LineMatcher {
  test(text: string): boolean;
}

/**
 * Literal queries use V8's RegExp on the escaped text (no backtracking possible). User regexes run on
 * RE2 (re2js), which matches in linear time: a pattern like `(a+)+$` sent to the API cannot stall the
 * engine, whose one thread also stores every incoming log line. `field` names the input in the error.
 */
export function compileLinePattern(query: string, regex: boolean, caseSensitive: boolean, field: string): LineMatcher {
  if (!regex) return literalMatcher(query, caseSensitive);
  try {
    return RE2JS.compile(query, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    // re2js quotes the pattern with its flags as a prefix (`(?i)(`): quote what the user typed.
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '').replace('`(?i)', '`');
    throw new EngineError(
      'VALIDATION_FAILED',
      `${field}: not a regular expression full-history search can run (${reason}). It uses RE2 syntax, which has no look-arounds or back-references.`,
      field,
    );
  }
}

export function literalMatcher(literal: string, caseSensitive: boolean): LineMatcher {
  if (caseSensitive) return { test: (text) => text.includes(literal) };
  return new RegExp(escapeRegExp(literal), 'i');
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const QUANTIFIER = /^(?:[*?]|\{0?,|\{0\})/;

/**
 * The longest literal every match of `source` must contain, or '' when none can be proven.
 * Conservative: only top-level text outside groups, classes and alternations counts, and a
 * character that a quantifier may repeat or drop ends the run.
 */
export function requiredLiteral(source: string): string {
  // An inline flag group that turns case-insensitivity on, `(?i)` or `(?mi:…)`: no literal can be matched byte for byte.
  if (/\(\?[a-zA-Z]*i[a-zA-Z]*[:)]/.test(source)) return '';
  let best = '';
  let run = '';
  let depth = 0;
  const close = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (char === '\\') {
      const next = source[index + 1];
      index++;
      if (next === undefined) return '';
      // \d, \w, \b, \1, \u… are classes or assertions; punctuation escapes are literal.
      if (depth === 0 && /[^A-Za-z0-9]/.test(next)) {
        if (QUANTIFIER.test(source.slice(index + 1))) close();
        else run += next;
      } else close();
      continue;
    }
    if (char === '[') {
      close();
      index = classEnd(source, index);
      continue;
    }
    if (char === '(') {
      depth++;
      close();
      continue;
    }
    if (char === ')') {
      depth = Math.max(0, depth - 1);
      close();
      continue;
    }
    if (char === '|') {
      if (depth === 0) return '';
      continue;
    }
    if (char === '{') {
      // A counted repeat: `{2}`, `{1,3}`; its digits are no literal.
      close();
      while (index < source.length && source[index] !== '}') index++;
      continue;
    }
    if ('.^$*+?}'.includes(char)) {
      // `x+` still requires one x, but keep it simple: quantified characters end the run.
      close();
      continue;
    }
    if (depth > 0) continue;
    if (QUANTIFIER.test(source.slice(index + 1)) || source[index + 1] === '+') {
      close();
      continue;
    }
    run += char;
  }
  close();
  return best;
}

/**
 * The index of the `]` that closes the character class opening at `start`, honouring escapes, a leading `]` (or
 * `^]`) and POSIX classes such as `[:digit:]`; the source's length when it is not closed.
 */
function classEnd(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index++;
  if (source[index] === ']') index++;
  while (index < source.length && source[index] !== ']') {
    if (source[index] === '\\') index += 2;
    else if (source.startsWith('[:', index)) {
      const close = source.indexOf(':]', index + 2);
      index = close === -1 ? index + 1 : close + 2;
    } else index++;
  }
  return index;
}

/** The index just past the group opening at `start` (nested groups, classes and escapes skipped); -1 when it is not closed. */
function groupEnd(source: string, start: number): number {
  let depth = 0;
  for (let index = start; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') index++;
    else if (char === '[') index = classEnd(source, index);
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index + 1;
  }
  return -1;
}

/** A repetition at `index` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe non-greedy): its least count and length. */
function repetitionAt(source: string, index: number): { min: number; length: number } | undefined {
  const found = /^(?:([*+?])|\{(\d+)(?:,\d*)?\})\??/.exec(source.slice(index, index + 24));
  if (!found) return undefined;
  return { min: found[1] === '+' ? 1 : found[1] ? 0 : Number(found[2]), length: found[0].length };
}

/** Characters GLOB gives a meaning to outside a class, written so they match only themselves. */
const globLiteral = (char: string): string => (char === '*' || char === '?' || char === '[' ? `[${char}]` : char);

/** A class GLOB can hold as it is: ASCII letters, digits, ranges of them and plain punctuation, maybe negated. */
const PLAIN_CLASS = /^\[\^?(?:[A-Za-z0-9](?:-[A-Za-z0-9])?|[_ .,:;=/@#%&~!"'+<>])+\]$/;

/**
 * A GLOB pattern that every text the RE2 pattern `source` finds a case-sensitive match in also matches, or
 * undefined when none can be built (an alternation at the top, an inline flag, an escape it does not know).
 * Filter mode adds it to the SQL prefilter, so SQLite drops most lines that hold the regex's literal but do not
 * match it before they are read into JavaScript (logs/log-filter.ts). It may let through lines the regex
 * rejects, never the other way round: a group becomes `*`, a class it cannot copy or `.` becomes `?`, anchors
 * and word boundaries are dropped, and a repeated atom becomes the atom then `*` (or `*` when it may be absent).
 */
export function globShadow(source: string): string | undefined {
  if (/\(\?[a-zA-Z-]*[a-zA-Z][a-zA-Z-]*[:)]/.test(source)) return undefined;
  const parts: string[] = ['*'];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    /** What one occurrence of the atom matches in GLOB; undefined: only `*` can stand for it. */
    let atom: string | undefined;
    // A repetition with nothing before it repeats an assertion (`^*`), or RE2 would have refused it.
    if (char === '|' || repetitionAt(source, index)) return undefined;
    if (char === '^' || char === '$') {
      index++;
      continue;
    }
    if (char === '(') {
      index = groupEnd(source, index);
      if (index === -1) return undefined;
    } else if (char === '[') {
      const end = classEnd(source, index);
      if (end >= source.length) return undefined;
      const glob = source.slice(index, end + 1);
      atom = PLAIN_CLASS.test(glob) ? glob : '?';
      index = end + 1;
    } else if (char === '\\') {
      const next = source[index + 1];
      if (next === undefined) return undefined;
      index += 2;
      if ('bBAz'.includes(next)) continue;
      if (next === 'd') atom = '[0-9]';
      else if (next === 'w') atom = '[0-9A-Z_a-z]';
      else if ('DWsStnrfva'.includes(next)) atom = '?';
      else if (/[A-Za-z0-9]/.test(next)) return undefined;
      else atom = globLiteral(next);
    } else if (char === '.') {
      atom = '?';
      index++;
    } else {
      atom = globLiteral(char);
      index++;
    }
    const repetition = repetitionAt(source, index);
    if (repetition) index += repetition.length;
    if (atom === undefined || (repetition && repetition.min === 0)) parts.push('*');
    else parts.push(repetition ? `${atom}*` : atom);
  }
  parts.push('*');
  return parts.join('').replace(/\*+/g, '*');
}
