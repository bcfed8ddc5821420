/** One complete line as the assembler hands it over. */
export interface AssembledLine {
  /** UTF-8 decoded; invalid bytes became U+FFFD. NUL and escape bytes are kept as they are. */
  readonly text: string;
  /** True when the line was longer than the cap: `text` holds its first bytes, the rest was dropped. */
  readonly cut: boolean;
  /**
   * The exact bytes, only when `text` cannot reproduce them (invalid UTF-8). The store keeps them
   * so hostile content stays byte-faithful; everything else round-trips through `text`.
   */
  readonly raw?: Buffer;
}

/** A line of a source that separates stdout from stderr (Docker's log stream), as the log writer takes it. */
export interface DemuxedLine extends AssembledLine {
  readonly stream: 'stdout' | 'stderr';
  /** With `timestamps`: the line's time in ms since the epoch, from Docker's prefix. */
  readonly ts?: number;
  /** With `timestamps`: Docker's RFC 3339 (nanosecond) stamp as sent, for resuming and de-duplicating. */
  readonly timestamp?: string;
}

/** Receives each chunk's complete lines. Return a promise to hold the source until it settles. */
export type DemuxedLinesHandler = (lines: DemuxedLine[]) => void | Promise<void>;

export interface LineAssemblerOptions {
  /** Longest line kept, in bytes; longer ones are cut to this and marked. Default 64 KiB. */
  readonly maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 65_536;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Backs off from `end` to the start of a UTF-8 sequence that does not fit, so a cut never splits a character. */
function utf8Boundary(bytes: Buffer, start: number, end: number): number {
  let index = end;
  // At most 3 continuation bytes (10xxxxxx) precede the byte at `end` inside one character.
  for (let back = 0; back < 3 && index > start; back++) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) !== 0x80) break;
    index--;
  }
  if (index === end) return end;
  const lead = bytes[index]!;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return index + length > end ? index : end;
}

function decode(bytes: Buffer, start: number, end: number, cut: boolean): AssembledLine {
  const text = bytes.toString('utf8', start, end);
  // U+FFFD in the text means invalid bytes or a literal U+FFFD; only the first needs the raw bytes.
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes.subarray(start, end))) {
    return { text, cut, raw: Buffer.from(bytes.subarray(start, end)) };
  }
  return { text, cut };
}

/**
 * Bytes in, lines out (docs/architecture.md, "How data flows"). Splits on `\n` and drops one trailing `\r`;
 * since 0x0A never occurs inside a UTF-8 sequence, a character split across chunks is decoded
 * whole. A line longer than the cap is cut at a character boundary and the rest of it, up to the
 * next `\n`, is discarded, so memory per stream stays at most the cap. The partial last line waits
 * for more bytes; `end()` flushes it.
 */
export class LineAssembler {
  private readonly maxLineBytes: number;
  /** Bytes of the current (unfinished) line: at most the cap plus one (room for a trailing `\r`). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The current line passed the cap: its head was emitted, skip to the next newline. */
  private discarding = false;

  constructor(options: LineAssemblerOptions = {}) {
    this.maxLineBytes = Math.max(4, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  /** Feeds a chunk; returns the lines it completed, in order. Strings are taken as UTF-8. */
  push(chunk: Uint8Array | string): AssembledLine[] {
    const bytes =
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: AssembledLine[] = [];
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1) {
        if (!this.discarding) this.keep(bytes, start, bytes.length, lines);
        return lines;
      }
      if (this.discarding) this.discarding = false;
      else if (this.partialBytes === 0) this.finish(bytes, start, newline, lines);
      else {
        this.keep(bytes, start, newline, lines);
        if (this.discarding) this.discarding = false;
        else this.finishPartial(lines);
      }
      start = newline + 1;
    }
    return lines;
  }

  /** The stream ended: the partial last line (if any) is a line too. */
  end(): AssembledLine[] {
    const lines: AssembledLine[] = [];
    if (!this.discarding && this.partialBytes > 0) this.finishPartial(lines);
    this.partial = [];
    this.partialBytes = 0;
    this.discarding = false;
    return lines;
  }

  /** Bytes held for the unfinished line (bounded by the cap). */
  get pendingBytes(): number {
    return this.partialBytes;
  }

  /** Turns bytes[start, end) into a line: one trailing `\r` dropped, the cap applied. */
  private finish(bytes: Buffer, start: number, end: number, lines: AssembledLine[]): void {
    let stop = end;
    if (stop > start && bytes[stop - 1] === CARRIAGE_RETURN) stop--;
    if (stop - start > this.maxLineBytes) lines.push(decode(bytes, start, utf8Boundary(bytes, start, start + this.maxLineBytes), true));
    else lines.push(decode(bytes, start, stop, false));
  }

  /** Adds bytes to the unfinished line; once it cannot be within the cap, emits its head as cut and discards the rest. */
  private keep(bytes: Buffer, start: number, end: number, lines: AssembledLine[]): void {
    if (end === start) return;
    if (this.partialBytes + (end - start) <= this.maxLineBytes + 1) {
      // Copy: the caller may reuse its chunk buffer.
      this.partial.push(Buffer.from(bytes.subarray(start, end)));
      this.partialBytes += end - start;
      return;
    }
    const head = Buffer.concat([...this.partial, bytes.subarray(start, start + this.maxLineBytes + 1 - this.partialBytes)]);
    // head holds one byte past the cap so the boundary check can see whether a character continues.
    this.partial = [];
    this.partialBytes = 0;
    lines.push(decode(head, 0, utf8Boundary(head, 0, this.maxLineBytes), true));
    this.discarding = true;
  }

  private finishPartial(lines: AssembledLine[]): void {
    const whole = this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial, this.partialBytes);
    this.partial = [];
    this.partialBytes = 0;
    this.finish(whole, 0, whole.length, lines);
  }
}

/** Splits a whole string into capped lines at once (a trailing newline ends the last line). */
export function splitLines(text: string, options: LineAssemblerOptions = {}): AssembledLine[] {
  const assembler = new LineAssembler(options);
  return [...assembler.push(text), ...assembler.end()];
}
