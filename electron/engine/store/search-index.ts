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
 *
 * A full block also gets line slices (migration 014), built after the fact by logs/line-slice-indexer.ts:
 * LINE_SLICES bitsets of one bit per line, bit l of slice s set when line l of the block has a trigram whose
 * bit falls in slice s (its bit modulo LINE_SLICES). A filter ANDs the few slices its literal needs and reads
 * only the lines left (about 3% for a literal on 2% of lines), where the block bits alone cannot help: a
 * literal on every hundredth line is in every block. Bit-sliced, so a query reads 512 bytes per slice it needs,
 * not the 128 KB of the whole block. 32 bytes per line on disk. Slices are little-endian 32-bit words.
 */
export const SEARCH_BLOCK_LINES = 4096;
export const SEARCH_BLOCK_BITS = 65_536;
export const SEARCH_BLOCK_BYTES = SEARCH_BLOCK_BITS / 8;

/** Slices per full block; a trigram's bit modulo this picks its slice. */
export const LINE_SLICES = 256;
/** One bit per line of the block. */
export const LINE_SLICE_BYTES = SEARCH_BLOCK_LINES / 8;

export const blockOfLine = (lineNo: number): number => Math.floor((lineNo - 1) / SEARCH_BLOCK_LINES);
export const firstLineOfBlock = (blockNo: number): number => blockNo * SEARCH_BLOCK_LINES + 1;
export const lastLineOfBlock = (blockNo: number): number => (blockNo + 1) * SEARCH_BLOCK_LINES;

const fold = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

/** Fibonacci hashing of the three code units; the top 16 bits pick the bit. */
function trigramBit(a: number, b: number, c: number): number {
  return Math.imul((a << 16) ^ (b << 8) ^ c ^ (c << 21), 0x9e3779b1) >>> 16;
}

/** 32-bit words of one line's signature: one bit per slice. */
export const LINE_SIGNATURE_WORDS = LINE_SLICES / 32;

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
 * Sets a line's slice bits, one per trigram of `text` (its trigram bit modulo LINE_SLICES), in the
 * LINE_SIGNATURE_WORDS words of `signatures` from `at`: a block's lines are signed line-major, then turned
 * slice-major by `sliceMajor`. The trigram loop is indexText's, written out again on purpose: a callback per
 * trigram would slow the log writer, which runs indexText on every line.
 */
export function signLine(signatures: Int32Array, at: number, text: string): void {
  const length = text.length;
  if (length < 3) return;
  let a = fold(text.charCodeAt(0));
  let b = fold(text.charCodeAt(1));
  for (let index = 2; index < length; index++) {
    const c = fold(text.charCodeAt(index));
    const bit = trigramBit(a, b, c);
    // Slice bit & (LINE_SLICES - 1): word (bit >>> 5) & 7 of the signature, bit & 31 within it.
    signatures[at + ((bit >>> 5) & (LINE_SIGNATURE_WORDS - 1))]! |= 1 << (bit & 31);
    a = b;
    b = c;
  }
}

/**
 * A full block's line signatures (SEARCH_BLOCK_LINES × LINE_SIGNATURE_WORDS words, line-major) as its slices
 * (LINE_SLICES × LINE_SLICE_BYTES, slice-major: bit l of slice s is bit s of line l's signature), by 32×32 bit
 * transposes.
 */
export function sliceMajor(signatures: Int32Array): Uint8Array {
  const groups = SEARCH_BLOCK_LINES / 32;
  const slices = new Int32Array((LINE_SLICES * LINE_SLICE_BYTES) / 4);
  const tile = new Int32Array(32);
  for (let group = 0; group < groups; group++) {
    for (let word = 0; word < LINE_SIGNATURE_WORDS; word++) {
      for (let line = 0; line < 32; line++) tile[line] = signatures[(group * 32 + line) * LINE_SIGNATURE_WORDS + word]!;
      transpose32(tile);
      for (let bit = 0; bit < 32; bit++) slices[(word * 32 + bit) * groups + group] = tile[bit]!;
    }
  }
  return new Uint8Array(slices.buffer);
}

/** Transposes a 32×32 bit matrix in place (bit c of word r becomes bit r of word c), swapping ever smaller blocks. */
function transpose32(rows: Int32Array): void {
  let mask = 0x0000ffff;
  for (let width = 16; width !== 0; width >>>= 1, mask ^= mask << width) {
    for (let row = 0; row < 32; row = ((row | width) + 1) & ~width) {
      const swap = ((rows[row]! >>> width) ^ rows[row | width]!) & mask;
      rows[row | width]! ^= swap;
      rows[row]! ^= swap << width;
    }
  }
}

/** The slices a line must be in to possibly hold a literal with these required bits (`requiredBits`). */
export function requiredSlices(bits: readonly number[]): number[] {
  return [...new Set(bits.map((bit) => bit & (LINE_SLICES - 1)))].sort((x, y) => x - y);
}

/**
 * The lineNos in [from, to] of block `blockNo` that are in every one of `slices` (each LINE_SLICE_BYTES
 * long): the lines that may hold the literal. Lines of the block that are not stored (evicted) may be listed.
 */
export function linesInAllSlices(slices: readonly Uint8Array[], blockNo: number, from: number, to: number): number[] {
  const words = LINE_SLICE_BYTES / 4;
  const all = new Int32Array(words).fill(-1);
  for (const slice of slices) {
    // A view needs 4-byte alignment; a blob from SQLite has it, a slice of a pooled Buffer may not.
    const view = slice.byteOffset % 4 === 0 ? new Int32Array(slice.buffer, slice.byteOffset, words) : new Int32Array(Uint8Array.from(slice.subarray(0, LINE_SLICE_BYTES)).buffer);
    for (let word = 0; word < words; word++) all[word]! &= view[word]!;
  }
  const base = firstLineOfBlock(blockNo);
  const lines: number[] = [];
  for (let word = Math.max(0, (from - base) >> 5); word < words; word++) {
    let bits = all[word]!;
    while (bits !== 0) {
      const lineNo = base + word * 32 + (31 - Math.clz32(bits & -bits));
      if (lineNo > to) return lines;
      if (lineNo >= from) lines.push(lineNo);
      bits &= bits - 1;
    }
  }
  return lines;
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
