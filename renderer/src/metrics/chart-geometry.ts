// Pure geometry of the metric charts: scales, round axis ticks, the nearest sample, the bar width.
// recharts draws with the ticks and bar width given here, and the cursor overlay uses the same scales.
// No DOM here, so the unit tests run it in plain Node.

/** Maps [domainFrom, domainTo] linearly onto [rangeFrom, rangeTo]; a zero-width domain maps to rangeFrom. */
export function linearScale(domainFrom: number, domainTo: number, rangeFrom: number, rangeTo: number): (value: number) => number {
  const span = domainTo - domainFrom;
  if (span === 0) return () => rangeFrom;
  const factor = (rangeTo - rangeFrom) / span;
  return (value) => rangeFrom + (value - domainFrom) * factor;
}

/**
 * About `count` round ticks from 0 up to the first round value at or above `max` (steps of 1, 2, 2.5
 * or 5 times a power of ten). The last tick is the top of the axis. `wholeNumbers` keeps every tick
 * an integer (steps of at least 1, and 5 where 2.5 would be), for counts such as failed probes.
 */
export function niceTicks(max: number, count: number, wholeNumbers = false): number[] {
  const intervals = Math.max(1, Math.round(count) - 1);
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const step = wholeNumbers ? wholeStep(top / intervals) : roundStep(top / intervals);
  // Decimals of the step, so ticks come out as 0.3 rather than 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks: number[] = [];
  for (let index = 0; ; index += 1) {
    const tick = Number((index * step).toFixed(decimals));
    ticks.push(tick);
    if (tick >= top) return ticks;
  }
}

function roundStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const multiple = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return multiple * magnitude;
}

function wholeStep(raw: number): number {
  if (raw <= 1) return 1;
  const step = roundStep(raw);
  return Number.isInteger(step) ? step : 5;
}

/** The index of the point whose `t` is nearest to `t` (points sorted by `t`), or -1 when there are none. */
export function nearestIndex(points: readonly { readonly t: number }[], t: number): number {
  if (points.length === 0) return -1;
  let low = 0;
  let high = points.length - 1;
  // Smallest index with points[index].t >= t, or the last index.
  while (low < high) {
    const middle = (low + high) >> 1;
    if (points[middle]!.t < t) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && t - points[low - 1]!.t <= points[low]!.t - t) return low - 1;
  return low;
}

/** The largest finite value of the given fields over all points (0 when there is none). */
export function maxValue<P>(points: readonly P[], fields: readonly ((point: P) => number)[]): number {
  let max = 0;
  for (const point of points) {
    for (const field of fields) {
      const value = field(point);
      if (value > max && Number.isFinite(value)) max = value;
    }
  }
  return max;
}

/**
 * The width of every bar: `share` of the smallest gap between neighbouring points (at least 1 px), so
 * bars of regular buckets never overlap; a lone point's bar is `share` of the plot.
 */
export function barWidth(points: readonly { readonly t: number }[], x: (t: number) => number, plotWidth: number, share = 0.8): number {
  let gap = plotWidth;
  for (let index = 1; index < points.length; index += 1) {
    const between = x(points[index]!.t) - x(points[index - 1]!.t);
    if (between > 0 && between < gap) gap = between;
  }
  return Math.max(1, gap * share);
}
