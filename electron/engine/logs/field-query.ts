// The filter box's language (docs/product-rules.md, "Filter mode"). Without `regex`, the box is split
// into terms at spaces; a double-quoted term keeps its spaces. A term that starts with a key and an
// operator (`level:error`, `status>=500`, `user.id=42`, `msg~"timeout"`) is a field term, matched
// against the fields of JSON lines; any other term is text the line must contain. Every term must
// hold (AND). With `regex`, the whole box is one RE2 pattern and there are no field terms.
import { EngineError } from '../engine-error';

export const FIELD_OPERATORS = [':', '=', '!=', '>=', '>', '<=', '<', '~'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

export interface FieldTerm {
  /** The dotted path as written: `user.id`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly operator: FieldOperator;
  /** The value as written (quotes removed). */
  readonly value: string;
  /** The value as a number, for comparisons and numeric equality; NaN when it is not one. */
  readonly number: number;
}

export interface FilterQuery {
  /** Literal text every matching line contains. */
  readonly textTerms: readonly string[];
  readonly fieldTerms: readonly FieldTerm[];
}

/** JSON lines longer than this are not parsed: a field term never matches them (docs/product-rules.md). */
export const FIELD_QUERY_MAX_LINE = 64 * 1024;

const FIELD_TERM = /^([A-Za-z_@$][\w@$-]*(?:\.[\w@$-]+)*)(!=|>=|<=|:|=|>|<|~)([\s\S]*)$/;
const NUMERIC: ReadonlySet<FieldOperator> = new Set(['>=', '>', '<=', '<']);

function invalid(field: string, message: string): EngineError {
  return new EngineError('VALIDATION_FAILED', `${field}: ${message}`, field);
}

/** Splits the box into raw terms; quotes stay in the term so the caller knows what was quoted. */
function splitTerms(box: string, field: string): string[] {
  const terms: string[] = [];
  let index = 0;
  while (index < box.length) {
    while (index < box.length && /\s/.test(box[index]!)) index++;
    if (index >= box.length) break;
    const start = index;
    while (index < box.length && !/\s/.test(box[index]!)) {
      if (box[index] === '"') {
        const opened = index;
        index++;
        while (index < box.length && box[index] !== '"') index += box[index] === '\\' ? 2 : 1;
        if (index >= box.length) throw invalid(field, `the quote opened at character ${opened + 1} is not closed. Close it with " (write \\" for a quote inside).`);
      }
      index++;
    }
    terms.push(box.slice(start, index));
  }
  return terms;
}

/** `"a \"b\""` → `a "b"`. */
function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

const isQuoted = (term: string): boolean => term.length >= 2 && term.startsWith('"') && term.endsWith('"');

/** Parses the filter box (not in regex mode). `field` names the input in errors (`filter`). */
export function parseFilterQuery(box: string, field = 'filter'): FilterQuery {
  const textTerms: string[] = [];
  const fieldTerms: FieldTerm[] = [];
  for (const term of splitTerms(box, field)) {
    if (term.startsWith('"')) {
      const text = unquote(term);
      if (text === '') throw invalid(field, 'an empty quoted term ("") matches every line. Remove it or put text between the quotes.');
      textTerms.push(text);
      continue;
    }
    const parts = FIELD_TERM.exec(term);
    if (!parts) {
      textTerms.push(term);
      continue;
    }
    const [, key, operator, rawValue] = parts as unknown as [string, string, FieldOperator, string];
    if (rawValue === '')
      throw invalid(field, `"${term}" has no value after "${operator}". Write a value (${key}${operator}value), or quote the term ("${term}") to find it as text.`);
    const value = isQuoted(rawValue) ? unquote(rawValue) : rawValue;
    if (!isQuoted(rawValue) && rawValue.includes('"'))
      throw invalid(field, `"${term}": a quoted value must be the whole value (${key}${operator}"two words").`);
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (NUMERIC.has(operator) && !Number.isFinite(number))
      throw invalid(field, `"${term}": ${operator} compares numbers, and "${value}" is not one. Quote the term ("${term}") to find it as text.`);
    fieldTerms.push({ key, path: key.split('.'), operator, value, number });
  }
  if (textTerms.length === 0 && fieldTerms.length === 0) throw invalid(field, 'the filter is empty. Type text to find, or a field term such as level:error.');
  return { textTerms, fieldTerms };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The value at a dotted path: a key holding the dots itself (`"user.id": 1`) wins over nesting. */
function valueAt(object: Json, term: FieldTerm): Json | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  if (term.path.length > 1 && Object.hasOwn(object, term.key)) return object[term.key];
  let current: Json | undefined = object;
  for (const segment of term.path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function asNumber(value: Json | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function equals(value: Json | undefined, term: FieldTerm): boolean {
  if (value === undefined || (typeof value === 'object' && value !== null)) return false;
  if (typeof value === 'number') return Number.isFinite(term.number) ? value === term.number : String(value) === term.value;
  return String(value).toLowerCase() === term.value.toLowerCase();
}

function termHolds(object: Json, term: FieldTerm): boolean {
  const value = valueAt(object, term);
  switch (term.operator) {
    case ':':
    case '=':
      return equals(value, term);
    case '!=':
      return !equals(value, term);
    case '~':
      return value !== undefined && (typeof value !== 'object' || value === null) && String(value).toLowerCase().includes(term.value.toLowerCase());
    case '>=':
      return asNumber(value) >= term.number;
    case '>':
      return asNumber(value) > term.number;
    case '<=':
      return asNumber(value) <= term.number;
    case '<':
      return asNumber(value) < term.number;
  }
}

/**
 * Whether a line's JSON fields satisfy every field term. Only lines starting with `{`, up to
 * FIELD_QUERY_MAX_LINE characters, are parsed; anything else (or JSON that does not parse) fails.
 */
export function fieldsMatch(text: string, terms: readonly FieldTerm[]): boolean {
  if (text.charCodeAt(0) !== 123 /* { */ || text.length > FIELD_QUERY_MAX_LINE) return false;
  let object: Json;
  try {
    object = JSON.parse(text) as Json;
  } catch {
    return false;
  }
  for (const term of terms) if (!termHolds(object, term)) return false;
  return true;
}
