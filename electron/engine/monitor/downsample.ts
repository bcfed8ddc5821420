import type { MetricSample } from '../../../shared';

/**
 * Largest-Triangle-Three-Buckets over both series at once: in each bucket it keeps the sample that
 * spans the largest triangle in CPU and in memory (each normalised to its own range), so spikes in
 * either series survive. Keeps the first and last sample; returns the input when it is short enough.
 */
export function downsampleMetrics(samples: readonly MetricSample[], points: number): MetricSample[] {
  if (points < 3 || samples.length <= points) return samples.slice();
  const times = samples.map((sample) => Date.parse(sample.sampledAt));
  const cpu = normalise(samples.map((sample) => sample.cpuPct));
  const memory = normalise(samples.map((sample) => sample.memUsedMb));
  const out: MetricSample[] = [samples[0]!];
  const bucketSize = (samples.length - 2) / (points - 2);
  let chosen = 0;
  for (let bucket = 0; bucket < points - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, samples.length - 1);
    // The average of the next bucket is the triangle's third corner.
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, samples.length);
    let averageTime = 0;
    let averageCpu = 0;
    let averageMemory = 0;
    const nextCount = Math.max(1, nextEnd - nextStart);
    for (let index = nextStart; index < nextEnd; index++) {
      averageTime += times[index]!;
      averageCpu += cpu[index]!;
      averageMemory += memory[index]!;
    }
    averageTime /= nextCount;
    averageCpu /= nextCount;
    averageMemory /= nextCount;
    const span = Math.max(1, averageTime - times[chosen]!);
    let bestArea = -1;
    let best = start;
    for (let index = start; index < end; index++) {
      // Time scaled to [0, 1] across the triangle so it weighs like the normalised values.
      const x = (times[index]! - times[chosen]!) / span;
      const area =
        Math.abs((0 - 1) * (cpu[index]! - cpu[chosen]!) - (0 - x) * (averageCpu - cpu[chosen]!)) +
        Math.abs((0 - 1) * (memory[index]! - memory[chosen]!) - (0 - x) * (averageMemory - memory[chosen]!));
      if (area > bestArea) {
        bestArea = area;
        best = index;
      }
    }
    out.push(samples[best]!);
    chosen = best;
  }
  out.push(samples[samples.length - 1]!);
  return out;
}

function normalise(values: readonly number[]): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min || 1;
  return values.map((value) => (value - min) / range);
}

/** Points returned when the caller does not say how many: about a chart's width in pixels. */
export const DEFAULT_METRIC_POINTS = 1000;
