import { describe, expect, it } from 'vitest';
import { barRects, linearScale, maxValue, nearestIndex, niceTicks, seriesPath } from '../../../renderer/src/metrics/chart-geometry';

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

describe('seriesPath', () => {
  const identity = (value: number) => value;
  const points = [
    { t: 0, used: 10, limit: 50 },
    { t: 10, used: 20, limit: 50 },
    { t: 20, used: 15.25, limit: 80 },
  ];

  it('moves to the first point, then draws one L per further point, to one decimal', () => {
    const d = seriesPath(points, (point) => point.used, identity, identity);
    expect(d).toBe('M0.0,10.0L10.0,20.0L20.0,15.3');
    expect(d.split('L').length).toBe(points.length);
  });

  it('applies the scales', () => {
    const x = linearScale(0, 20, 48, 248);
    const y = linearScale(0, 100, 180, 0);
    expect(seriesPath(points, (point) => point.used, x, y)).toBe('M48.0,162.0L148.0,144.0L248.0,152.6');
  });

  it('draws stepAfter as horizontal to the next time, then vertical to its value', () => {
    const d = seriesPath(points, (point) => point.limit, identity, identity, true);
    expect(d).toBe('M0.0,50.0L10.0,50.0L10.0,50.0L20.0,50.0L20.0,80.0');
  });

  it('leaves a gap at a missing value and starts again with M', () => {
    const gappy = [
      { t: 0, v: 1 },
      { t: 1, v: Number.NaN },
      { t: 2, v: 3 },
      { t: 3, v: 4 },
    ];
    expect(seriesPath(gappy, (point) => point.v, identity, identity)).toBe('M0.0,1.0M2.0,3.0L3.0,4.0');
    expect(seriesPath([], (point: { t: number }) => point.t, identity, identity)).toBe('');
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

describe('barRects', () => {
  const identity = (value: number) => value;
  // y grows downwards: 0 sits at 100, 10 at 0.
  const y = linearScale(0, 10, 100, 0);

  it('centres a bar on each point with a value, standing on y(0), 0.8 of the smallest gap wide', () => {
    const points = [
      { t: 100, failures: 5 },
      { t: 110, failures: 0 },
      { t: 120, failures: 10 },
      { t: 150, failures: 2 },
    ];
    expect(barRects(points, (point) => point.failures, identity, y, 0, 200)).toEqual([
      { x: 96, y: 50, width: 8, height: 50 },
      { x: 116, y: 0, width: 8, height: 100 },
      { x: 146, y: 80, width: 8, height: 20 },
    ]);
  });

  it('leaves out zero, negative and missing values', () => {
    const points = [
      { t: 10, v: 0 },
      { t: 20, v: Number.NaN },
      { t: 30, v: -1 },
      { t: 40, v: 1 },
    ];
    const rects = barRects(points, (point) => point.v, identity, y, 0, 100);
    expect(rects).toHaveLength(1);
    expect(rects[0]!.x + rects[0]!.width / 2).toBe(40);
  });

  it('cuts bars at the plot edges and drops a bar wholly outside', () => {
    const points = [
      { t: 0, v: 1 },
      { t: 10, v: 1 },
      { t: 100, v: 1 },
      { t: 200, v: 1 },
    ];
    const rects = barRects(points, (point) => point.v, identity, y, 2, 100);
    expect(rects.map((rect) => [rect.x, rect.width])).toEqual([
      [2, 2],
      [6, 8],
      [96, 4],
    ]);
    for (const rect of rects) {
      expect(rect.x).toBeGreaterThanOrEqual(2);
      expect(rect.x + rect.width).toBeLessThanOrEqual(100);
    }
  });

  it('never overlaps neighbours on a real scale and is at least 1 px wide', () => {
    // 1,000 points about 0.3 px apart, clear of both edges: every bar gets the 1 px minimum.
    const dense = Array.from({ length: 1_000 }, (_, index) => ({ t: index, v: 1 + (index % 3) }));
    const denseRects = barRects(dense, (point) => point.v, linearScale(-10, 1_010, 48, 348), y, 48, 348);
    expect(denseRects).toHaveLength(1_000);
    for (const rect of denseRects) expect(rect.width).toBeCloseTo(1, 9);
    // Uneven gaps: the smallest (100 units = 30 px) sets every width, so no bar reaches its neighbour.
    const x = linearScale(0, 1_000, 48, 348);
    const sparse = [0, 100, 250, 700].map((t) => ({ t, v: 1 }));
    const rects = barRects(sparse, (point) => point.v, x, y, 48, 348);
    expect(rects[1]!.width).toBeCloseTo(24, 9);
    expect(rects[3]!.width).toBeCloseTo(24, 9);
    for (let index = 1; index < rects.length; index += 1) expect(rects[index]!.x).toBeGreaterThan(rects[index - 1]!.x + rects[index - 1]!.width);
  });

  it('gives a lone point 0.8 of the plot and draws nothing without points', () => {
    expect(barRects([{ t: 50, v: 1 }], (point) => point.v, identity, y, 0, 100)).toEqual([{ x: 10, y: 90, width: 80, height: 10 }]);
    expect(barRects([], (point: { t: number }) => point.t, identity, y, 0, 100)).toEqual([]);
  });
});
