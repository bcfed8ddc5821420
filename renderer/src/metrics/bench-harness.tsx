// A page-side harness for bench/chart-render.bench.ts: the baseline, a bare recharts render of the same
// data as the metrics panel (CPU, memory with its limit, health latency with failure bars), with
// recharts' defaults except what a first render of complete lines needs: no animation (it would draw
// the lines over the next second) and no dot per point. Built into an IIFE by the bench; never part of
// the app bundle.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Bar, ComposedChart, Line, XAxis, YAxis } from 'recharts';
import type { HealthProbe, MetricSeries } from '../../../shared';
import { bucketProbes, pointsForWidth, toMetricPoints } from './chart-data';

export interface BareInput {
  readonly width: number;
  readonly from: number;
  readonly to: number;
  readonly metrics: MetricSeries;
  readonly probes: readonly HealthProbe[];
}

/**
 * Shapes and draws the three charts, and resolves with the time until they have been painted. `warm`
 * first draws them once untimed (as the app warms recharts up while a project window is idle), so the
 * timed render runs on compiled code like the app's.
 */
async function renderBare(input: BareInput, warm: boolean): Promise<number> {
  if (warm) await drawBare(input);
  return drawBare(input);
}

function drawBare(input: BareInput): Promise<number> {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const started = performance.now();
  const points = toMetricPoints(input.metrics.samples);
  const probes = bucketProbes(input.probes, input.from, input.to, Math.max(50, Math.floor(pointsForWidth(input.width) / 4)));
  const root = createRoot(host);
  flushSync(() =>
    root.render(
      <>
        <ComposedChart width={input.width} height={180} data={points}>
          <XAxis dataKey="t" type="number" domain={[input.from, input.to]} />
          <YAxis />
          <Line dataKey="cpuPct" dot={false} isAnimationActive={false} />
        </ComposedChart>
        <ComposedChart width={input.width} height={180} data={points}>
          <XAxis dataKey="t" type="number" domain={[input.from, input.to]} />
          <YAxis />
          <Line dataKey="memLimitMb" type="stepAfter" dot={false} isAnimationActive={false} />
          <Line dataKey="memUsedMb" dot={false} isAnimationActive={false} />
        </ComposedChart>
        <ComposedChart width={input.width} height={140} data={probes}>
          <XAxis dataKey="t" type="number" domain={[input.from, input.to]} />
          <YAxis />
          <YAxis yAxisId="bars" orientation="right" />
          <Bar dataKey="failures" yAxisId="bars" isAnimationActive={false} />
          <Line dataKey="latencyMs" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </>,
    ),
  );
  // Like the panel: until the frame after the charts mounted (where recharts draws the lines) has been painted.
  return new Promise((resolve) =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        const elapsed = performance.now() - started;
        root.unmount();
        host.remove();
        resolve(elapsed);
      }, 0),
    ),
  );
}

declare global {
  interface Window {
    berthChartBench: { renderBare: typeof renderBare };
  }
}
window.berthChartBench = { renderBare };
