/**
 * The full-history search index: for every block of SEARCH_BLOCK_LINES consecutive lines of a
 * deployment, a bitset with one bit per hashed trigram of their text. A search hashes the query's
 * trigrams and reads only the blocks whose bits hold all of them. It is a Bloom-style filter:
 * false positives cost a block scan, false negatives cannot happen. Far cheaper to maintain
 * than FTS5 (a few ns per character in the writer, 2 bytes per line on disk), and it reduces a
 * rare-string search over millions of lines to a handful of block scans.
 *
 * Text is indexed by UTF-16 code unit with ASCII A–Z folded to a–z, so one index serves
 * case-sensitive and case-insensitive queries alike.
 */
export const SEARCH_BLOCK_LINES = 4096;
export const SEARCH_BLOCK_BITS = 65_536;
export const SEARCH_BLOCK_BYTES = SEARCH_BLOCK_BITS / 8;

export const blockOfLine = (lineNo: number): number => Math.floor((lineNo - 1) / SEARCH_BLOCK_LINES);
export const firstLineOfBlock = (blockNo: number): number => blockNo * SEARCH_BLOCK_LINES + 1;
export const lastLineOfBlock = (blockNo: number): number => (blockNo + 1) * SEARCH_BLOCK_LINES;

const fold = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

/** Fibonacci hashing of the three code units; the top 16 bits pick the bit. */
function trigramBit(a: number, b: number, c: number): number {
  return Math.imul((a << 16) ^ (b << 8) ^ c ^ (c << 21), 0x9e3779b1) >>> 16;
}

/** Sets the bits of every trigram of `text`. */
export function indexText(bits: Uint8Array, text: string): void {
  const length = text.length;
  if (length < 3) return;
  let a = fold(text.charCodeAt(0));
  let b = fold(text.charCodeAt(1));
  for (let index = 2; index < length; index++) {
    const c = fold(text.charCodeAt(index));
    const bit = trigramBit(a, b, c);
    bits[bit >>> 3]! |= 1 << (bit & 7);
    a = b;
    b = c;
  }
}

/**
 * The bits a block must hold to possibly contain `literal`, or undefined when the literal is too
 * short to filter on. Case-insensitive queries skip trigrams with non-ASCII characters, whose
 * other-case forms the index cannot know.
 */
export function requiredBits(literal: string, caseSensitive: boolean): number[] | undefined {
  const bits = new Set<number>();
  for (let index = 2; index < literal.length; index++) {
    const a = literal.charCodeAt(index - 2);
    const b = literal.charCodeAt(index - 1);
    const c = literal.charCodeAt(index);
    if (!caseSensitive && (a > 127 || b > 127 || c > 127)) continue;
    bits.add(trigramBit(fold(a), fold(b), fold(c)));
  }
  return bits.size > 0 ? [...bits] : undefined;
}

export function blockMayContain(bits: Uint8Array, required: readonly number[]): boolean {
  for (const bit of required) if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
  return true;
}
