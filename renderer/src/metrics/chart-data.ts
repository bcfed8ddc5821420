// Pure shaping of metric samples, probes, runs and crash lines into what the charts draw.
import type { HealthProbe, MetricSample, Run, SearchHit } from '../../../shared';

export interface MetricPoint {
  readonly t: number;
  readonly cpuPct: number;
  readonly memUsedMb: number;
  readonly memLimitMb: number;
}

export interface ProbePoint {
  /** Bucket start. */
  readonly t: number;
  /** Mean latency of the successful probes in the bucket, or null. */
  readonly latencyMs: number | null;
  readonly failures: number;
  readonly probes: number;
}

export interface Marker {
  readonly t: number;
  readonly kind: 'deploy' | 'crash';
  readonly label: string;
}

export interface Spell {
  readonly from: number;
  readonly to: number;
}

export const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '3d', label: '3 d', ms: 3 * 86_400_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/**
 * How many points the engine downsamples a series to for a chart `widthPx` wide: about one per two
 * pixels, which keeps every visible wiggle of a line while recharts handles half as many points.
 */
export function pointsForWidth(widthPx: number): number {
  return Math.min(2000, Math.max(100, Math.round(widthPx / 2)));
}

export function toMetricPoints(samples: readonly MetricSample[]): MetricPoint[] {
  return samples.map((sample) => ({ t: Date.parse(sample.sampledAt), cpuPct: sample.cpuPct, memUsedMb: sample.memUsedMb, memLimitMb: sample.memLimitMb }));
}

/** Probes grouped into about `buckets` time buckets: a 3-day history is 4,320 probes. */
export function bucketProbes(probes: readonly HealthProbe[], from: number, to: number, buckets: number): ProbePoint[] {
  if (probes.length === 0 || to <= from) return [];
  const size = Math.max(1, (to - from) / Math.max(1, buckets));
  const byBucket = new Map<number, { latency: number; ok: number; failures: number }>();
  for (const probe of probes) {
    const t = Date.parse(probe.probedAt);
    const key = Math.floor((t - from) / size);
    let bucket = byBucket.get(key);
    if (!bucket) byBucket.set(key, (bucket = { latency: 0, ok: 0, failures: 0 }));
    if (probe.ok) {
      bucket.ok += 1;
      bucket.latency += probe.latencyMs ?? 0;
    } else bucket.failures += 1;
  }
  return [...byBucket.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, bucket]) => ({
      t: Math.round(from + key * size),
      latencyMs: bucket.ok > 0 ? Math.round((bucket.latency / bucket.ok) * 10) / 10 : null,
      failures: bucket.failures,
      probes: bucket.ok + bucket.failures,
    }));
}

/** Unhealthy spells: from the third consecutive failed probe until the next success (the 3-failure rule). */
export function unhealthySpells(probes: readonly HealthProbe[], end: number): Spell[] {
  const spells: Spell[] = [];
  let failures = 0;
  let spellStart: number | null = null;
  for (const probe of probes) {
    const t = Date.parse(probe.probedAt);
    if (probe.ok) {
      if (spellStart !== null) spells.push({ from: spellStart, to: t });
      spellStart = null;
      failures = 0;
    } else {
      failures += 1;
      if (failures === 3) spellStart = t;
    }
  }
  if (spellStart !== null) spells.push({ from: spellStart, to: end });
  return spells;
}

export function markersFrom(runs: readonly Run[], crashes: readonly SearchHit[], from: number, to: number): Marker[] {
  const markers: Marker[] = [];
  for (const run of runs) {
    const t = Date.parse(run.startedAt ?? run.createdAt);
    if (t >= from && t <= to) markers.push({ t, kind: 'deploy', label: run.kind === 'rollback' ? 'rollback' : run.kind });
  }
  for (const hit of crashes) {
    const t = Date.parse(hit.ts);
    if (t >= from && t <= to) markers.push({ t, kind: 'crash', label: hit.text.replace(/^\[CRASH\]\s*/, 'crash ') });
  }
  return markers.sort((a, b) => a.t - b.t);
}

// Intl formatters are costly to create: build them once, not once per tick.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_AND_TIME = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Axis ticks: "14:05" within a day, "Nov 21, 14:00" beyond. */
export function formatTick(t: number, rangeMs: number): string {
  return (rangeMs > 86_400_000 ? DAY_AND_TIME : TIME).format(t);
}

/** Tooltip headers: the full moment. */
export function formatMoment(t: number): string {
  return FULL.format(t);
}

const TICK_STEPS = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000];

/**
 * A handful of round tick times across [from, to] (about one per `spacingPx`). Giving the axis its
 * ticks keeps the chart from measuring a label for every point.
 */
export function timeTicks(from: number, to: number, widthPx: number, spacingPx = 140): number[] {
  const wanted = Math.max(2, Math.floor(widthPx / spacingPx));
  const step = TICK_STEPS.find((candidate) => (to - from) / candidate <= wanted) ?? 86_400_000;
  // Round to the step in local time so ticks land on whole hours and days.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}

/**
 * A Compose stack's chart point: the stack's total (MetricPoint's keys) and each service's CPU and memory under
 * `cpu_s<i>` and `mem_s<i>` (i: the service's index in the series list; names never become keys, as recharts
 * reads a dotted key as a path). null: the service has no sample near this moment (a gap in its line).
 */
export type StackPoint = MetricPoint & { readonly [key: `${'cpu' | 'mem'}_s${number}`]: number | null };

/** A service's samples as the engine sends them (MetricSeries.services). */
export interface ServiceSamples {
  readonly service: string;
  readonly samples: readonly MetricSample[];
}

/**
 * The total's points with each service's value at the same moments: the service sample nearest in time, when it
 * lies within `toleranceMs` (the monitor samples every service and the total together, so they line up; the
 * engine downsamples each series on its own, so a point may fall between two of a service's).
 */
export function toStackPoints(total: readonly MetricSample[], services: readonly ServiceSamples[], toleranceMs: number): StackPoint[] {
  const times = services.map((series) => series.samples.map((sample) => Date.parse(sample.sampledAt)));
  return total.map((sample) => {
    const t = Date.parse(sample.sampledAt);
    const point: Record<string, number | null> = { t, cpuPct: sample.cpuPct, memUsedMb: sample.memUsedMb, memLimitMb: sample.memLimitMb };
    services.forEach((series, index) => {
      const at = nearestTime(times[index]!, t);
      const near = at >= 0 && Math.abs(times[index]![at]! - t) <= toleranceMs ? series.samples[at]! : null;
      point[`cpu_s${index}`] = near ? near.cpuPct : null;
      point[`mem_s${index}`] = near ? near.memUsedMb : null;
    });
    return point as unknown as StackPoint;
  });
}

/** The index of the time nearest `t` in a sorted list; -1 when it is empty. */
function nearestTime(times: readonly number[], t: number): number {
  if (times.length === 0) return -1;
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle]! < t) low = middle + 1;
    else high = middle;
  }
  return low > 0 && Math.abs(times[low - 1]! - t) <= Math.abs(times[low]! - t) ? low - 1 : low;
}
