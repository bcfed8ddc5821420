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
      // Skip the class, honouring escapes and a leading ].
      index++;
      if (source[index] === '^') index++;
      if (source[index] === ']') index++;
      while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
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
