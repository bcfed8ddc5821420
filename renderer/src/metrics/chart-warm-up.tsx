// A first chart in a page costs about twice a later one: V8 compiles recharts' code, and warms its
// inline caches, as it first runs. So a project window draws one small chart off screen while it is
// idle, and the metrics tab's first render runs warm (bench/README.md, chart_render).
import { createRoot } from 'react-dom/client';
import { MetricChart, type ChartBars, type ChartSeries } from './MetricChart';

interface WarmPoint {
  readonly t: number;
  readonly line: number | null;
  readonly limit: number;
  readonly failures: number;
}

// Every kind of part the real charts have: a gap, a step line, bars, a labelled marker, a spell.
const POINTS: readonly WarmPoint[] = [
  { t: 0, line: 1, limit: 4, failures: 0 },
  { t: 1, line: null, limit: 4, failures: 2 },
  { t: 2, line: 3, limit: 5, failures: 1 },
];
const SERIES: readonly ChartSeries<WarmPoint>[] = [
  { key: 'limit', name: 'limit', color: 'var(--chart-limit)', dashed: true, step: true },
  { key: 'line', name: 'line', color: 'var(--chart-cpu)' },
];
const BARS: ChartBars<WarmPoint> = { key: 'failures', name: 'failures', color: 'var(--chart-failure)', valueFormat: String, wholeNumbers: true };

/** Set to 'off' (localStorage) to see cold first renders, as benchmarks do for comparison. */
const SWITCH_KEY = 'berth.charts.warmUp';
let state: 'waiting' | 'scheduled' | 'done' = 'waiting';

/** Once per page, when the browser is idle: draws the chart off screen and removes it. */
export function scheduleChartWarmUp(): void {
  if (state !== 'waiting' || readSwitch() === 'off') return;
  state = 'scheduled';
  const run = () => {
    if (state !== 'scheduled') return;
    state = 'done';
    warmUp();
  };
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 500);
}

/** The metrics panel is open: a warm-up not yet run would only compete with it. */
export function chartsInUse(): void {
  state = 'done';
}

function warmUp(): void {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:absolute;left:-10000px;top:0;width:400px;height:120px;visibility:hidden;pointer-events:none';
  document.body.appendChild(host);
  const root = createRoot(host);
  root.render(
    <MetricChart
      width={400}
      height={120}
      from={0}
      to={2}
      points={POINTS}
      series={SERIES}
      bars={BARS}
      unit=""
      valueFormat={String}
      xTicks={[1]}
      formatX={String}
      markers={[{ t: 1, kind: 'deploy', label: 'deploy' }]}
      labelMarkers
      spells={[{ from: 0, to: 1 }]}
      onPick={() => undefined}
      label="warm-up"
    />,
  );
  // recharts draws the lines in the frame after it mounts; remove it after that.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      root.unmount();
      host.remove();
      performance.mark('berth:charts-warm');
    }),
  );
}

function readSwitch(): string | null {
  try {
    return window.localStorage.getItem(SWITCH_KEY);
  } catch {
    return null;
  }
}
