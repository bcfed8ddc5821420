import { describe, expect, it } from 'vitest';
import { chartKeyAction } from '../../../renderer/src/metrics/chart-keys';

describe('chartKeyAction', () => {
  it('moves the tooltip one sample with the arrows, and stops at either end', () => {
    expect(chartKeyAction('ArrowLeft', 5, 10)).toEqual({ kind: 'show', index: 4 });
    expect(chartKeyAction('ArrowRight', 5, 10)).toEqual({ kind: 'show', index: 6 });
    expect(chartKeyAction('ArrowLeft', 0, 10)).toEqual({ kind: 'show', index: 0 });
    expect(chartKeyAction('ArrowRight', 9, 10)).toEqual({ kind: 'show', index: 9 });
  });

  it('starts from the latest sample with ← and the earliest with → when no tooltip shows', () => {
    expect(chartKeyAction('ArrowLeft', null, 10)).toEqual({ kind: 'show', index: 9 });
    expect(chartKeyAction('ArrowRight', null, 10)).toEqual({ kind: 'show', index: 0 });
  });

  it('jumps to the ends with Home and End, and a tenth of the samples with PageUp and PageDown', () => {
    expect(chartKeyAction('Home', 50, 600)).toEqual({ kind: 'show', index: 0 });
    expect(chartKeyAction('End', 50, 600)).toEqual({ kind: 'show', index: 599 });
    expect(chartKeyAction('PageUp', 300, 600)).toEqual({ kind: 'show', index: 240 });
    expect(chartKeyAction('PageDown', 300, 600)).toEqual({ kind: 'show', index: 360 });
    expect(chartKeyAction('PageUp', 10, 600)).toEqual({ kind: 'show', index: 0 });
    expect(chartKeyAction('PageDown', 590, 600)).toEqual({ kind: 'show', index: 599 });
    // A page is at least one sample.
    expect(chartKeyAction('PageDown', 1, 4)).toEqual({ kind: 'show', index: 2 });
  });

  it('picks the shown sample with Enter or Space, and does nothing without one', () => {
    expect(chartKeyAction('Enter', 7, 10)).toEqual({ kind: 'pick', index: 7 });
    expect(chartKeyAction(' ', 7, 10)).toEqual({ kind: 'pick', index: 7 });
    expect(chartKeyAction('Enter', null, 10)).toBeNull();
  });

  it('hides the tooltip with Escape, and leaves every other key to the page', () => {
    expect(chartKeyAction('Escape', 3, 10)).toEqual({ kind: 'hide' });
    expect(chartKeyAction('Escape', null, 10)).toBeNull();
    for (const key of ['Tab', 'a', '?', 'ArrowUp', 'ArrowDown']) expect(chartKeyAction(key, 3, 10)).toBeNull();
  });

  it('does nothing on an empty chart', () => {
    for (const key of ['ArrowLeft', 'ArrowRight', 'Home', 'End', 'Enter']) expect(chartKeyAction(key, null, 0)).toBeNull();
  });
});
