import { describe, expect, it } from 'vitest';
import { barWidth, linearScale, maxValue, nearestIndex, niceTicks } from '../../../renderer/src/metrics/chart-geometry';

describe('niceTicks', () => {
  it('runs from 0 in round steps to the first round value at or above the max', () => {
    expect(niceTicks(83, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(100, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(1536, 5)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(35, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(7, 5)).toEqual([0, 2, 4, 6, 8]);
  });

  it('gives clean decimals for small values', () => {
    expect(niceTicks(0.9, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.07, 4)).toEqual([0, 0.025, 0.05, 0.075]);
    expect(niceTicks(0.3, 4)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('always ends at or above the max, whatever the count', () => {
    for (const max of [1, 3, 9.99, 42, 99.5, 250, 1001, 12_345]) {
      for (const count of [2, 3, 5, 8]) {
        const ticks = niceTicks(max, count);
        expect(ticks[0]).toBe(0);
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
        expect(ticks.length).toBeLessThanOrEqual(count + 1);
      }
    }
  });

  it('keeps every tick whole for counts', () => {
    expect(niceTicks(2, 5, true)).toEqual([0, 1, 2]);
    expect(niceTicks(3, 5, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 5, true)).toEqual([0, 1]);
    // Where the round step would be 2.5, whole ticks step by 5.
    expect(niceTicks(9, 5, true)).toEqual([0, 5, 10]);
    expect(niceTicks(40, 5, true)).toEqual([0, 10, 20, 30, 40]);
    for (let max = 0; max <= 60; max += 1) {
      const ticks = niceTicks(max, 5, true);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
    }
  });

  it('draws an axis of 0 to 1 when there is nothing above 0', () => {
    expect(niceTicks(0, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(Number.NaN, 2)).toEqual([0, 1]);
  });
});

describe('nearestIndex', () => {
  const points = [{ t: 100 }, { t: 200 }, { t: 300 }, { t: 400 }, { t: 500 }];

  it('finds the exact sample and the nearer neighbour between samples', () => {
    expect(nearestIndex(points, 300)).toBe(2);
    expect(nearestIndex(points, 340)).toBe(2);
    expect(nearestIndex(points, 360)).toBe(3);
    // A tie goes to the earlier sample.
    expect(nearestIndex(points, 250)).toBe(1);
  });

  it('clamps to the first and last sample outside the range', () => {
    expect(nearestIndex(points, -1_000)).toBe(0);
    expect(nearestIndex(points, 10_000)).toBe(4);
  });

  it('agrees with a linear scan on uneven times', () => {
    const uneven = [3, 4, 10, 11, 12, 40, 41, 90, 200, 201].map((t) => ({ t }));
    for (let t = 0; t <= 210; t += 0.5) {
      let best = 0;
      for (let index = 1; index < uneven.length; index += 1) if (Math.abs(uneven[index]!.t - t) < Math.abs(uneven[best]!.t - t)) best = index;
      expect(nearestIndex(uneven, t)).toBe(best);
    }
  });

  it('is -1 without points and 0 with one', () => {
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex([{ t: 9 }], 5)).toBe(0);
  });
});

describe('scales and extent', () => {
  it('maps a domain onto a range, inverted for the y axis', () => {
    const y = linearScale(0, 2000, 156, 8);
    expect(y(0)).toBe(156);
    expect(y(2000)).toBe(8);
    expect(y(1000)).toBe(82);
    expect(linearScale(5, 5, 10, 20)(123)).toBe(10);
  });

  it('takes the largest finite value over all the given fields', () => {
    const points = [
      { t: 0, a: 3, b: Number.POSITIVE_INFINITY },
      { t: 1, a: 7, b: 2 },
    ];
    expect(maxValue(points, [(point) => point.a, (point) => point.b])).toBe(7);
    expect(maxValue([], [])).toBe(0);
  });
});

describe('barWidth', () => {
  it('is 0.8 of the smallest gap between neighbouring points, so bars never touch', () => {
    const x = linearScale(0, 1_000, 48, 348);
    // Gaps of 100, 150 and 450 units: 30, 45 and 135 px; the smallest sets every bar.
    const width = barWidth([0, 100, 250, 700].map((t) => ({ t })), x, 300);
    expect(width).toBeCloseTo(24, 9);
    expect(width).toBeLessThan(30);
  });

  it('is at least 1 px however dense the points', () => {
    const dense = Array.from({ length: 1_000 }, (_, index) => ({ t: index }));
    expect(barWidth(dense, linearScale(-10, 1_010, 48, 348), 300)).toBe(1);
  });

  it('gives a lone point, or points at one time, 0.8 of the plot', () => {
    expect(barWidth([{ t: 50 }], (t) => t, 100)).toBe(80);
    expect(barWidth([{ t: 50 }, { t: 50 }], (t) => t, 100)).toBe(80);
    expect(barWidth([], (t) => t, 100)).toBe(80);
  });
});
