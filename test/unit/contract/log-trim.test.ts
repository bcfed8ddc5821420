import { describe, expect, it } from 'vitest';
import { formatBudget, parseTrimMarker, trimMarkerText } from '../../../shared/log-trim';
import { formatTrimMarker } from '../../../renderer/src/logs/line-format';

describe('the log-budget trim marker', () => {
  it('round-trips through its text, and only Berth’s system stream can carry one', () => {
    const text = trimMarkerText({ lines: 1234, fromLineNo: 101, toLineNo: 1334 }, 2 * 1024 ** 3);
    expect(text).toContain('2 GB budget');
    expect(parseTrimMarker({ stream: 'system', text })).toEqual({ lines: 1234, fromLineNo: 101, toLineNo: 1334 });
    // An app printing the same words on stdout or stderr is just a line.
    expect(parseTrimMarker({ stream: 'stdout', text })).toBeNull();
    expect(parseTrimMarker({ stream: 'stderr', text })).toBeNull();
    expect(parseTrimMarker({ stream: 'system', text: 'Container stopped' })).toBeNull();
  });

  it('the viewer draws it as a gap marker (italic, bright black), not as a log line', () => {
    const drawn = formatTrimMarker({ lines: 58000, fromLineNo: 101, toLineNo: 58100 });
    expect(drawn.startsWith(`${String.fromCharCode(27)}[3;`)).toBe(true);
    expect(drawn).toContain('┄┄ ');
    expect(drawn).toContain('58,000 runtime lines trimmed here (lines 101–58100)');
  });

  it('formats budgets in binary units', () => {
    expect(formatBudget(50 * 1024 ** 2)).toBe('50 MB');
    expect(formatBudget(1.5 * 1024 ** 3)).toBe('1.5 GB');
    expect(formatBudget(512)).toBe('512 bytes');
  });
});
