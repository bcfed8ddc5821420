import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { HealthProbe, MetricSeries, Run, SearchHit } from '../../../shared';
import { useApi } from '../api/api-context';
import { useEngineEvent } from '../common/use-event';
import { bucketProbes, formatTick, markersFrom, pointsForWidth, timeTicks, RANGES, toStackPoints, unhealthySpells, type Marker, type ProbePoint, type RangeKey, type Spell, type StackPoint } from './chart-data';
import { safeServiceName, serviceColour } from '../logs/service-tag';
import { useColorScheme, type ColorScheme } from '../theme/color-scheme';
import { chartsInUse } from './chart-warm-up';
import { MetricChart, type ChartBars, type ChartSeries } from './MetricChart';
import './metrics.css';

export interface MetricsPanelProps {
  readonly deploymentId: string;
  /** Called when the user clicks a point: the project view moves the log viewer to that moment. */
  readonly onJumpToTime: (ts: string) => void;
}

interface PanelData {
  readonly from: number;
  readonly to: number;
  readonly totalSamples: number;
  /** The total's points; for a Compose stack with each service's values too (chart-data.ts StackPoint). */
  readonly points: StackPoint[];
  /** A Compose stack's services, in the order of their keys in `points`; empty otherwise. */
  readonly services: readonly string[];
  readonly probes: ProbePoint[];
  readonly markers: Marker[];
  readonly spells: Spell[];
}

const CHART_HEIGHT = 180;
const REFRESH_MS = 30_000;
// Theme colours (app.css), so the charts follow a light or dark OS setting without re-rendering.
const COLORS = { cpu: 'var(--chart-cpu)', memory: 'var(--chart-memory)', limit: 'var(--chart-limit)', latency: 'var(--chart-latency)', failure: 'var(--chart-failure)' };
/** Marker lines carry their label only where there is room: ranges up to 6 h. */
const MARKER_LABELS_UP_TO_MS = 6 * 3_600_000;
// Module constants, so the charts' memoised drawing keeps them across renders.
const CPU_SERIES: readonly ChartSeries<StackPoint>[] = [{ key: 'cpuPct', name: 'CPU', color: COLORS.cpu, width: 1.5 }];
// The limit first, so the usage line is drawn over it.
const MEMORY_SERIES: readonly ChartSeries<StackPoint>[] = [
  { key: 'memLimitMb', name: 'Limit', color: COLORS.limit, dashed: true, step: true },
  { key: 'memUsedMb', name: 'Used', color: COLORS.memory, width: 1.5 },
];
/** A stack's total on its charts (and its legend swatch, metrics.css). */
const STACK_TOTAL_COLOR = 'var(--text)';
const LATENCY_SERIES: readonly ChartSeries<ProbePoint>[] = [{ key: 'latencyMs', name: 'Latency', color: COLORS.latency }];
const FAILURE_BARS: ChartBars<ProbePoint> = { key: 'failures', name: 'Failed probes', color: COLORS.failure, valueFormat: String, wholeNumbers: true };
/** The probe chart is shorter than the CPU and memory charts. */
const HEALTH_CHART_HEIGHT = CHART_HEIGHT - 40;
const NO_MARKERS: readonly Marker[] = [];
const formatPercent = (value: number) => `${value.toFixed(1)} %`;
const formatMilliseconds = (value: number) => `${value.toFixed(1)} ms`;
const formatMegabytes = (value: number) => `${value.toFixed(1)} MB`;
const CHART_KEYS_HINT = 'Arrow keys move between samples; Enter shows the logs at that moment.';

/** CPU, memory and health-probe charts over 1 h – 3 d, with deploy, crash and unhealthy markers. */
export function MetricsPanel({ deploymentId, onJumpToTime }: MetricsPanelProps) {
  const api = useApi();
  const rootRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [range, setRange] = useState<RangeKey>(savedRange);
  const [data, setData] = useState<PanelData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  /** When the latest data arrived, to report how long the first draw of all three charts took (the chart_render bench reads it). */
  const arrivedAt = useRef<number | null>(null);
  const [renderMs, setRenderMs] = useState<number | null>(null);

  useEffect(chartsInUse, []);

  // The charts are as wide as the panel.
  useLayoutEffect(() => {
    const element = rootRef.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(320, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const chooseRange = (key: RangeKey) => {
    setRange(key);
    try {
      window.localStorage.setItem(RANGE_KEY, key);
    } catch {
      // Storage may be unavailable; the choice then lasts for this view only.
    }
  };

  const rangeMs = RANGES.find((candidate) => candidate.key === range)!.ms;

  useEffect(() => {
    if (width === 0) return;
    let cancelled = false;
    const to = Date.now();
    const from = to - rangeMs;
    const window = { id: deploymentId, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const points = pointsForWidth(width);
    void (async () => {
      const [metrics, probes, deployment, crashes] = await Promise.all([
        api.request('getMetrics', { ...window, points }),
        api.request('getHealthProbes', window),
        api.request('getDeployment', { id: deploymentId }),
        api.request('searchLogs', { id: deploymentId, q: '[CRASH] exit=', limit: 500 }),
      ]);
      const runs = deployment.ok ? await api.request('listRuns', { id: deployment.value.projectId }) : null;
      if (cancelled) return;
      if (!metrics.ok) {
        setError(metrics.error.message);
        return;
      }
      setError(null);
      arrivedAt.current = performance.now();
      setData(shape(metrics.value, probes.ok ? probes.value : [], runs?.ok ? runs.value : [], crashes.ok ? crashes.value.hits : [], from, to, points));
    })();
    return () => {
      cancelled = true;
    };
  }, [api, deploymentId, rangeMs, width, refresh]);

  useEffect(() => {
    const timer = setInterval(() => setRefresh((count) => count + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEngineEvent('deploymentUpdated', (deployment) => {
    if (deployment.id === deploymentId) setRefresh((count) => count + 1);
  });

  // Measured from the data's arrival until the charts have been painted: recharts draws its lines in
  // the animation frame after a chart mounts, so the end is a task after that frame's rendering. All
  // three charts render together: drawing the probe chart a frame later cost that frame (about 30 ms
  // more in all, bench/README.md).
  useEffect(() => {
    if (!data || arrivedAt.current === null) return;
    const started = arrivedAt.current;
    arrivedAt.current = null;
    afterNextPaint(() => {
      setRenderMs(Math.round((performance.now() - started) * 10) / 10);
      // The span in the Performance panel, to see where the time went.
      performance.measure('berth:metrics-render', { start: started });
    });
  }, [data]);

  // The latest callback, read at click time, so the charts need not re-render when it changes.
  const jumpTarget = useRef(onJumpToTime);
  jumpTarget.current = onJumpToTime;

  // Chart elements are memoised: re-renders of the panel (the timing, a new callback) leave them alone.
  const scheme = useColorScheme();
  const usageCharts = useMemo(() => {
    if (!data || width === 0 || data.points.length === 0) return null;
    const stack = data.services.length > 0 ? stackSeries(data.services, scheme) : null;
    const onPick = (t: number) => jumpTarget.current(new Date(t).toISOString());
    const bothCharts = {
      width,
      height: CHART_HEIGHT,
      from: data.from,
      to: data.to,
      points: data.points,
      xTicks: timeTicks(data.from, data.to, width),
      formatX: (t: number) => formatTick(t, rangeMs),
      markers: data.markers,
      labelMarkers: rangeMs <= MARKER_LABELS_UP_TO_MS,
      spells: data.spells,
      onPick,
    };
    return (
      <>
        <ChartTitle title="CPU" hint="% of one core" />
        <div className="metrics-chart-box metrics-chart" data-testid="cpu-chart">
          <MetricChart {...bothCharts} series={stack?.cpu ?? CPU_SERIES} unit="%" valueFormat={formatPercent} label={`CPU, % of one core. ${CHART_KEYS_HINT}`} />
        </div>
        <ChartTitle title="Memory" hint="MB used, and the limit" />
        <div className="metrics-chart-box metrics-chart" data-testid="memory-chart">
          <MetricChart {...bothCharts} series={stack?.memory ?? MEMORY_SERIES} unit="" valueFormat={formatMegabytes} label={`Memory, MB used and the limit. ${CHART_KEYS_HINT}`} />
        </div>
        {stack ? <SeriesLegend services={data.services} scheme={scheme} /> : null}
      </>
    );
  }, [data, width, rangeMs, scheme]);

  const healthChart = useMemo(() => {
    if (!data || width === 0 || data.probes.length === 0) return null;
    return (
      <>
        <ChartTitle title="Health probes" hint="latency (ms) and failures" />
        <div className="metrics-chart-box metrics-chart" data-testid="health-chart">
          <MetricChart
            width={width}
            height={HEALTH_CHART_HEIGHT}
            from={data.from}
            to={data.to}
            points={data.probes}
            series={LATENCY_SERIES}
            bars={FAILURE_BARS}
            unit="ms"
            valueFormat={formatMilliseconds}
            xTicks={timeTicks(data.from, data.to, width)}
            formatX={(t: number) => formatTick(t, rangeMs)}
            markers={NO_MARKERS}
            labelMarkers={false}
            spells={data.spells}
            onPick={(t: number) => jumpTarget.current(new Date(t).toISOString())}
            label={`Health probes, latency in ms and failed probes. ${CHART_KEYS_HINT}`}
          />
        </div>
      </>
    );
  }, [data, width, rangeMs]);

  return (
    <div className="metrics-panel" ref={rootRef} data-testid="metrics-panel" data-render-ms={renderMs ?? undefined} data-points={data?.points.length ?? 0}>
      <div className="metrics-toolbar" role="group" aria-label="Time range">
        {RANGES.map((candidate) => (
          <button key={candidate.key} type="button" aria-pressed={candidate.key === range} onClick={() => chooseRange(candidate.key)}>
            {candidate.label}
          </button>
        ))}
        <span className="muted metrics-summary">
          {data ? `${data.totalSamples.toLocaleString()} samples${data.totalSamples > data.points.length ? `, ${data.points.length} shown` : ''}` : 'Loading…'}
        </span>
      </div>
      {error ? <p role="alert">Could not load metrics: {error}</p> : null}
      {data && width > 0 && data.points.length === 0 && data.probes.length === 0 ? (
        <p className="muted">No samples in this range yet. Berth samples CPU and memory every 30 s while the deployment runs.</p>
      ) : null}
      {usageCharts}
      {healthChart}
      {data && width > 0 ? <Legend markers={data.markers} spells={data.spells} /> : null}
    </div>
  );
}

/** Runs `callback` once the next frame has been rendered: a task queued from an animation frame runs after that frame's paint. */
function afterNextPaint(callback: () => void): void {
  requestAnimationFrame(() => setTimeout(callback, 0));
}

/** The last chosen range is remembered across windows and restarts. */
const RANGE_KEY = 'berth.metrics.range';

function savedRange(): RangeKey {
  try {
    const saved = window.localStorage.getItem(RANGE_KEY);
    return RANGES.find((candidate) => candidate.key === saved)?.key ?? '24h';
  } catch {
    return '24h';
  }
}

function ChartTitle({ title, hint }: { title: string; hint: string }) {
  return (
    <h3 className="metrics-title">
      {title} <span className="muted">{hint}</span>
    </h3>
  );
}

function Legend({ markers, spells }: { markers: readonly Marker[]; spells: readonly Spell[] }) {
  const deploys = markers.filter((marker) => marker.kind === 'deploy').length;
  const crashes = markers.filter((marker) => marker.kind === 'crash').length;
  return (
    <p className="metrics-legend muted" data-testid="metrics-legend">
      <span className="legend-deploy">┆ {deploys} deploys</span> <span className="legend-crash">│ {crashes} crashes</span>{' '}
      <span className="legend-spell">▮ {spells.length} unhealthy spells</span> · Click a point to see the logs at that moment.
    </p>
  );
}

/**
 * A Compose stack's lines: the stack's total in the text colour (the services' hues are the palette's, so the
 * total must not look like one of them) and one per service in its tag colour.
 */
function stackSeries(services: readonly string[], scheme: ColorScheme): { cpu: ChartSeries<StackPoint>[]; memory: ChartSeries<StackPoint>[] } {
  const cpu: ChartSeries<StackPoint>[] = [{ key: 'cpuPct', name: 'Stack total', color: STACK_TOTAL_COLOR, width: 2 }];
  const memory: ChartSeries<StackPoint>[] = [MEMORY_SERIES[0]!, { key: 'memUsedMb', name: 'Stack total', color: STACK_TOTAL_COLOR, width: 2 }];
  services.forEach((service, index) => {
    const name = safeServiceName(service);
    const color = serviceColour(service, scheme);
    cpu.push({ key: `cpu_s${index}`, name, color, width: 1.25 });
    memory.push({ key: `mem_s${index}`, name, color, width: 1.25 });
  });
  return { cpu, memory };
}

/** Which line is which on a stack's charts. */
function SeriesLegend({ services, scheme }: { services: readonly string[]; scheme: ColorScheme }) {
  return (
    <ul className="metrics-series-legend" data-testid="metrics-series-legend" aria-label="Chart lines">
      <li>
        <span className="metrics-series-swatch metrics-series-total" aria-hidden="true" /> Stack total
      </li>
      {services.map((service) => (
        <li key={service} data-service={service}>
          <span className="metrics-series-swatch" style={{ background: serviceColour(service, scheme) }} aria-hidden="true" /> {safeServiceName(service)}
        </li>
      ))}
    </ul>
  );
}

function shape(series: MetricSeries, probes: readonly HealthProbe[], runs: readonly Run[], crashes: readonly SearchHit[], from: number, to: number, buckets: number): PanelData {
  return {
    from,
    to,
    totalSamples: series.totalSamples,
    // A service sample this close to a total's moment is drawn at it: about a pixel's worth of time, at least a minute.
    points: toStackPoints(series.samples, series.services ?? [], Math.max(60_000, (to - from) / Math.max(1, buckets))),
    services: (series.services ?? []).map((service) => service.service),
    probes: bucketProbes(probes, from, to, Math.max(50, Math.floor(buckets / 4))),
    markers: markersFrom(runs, crashes, from, to),
    spells: unhealthySpells(probes, to),
  };
}
