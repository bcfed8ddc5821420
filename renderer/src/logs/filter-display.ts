// What the search bar says and highlights in filter mode (docs/product-rules.md, "Filter mode").
import type { FilterQuery } from './filtered-log-source';
import type { FilterState } from './viewer-controller';

// A field term (docs/product-rules.md, "Filter mode"): only its text terms are highlighted in kept lines.
const FIELD_TERM = /^[A-Za-z_@$][\w.-]*(?::|=|!=|>=|<=|>|<|~)/;

/**
 * What to highlight in the kept lines of filter mode: the pattern itself, or the box's text terms.
 * Highlighting only; which lines are kept is the engine's matcher's decision.
 */
export function filterHighlight(query: FilterQuery): string | null {
  if (query.exclude) return null;
  if (query.regex) return query.text;
  const terms = [...query.text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)]
    .map((match) => (match[1] !== undefined ? match[1].replace(/\\"/g, '"') : FIELD_TERM.test(match[2]!) ? '' : match[2]!))
    .filter((term) => term !== '');
  if (terms.length === 0) return null;
  return terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * "1,234 matching lines"; "≥ 1,234 matching lines (counted to line 524,288)" while a count stopped at its
 * work bound ("Count more" goes on).
 */
export function filterCountText(filter: FilterState): string {
  if (filter.error) return filter.error;
  const count = filter.count;
  if (!count) return filter.loading || filter.counting ? 'Counting…' : '';
  const number = count.matches.toLocaleString('en-US');
  const noun = filter.query.exclude ? 'other' : 'matching';
  if (count.truncated) return `≥ ${number} ${noun} lines (counted to line ${count.scannedTo.toLocaleString('en-US')})`;
  return `${number} ${noun} ${count.matches === 1 ? 'line' : 'lines'}`;
}
