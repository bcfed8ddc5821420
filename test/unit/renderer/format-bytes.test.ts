// The Disk panel's sizes and the log budget's wording count bytes the same way (binary units, shared/log-trim.ts).
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../renderer/src/common/format';
import { formatBudget } from '../../../shared/log-trim';

describe('byte counts', () => {
  it('formatBytes: bytes as they are, one decimal below 100 of a unit, whole numbers above; nothing for nonsense', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(150 * 1024 ** 2)).toBe('150 MB');
    expect(formatBytes(1.4 * 1024 ** 3)).toBe('1.4 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('the panel and the budget agree on the unit', () => {
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GB');
    expect(formatBudget(2 * 1024 ** 3)).toBe('2 GB');
  });
});
