import { describe, expect, it } from 'vitest';
import { LineAssembler, type AssembledLine } from '../../../electron/engine/logs/line-assembler';

function feed(chunks: (Buffer | string)[], maxLineBytes?: number): AssembledLine[] {
  const assembler = new LineAssembler(maxLineBytes === undefined ? {} : { maxLineBytes });
  const lines: AssembledLine[] = [];
  for (const chunk of chunks) lines.push(...assembler.push(chunk));
  lines.push(...assembler.end());
  return lines;
}

/** Every way of splitting `bytes` into two chunks, plus one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let at = 0; at <= bytes.length; at++) out.push([bytes.subarray(0, at), bytes.subarray(at)]);
  out.push([...bytes].map((byte) => Buffer.from([byte])));
  return out;
}

describe('LineAssembler', () => {
  it('splits on \\n, drops one trailing \\r, keeps a partial line until more arrives', () => {
    const assembler = new LineAssembler();
    expect(assembler.push('one\r\ntwo\nthr')).toEqual([
      { text: 'one', cut: false },
      { text: 'two', cut: false },
    ]);
    expect(assembler.pendingBytes).toBe(3);
    expect(assembler.push('ee\r')).toEqual([]);
    expect(assembler.push('\n\n')).toEqual([
      { text: 'three', cut: false },
      { text: '', cut: false },
    ]);
    expect(assembler.push('last')).toEqual([]);
    expect(assembler.end()).toEqual([{ text: 'last', cut: false }]);
    expect(assembler.end()).toEqual([]);
  });

  it('keeps CR overwrites inside a line (only the final \\r before \\n goes)', () => {
    expect(feed(['10%\r50%\r100%\r\r\n'])).toEqual([{ text: '10%\r50%\r100%\r', cut: false }]);
  });

  it('decodes multi-byte UTF-8 split at every byte position', () => {
    const bytes = Buffer.from('héllo 🚀 wörld\nzweite Zeile ✓\n', 'utf8');
    for (const chunks of splits(bytes)) {
      expect(feed(chunks).map((line) => line.text)).toEqual(['héllo 🚀 wörld', 'zweite Zeile ✓']);
    }
  });

  it('turns invalid UTF-8 into U+FFFD without throwing and keeps the raw bytes', () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3, 0x0a, 0xe2, 0x82, 0x0a]);
    for (const chunks of splits(bytes)) {
      const lines = feed(chunks);
      expect(lines.map((line) => line.text)).toEqual(['a\uFFFD\uFFFDb\uFFFD', '\uFFFD']);
      expect(lines[0]!.raw).toEqual(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]));
      expect(lines[1]!.raw).toEqual(Buffer.from([0xe2, 0x82]));
    }
  });

  it('does not attach raw bytes to a valid line that contains a literal U+FFFD', () => {
    expect(feed(['a\uFFFDb\n'])).toEqual([{ text: 'a\uFFFDb', cut: false }]);
  });

  it('stores NUL bytes and escape sequences as they are', () => {
    const hostile = 'a\u0000b\u001b]52;c;ZXZpbA==\u0007\u001b]0;title\u0007\u001bP$qm\u001b\\';
    expect(feed([`${hostile}\n`])).toEqual([{ text: hostile, cut: false }]);
  });

  it('cuts an oversized line at the cap, marks it, and resumes at the next line', () => {
    const long = 'x'.repeat(100);
    for (const chunks of splits(Buffer.from(`${long}\nshort\n${long}`))) {
      expect(feed(chunks, 16)).toEqual([
        { text: 'x'.repeat(16), cut: true },
        { text: 'short', cut: false },
        { text: 'x'.repeat(16), cut: true },
      ]);
    }
  });

  it('never cuts inside a character, and a line of exactly the cap (with \\r\\n) is not cut', () => {
    for (const chunks of splits(Buffer.from('abcdefghijklmno€tail\n', 'utf8'))) {
      expect(feed(chunks, 16)).toEqual([{ text: 'abcdefghijklmno', cut: true }]);
    }
    for (const chunks of splits(Buffer.from(`${'y'.repeat(16)}\r\n${'z'.repeat(17)}\r\n`))) {
      expect(feed(chunks, 16)).toEqual([
        { text: 'y'.repeat(16), cut: false },
        { text: 'z'.repeat(16), cut: true },
      ]);
    }
  });

  it('holds at most the cap for a 1 MB line fed in small chunks', () => {
    const assembler = new LineAssembler();
    const lines: AssembledLine[] = [];
    const chunk = Buffer.alloc(4096, 0x41);
    let maxPending = 0;
    for (let i = 0; i < 256; i++) {
      lines.push(...assembler.push(chunk));
      maxPending = Math.max(maxPending, assembler.pendingBytes);
    }
    lines.push(...assembler.push('\nnext\n'));
    expect(maxPending).toBeLessThanOrEqual(65_537);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.cut).toBe(true);
    expect(lines[0]!.text.length).toBe(65_536);
    expect(lines[1]).toEqual({ text: 'next', cut: false });
  });

  it('does not depend on the caller keeping its chunk buffer', () => {
    const assembler = new LineAssembler();
    const chunk = Buffer.from('abc');
    assembler.push(chunk);
    chunk.fill(0x5a);
    expect(assembler.push('\n')).toEqual([{ text: 'abc', cut: false }]);
  });
});
