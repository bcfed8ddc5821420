import { describe, expect, it } from 'vitest';
import { linearScale, maxValue, nearestIndex, niceTicks, seriesPath } from '../../../renderer/src/metrics/chart-geometry';

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
