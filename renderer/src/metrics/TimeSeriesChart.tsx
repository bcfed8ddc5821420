import { useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatMoment, type Marker, type Spell } from './chart-data';
import { barRects, linearScale, maxValue, nearestIndex, niceTicks, seriesPath } from './chart-geometry';

/** The keys of `P` whose values are numbers; null (no value) leaves a gap in the line. */
export type NumericKey<P> = { [K in keyof P]-?: P[K] extends number | null ? K : never }[keyof P] & string;

export interface ChartSeries<P> {
  readonly key: NumericKey<P>;
  /** Shown in the tooltip. */
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Drawn as steps (the value holds until the next sample), e.g. a limit. */
  readonly step?: boolean;
  readonly width?: number;
}

/** Bars on a secondary axis at the right, e.g. failures next to a latency line. */
export interface ChartBars<P> {
  readonly key: NumericKey<P>;
  /** Shown in the tooltip. */
  readonly name: string;
  readonly color: string;
  /** A value as the tooltip shows it. */
  readonly valueFormat: (value: number) => string;
  /** Integer ticks only, for counts. */
  readonly wholeNumbers?: boolean;
}

export interface TimeSeriesChartProps<P extends { readonly t: number }> {
  readonly width: number;
  readonly height: number;
  readonly from: number;
  readonly to: number;
  /** Sorted by `t`. */
  readonly points: readonly P[];
  readonly series: readonly ChartSeries<P>[];
  /** Optional bars with their own axis at the right; drawn under the lines. */
  readonly bars?: ChartBars<P>;
  /** Suffix of the y-axis labels, e.g. '%'. */
  readonly unit: string;
  /** A value as the tooltip shows it. */
  readonly valueFormat: (value: number) => string;
  readonly xTicks: readonly number[];
  readonly formatX: (t: number) => string;
  readonly markers: readonly Marker[];
  /** Whether marker lines carry their label near the top (short ranges only, where there is room). */
  readonly labelMarkers: boolean;
  readonly spells: readonly Spell[];
  /** A sample was chosen (click, or Enter on the focused chart). */
  readonly onPick: (t: number) => void;
  /** The accessible name of the plot. */
  readonly label: string;
}

const MARGIN = { top: 8, right: 8, bottom: 24 };
const Y_AXIS_WIDTH = 48;
/** The secondary (bars) axis: short labels such as counts. */
const BAR_AXIS_WIDTH = 32;
const Y_TICK_COUNT = 5;
const COLORS = { grid: '#2a313c', axis: '#8b949e', deploy: '#58a6ff', crash: '#f85149', spell: '#d29922', cursor: '#8b949e' };
/** The tooltip flips to the left of the cursor this close to the right edge (no measuring). */
const TOOLTIP_FLIP_PX = 200;
/** About half the width of the longest time label ("Nov 21, 14:00" at 11 px). */
const X_LABEL_HALF_PX = 36;
/** PageUp/PageDown move this share of the points. */
const PAGE_SHARE = 0.1;

interface Hover {
  /** The hovered sample's time: it survives new data (a refresh), where an index would not. */
  readonly t: number;
  /** Keyboard moves are announced; pointer moves are not (they would flood a screen reader). */
  readonly byKeyboard: boolean;
}

/**
 * A light SVG line chart over time: one `<path>` per series, round y ticks from 0, marker lines,
 * shaded spells, and a cursor with a tooltip. The drawing is memoised, so hovering re-renders only
 * the cursor and the tooltip.
 */
export function TimeSeriesChart<P extends { readonly t: number }>(props: TimeSeriesChartProps<P>) {
  const { width, height, from, to, points, series, bars, unit, xTicks, formatX, markers, labelMarkers, spells } = props;
  const [hover, setHover] = useState<Hover | null>(null);
  const plotRef = useRef<SVGSVGElement>(null);
  const tooltipId = useId();

  const plot = useMemo(() => {
    const left = Y_AXIS_WIDTH;
    const right = Math.max(left + 1, width - (bars ? BAR_AXIS_WIDTH : MARGIN.right));
    const top = MARGIN.top;
    const bottom = Math.max(top + 1, height - MARGIN.bottom);
    const values = series.map((line) => (point: P) => valueOf(point, line.key));
    const yTicks = niceTicks(maxValue(points, values), Y_TICK_COUNT);
    const barTicks = bars ? niceTicks(maxValue(points, [(point: P) => valueOf(point, bars.key)]), Y_TICK_COUNT, bars.wholeNumbers) : [];
    return {
      left,
      right,
      top,
      bottom,
      yTicks,
      barTicks,
      x: linearScale(from, to, left, right),
      y: linearScale(0, yTicks[yTicks.length - 1]!, bottom, top),
      barY: linearScale(0, barTicks[barTicks.length - 1] ?? 1, bottom, top),
      timeAt: linearScale(left, right, from, to),
    };
  }, [width, height, from, to, points, series, bars]);

  // Everything but the cursor: the expensive part, built once per data and size.
  const drawing = useMemo(() => {
    const { left, right, top, bottom, yTicks, barTicks, x, y, barY } = plot;
    return (
      <>
        <g className="chart-grid">
          {yTicks.map((tick) => (
            <line key={tick} x1={left} x2={right} y1={y(tick)} y2={y(tick)} stroke={COLORS.grid} strokeDasharray="3 3" />
          ))}
        </g>
        <g className="chart-axis chart-axis-y">
          <line x1={left} x2={left} y1={top} y2={bottom} stroke={COLORS.axis} />
          {yTicks.map((tick) => (
            <text key={tick} x={left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle" fill={COLORS.axis}>
              {`${tick}${unit}`}
            </text>
          ))}
        </g>
        {bars ? (
          <g className="chart-axis chart-axis-y2">
            <line x1={right} x2={right} y1={top} y2={bottom} stroke={COLORS.axis} />
            {barTicks.map((tick) => (
              <text key={tick} x={right + 6} y={barY(tick)} textAnchor="start" dominantBaseline="middle" fill={COLORS.axis}>
                {tick}
              </text>
            ))}
          </g>
        ) : null}
        <g className="chart-axis chart-axis-x">
          <line x1={left} x2={right} y1={bottom} y2={bottom} stroke={COLORS.axis} />
          {xTicks
            .filter((tick) => tick >= from && tick <= to)
            .map((tick) => (
              <g key={tick}>
                <line x1={x(tick)} x2={x(tick)} y1={bottom} y2={bottom + 4} stroke={COLORS.axis} />
                <text x={x(tick)} y={bottom + 16} textAnchor={tickAnchor(x(tick), left, right)} fill={COLORS.axis}>
                  {formatX(tick)}
                </text>
              </g>
            ))}
        </g>
        {spells
          .filter((spell) => spell.to >= from && spell.from <= to)
          .map((spell) => {
            const x1 = x(Math.max(from, spell.from));
            return <rect key={`spell-${spell.from}`} className="chart-spell" x={x1} width={Math.max(1, x(Math.min(to, spell.to)) - x1)} y={top} height={bottom - top} fill={COLORS.spell} fillOpacity={0.15} />;
          })}
        {bars ? (
          <g className={`chart-bars chart-bars-${bars.key}`} fill={bars.color}>
            {barRects(points, (point) => valueOf(point, bars.key), x, barY, left, right).map((bar, index) => (
              <rect key={index} className={`chart-bar chart-bar-${bars.key}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height} />
            ))}
          </g>
        ) : null}
        {series.map((line) => (
          <path
            key={line.key}
            className={`chart-series chart-series-${line.key}`}
            d={seriesPath(points, (point) => valueOf(point, line.key), x, y, line.step)}
            fill="none"
            stroke={line.color}
            strokeWidth={line.width ?? 1}
            strokeDasharray={line.dashed ? '4 4' : undefined}
          />
        ))}
        {markers
          .filter((marker) => marker.t >= from && marker.t <= to)
          .map((marker) => {
            const color = marker.kind === 'crash' ? COLORS.crash : COLORS.deploy;
            return (
              <g key={`${marker.kind}-${marker.t}`} className={`marker-${marker.kind}`}>
                <line x1={x(marker.t)} x2={x(marker.t)} y1={top} y2={bottom} stroke={color} strokeDasharray={marker.kind === 'deploy' ? '2 3' : undefined} />
                {labelMarkers ? (
                  <text x={x(marker.t) + 4} y={top + 10} fill={color} className="chart-marker-label">
                    {marker.label}
                  </text>
                ) : null}
              </g>
            );
          })}
      </>
    );
  }, [plot, points, series, bars, unit, xTicks, formatX, markers, labelMarkers, spells, from, to]);

  const hoveredIndex = hover ? nearestIndex(points, hover.t) : -1;
  const hovered = hoveredIndex >= 0 ? points[hoveredIndex]! : null;

  const indexAt = (clientX: number): number => {
    const box = plotRef.current?.getBoundingClientRect();
    return box ? nearestIndex(points, plot.timeAt(clientX - box.left)) : -1;
  };
  const showIndex = (index: number, byKeyboard: boolean) => {
    const point = points[index];
    if (!point) return;
    setHover((current) => (current && current.t === point.t && current.byKeyboard === byKeyboard ? current : { t: point.t, byKeyboard }));
  };
  const pick = (index: number) => {
    const point = points[index];
    if (point) props.onPick(point.t);
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    if (points.length === 0) return;
    const last = points.length - 1;
    const current = hovered ? hoveredIndex : null;
    const page = Math.max(1, Math.round(points.length * PAGE_SHARE));
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowLeft':
        next = current === null ? last : Math.max(0, current - 1);
        break;
      case 'ArrowRight':
        next = current === null ? 0 : Math.min(last, current + 1);
        break;
      case 'PageUp':
        next = Math.max(0, (current ?? last) - page);
        break;
      case 'PageDown':
        next = Math.min(last, (current ?? 0) + page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'Enter':
      case ' ':
        if (current !== null) {
          event.preventDefault();
          pick(current);
        }
        return;
      case 'Escape':
        setHover(null);
        return;
      default:
        return;
    }
    event.preventDefault();
    showIndex(next, true);
  };

  const cursorX = hovered ? plot.x(hovered.t) : 0;
  return (
    <div className="chart" style={{ width, height }}>
      <svg
        ref={plotRef}
        className="chart-svg"
        width={width}
        height={height}
        role="application"
        aria-roledescription="chart"
        aria-label={props.label}
        aria-describedby={hovered ? tooltipId : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onBlur={() => setHover((current) => (current?.byKeyboard ? null : current))}
      >
        {drawing}
        {hovered ? (
          <g className="chart-cursor" pointerEvents="none">
            <line x1={cursorX} x2={cursorX} y1={plot.top} y2={plot.bottom} stroke={COLORS.cursor} />
            {series.map((line) => {
              const value = valueOf(hovered, line.key);
              return Number.isFinite(value) ? <circle key={line.key} cx={cursorX} cy={plot.y(value)} r={3} fill={line.color} /> : null;
            })}
          </g>
        ) : null}
        <rect
          className="chart-plot-area"
          x={plot.left}
          y={plot.top}
          width={plot.right - plot.left}
          height={plot.bottom - plot.top}
          fill="transparent"
          onPointerMove={(event: PointerEvent<SVGRectElement>) => showIndex(indexAt(event.clientX), false)}
          onPointerLeave={() => setHover((current) => (current?.byKeyboard ? current : null))}
          onClick={(event) => pick(indexAt(event.clientX))}
        />
      </svg>
      {hovered ? (
        <div
          id={tooltipId}
          role="tooltip"
          className="chart-tooltip"
          data-t={hovered.t}
          aria-live={hover?.byKeyboard ? 'polite' : 'off'}
          style={cursorX > width - TOOLTIP_FLIP_PX ? { right: width - cursorX + 12, top: plot.top } : { left: cursorX + 12, top: plot.top }}
        >
          <div className="chart-tooltip-time">{formatMoment(hovered.t)}</div>
          {series.map((line) => {
            const value = valueOf(hovered, line.key);
            // A point without a value (e.g. no successful probe in the bucket) shows no row.
            return Number.isFinite(value) ? <TooltipRow key={line.key} color={line.color} text={`${line.name}: ${props.valueFormat(value)}`} /> : null;
          })}
          {bars ? <TooltipRow color={bars.color} text={`${bars.name}: ${bars.valueFormat(valueOf(hovered, bars.key))}`} /> : null}
        </div>
      ) : null}
    </div>
  );
}

function TooltipRow({ color, text }: { readonly color: string; readonly text: string }) {
  return (
    <div className="chart-tooltip-row">
      <span className="chart-tooltip-swatch" style={{ background: color }} />
      {text}
    </div>
  );
}

/** Labels near either end of the axis grow inwards, so they are not cut off. */
function tickAnchor(x: number, left: number, right: number): 'start' | 'middle' | 'end' {
  if (x - left < X_LABEL_HALF_PX) return 'start';
  if (right - x < X_LABEL_HALF_PX) return 'end';
  return 'middle';
}

/** The value at `key`, NaN where the point has none (null). */
function valueOf<P>(point: P, key: NumericKey<P>): number {
  const value = point[key];
  return typeof value === 'number' ? value : Number.NaN;
}
