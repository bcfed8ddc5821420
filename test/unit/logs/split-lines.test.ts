import { describe, expect, it } from 'vitest';
import { splitLines } from '../../../electron/engine/logs/line-assembler';

describe('splitLines', () => {
  it('splits a whole string, drops trailing \\r, and keeps an unterminated last line', () => {
    expect(splitLines('a\r\nb\nc').map((line) => line.text)).toEqual(['a', 'b', 'c']);
    expect(splitLines('one\n')).toEqual([{ text: 'one', cut: false }]);
    expect(splitLines('')).toEqual([]);
  });

  it('caps a long line and marks it cut, as the deploy log needs', () => {
    const [line, next] = splitLines(`${'x'.repeat(100)}\nshort`, { maxLineBytes: 10 });
    expect(line).toEqual({ text: 'x'.repeat(10), cut: true });
    expect(next).toEqual({ text: 'short', cut: false });
  });
});
