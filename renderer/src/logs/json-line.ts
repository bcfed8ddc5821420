// JSON log lines in the viewer: coloured in place (keys, strings, numbers, literals) on their one row, and
// pretty-printed when a line is opened. Both are bounded so a hostile line cannot stall the renderer: the
// colouring is one linear pass with no parse and no recursion (deep nesting costs nothing extra), and
// lines past the caps are shown raw (docs/architecture.md, "The log viewer").

const ESC = '\x1b';

/** Lines up to this many characters are coloured; longer ones are shown as they are. */
export const JSON_COLOUR_CAP = 16_384;
/** Lines up to this many characters can be opened pretty-printed; longer ones open raw. */
export const JSON_PRETTY_CAP = 256 * 1024;
/** A pretty view deeper than this is shown raw: JSON.parse would manage, but nobody reads it. */
const PRETTY_DEPTH_CAP = 64;

export const JSON_SGR = { key: '36', string: '32', number: '33', literal: '35' } as const;

/** True for a line that is one JSON object (by its first and last characters) and short enough to colour. */
export function isJsonLine(text: string): boolean {
  if (text.length < 2 || text.length > JSON_COLOUR_CAP) return false;
  let start = 0;
  while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start += 1;
  if (text.charCodeAt(start) !== 123) return false;
  let end = text.length - 1;
  while (end > start && (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9)) end -= 1;
  // Control characters (an escape sequence, a stray NUL) mean it is not plain JSON: the sanitizer handles those.
  // eslint-disable-next-line no-control-regex
  return text.charCodeAt(end) === 125 && !/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(text);
}

export type JsonTokenKind = keyof typeof JSON_SGR | 'plain';

/**
 * The text cut into tokens: keys, string values, numbers, `true`/`false`/`null`, and the punctuation and
 * whitespace between them. One linear pass, no parse: it works on text that is not valid JSON too.
 */
export function jsonTokens(text: string): { kind: JsonTokenKind; text: string }[] {
  const tokens: { kind: JsonTokenKind; text: string }[] = [];
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    let end = index + 1;
    let kind: JsonTokenKind = 'plain';
    if (code === 34) {
      while (end < text.length && text.charCodeAt(end) !== 34) end += text.charCodeAt(end) === 92 ? 2 : 1;
      end = Math.min(end + 1, text.length);
      let after = end;
      while (after < text.length && /\s/.test(text[after]!)) after += 1;
      kind = text.charCodeAt(after) === 58 ? 'key' : 'string';
    } else if (code === 45 || (code >= 48 && code <= 57)) {
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end += 1;
      kind = 'number';
    } else if (text.startsWith('true', index) || text.startsWith('null', index) || text.startsWith('false', index)) {
      end = index + (code === 102 ? 5 : 4);
      kind = 'literal';
    } else {
      // Punctuation and whitespace, up to the next token.
      while (end < text.length && !/["\-0-9tfn]/.test(text[end]!)) end += 1;
    }
    tokens.push({ kind, text: text.slice(index, end) });
    index = end;
  }
  return tokens;
}

/**
 * The line with its tokens coloured: keys, string values, numbers and `true`/`false`/`null`. `base` is the
 * line's own SGR (stream colour, error background), restored after every token.
 */
export function colourJson(text: string, base: string): string {
  const restore = base ? `${ESC}[0;${base}m` : `${ESC}[0m`;
  let out = '';
  for (const token of jsonTokens(text)) out += token.kind === 'plain' ? token.text : `${ESC}[${JSON_SGR[token.kind]}m${token.text}${restore}`;
  return out;
}

function depthWithin(value: unknown, cap: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= cap) return false;
    for (const child of Object.values(item as object)) stack.push([child, depth + 1]);
  }
  return true;
}

/** The line pretty-printed (two-space indent), or null when it is not JSON or past the caps: show it raw. */
export function prettyJson(text: string): string | null {
  if (text.length > JSON_PRETTY_CAP || !isJsonObjectText(text)) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!depthWithin(value, PRETTY_DEPTH_CAP)) return null;
    return JSON.stringify(value, null, 2);
  } catch {
    // Not JSON; or (past the depth check, should it ever change) a structure too deep for the stack.
    return null;
  }
}

function isJsonObjectText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('{') && trimmed.endsWith('}');
}
