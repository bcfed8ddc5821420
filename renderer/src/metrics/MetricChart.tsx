import { useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Bar, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, XAxis, YAxis, type BarShapeProps, type XAxisTickContentProps, type YAxisTickContentProps } from 'recharts';
import { formatMoment, type Marker, type Spell } from './chart-data';
import { barWidth, linearScale, maxValue, nearestIndex, niceTicks } from './chart-geometry';
import { chartKeyAction } from './chart-keys';

/** The keys of `P` whose values are numbers; null (no value) leaves a gap in the line. */
export type NumericKey<P> = { [K in keyof P]-?: P[K] extends number | null ? K : never }[keyof P] & string;

export interface ChartSeries<P> {
  readonly key: NumericKey<P>;
  /** Shown in the tooltip. */
  readonly name: string;
  /** A CSS colour; theme colours are custom properties (`var(--chart-cpu)`), so a theme change needs no re-render. */
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

export interface MetricChartProps<P extends { readonly t: number }> {
  readonly width: number;
  readonly height: number;
  readonly from: number;
  readonly to: number;
  /** Sorted by `t`, already downsampled (about one point per two pixels). */
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

// The layout handed to recharts. The cursor overlay computes the same plot area from it, so the two agree
// without reading recharts' state back (which would cost a second render).
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
const X_AXIS_HEIGHT = 24;
const Y_AXIS_WIDTH = 48;
/** The secondary (bars) axis: short labels such as counts. */
const BAR_AXIS_WIDTH = 32;
const BAR_AXIS_ID = 'bars';
const Y_TICK_COUNT = 5;
/** The tooltip flips to the left of the cursor this close to the right edge (no measuring). */
const TOOLTIP_FLIP_PX = 200;
/** About half the width of the longest time label ("Nov 21, 14:00" at 11 px). */
const X_LABEL_HALF_PX = 36;

interface Hover {
  /** The hovered sample's time: it survives new data (a refresh), where an index would not. */
  readonly t: number;
  /** Keyboard moves are announced; pointer moves are not (they would flood a screen reader). */
  readonly byKeyboard: boolean;
}

/**
 * A recharts chart over time: lines (gaps where a value is null), optional bars on a second axis,
 * deploy and crash markers, shaded spells. The recharts element is memoised on the data and size, so
 * hovering re-renders only the overlay above it: the cursor, its dots and the tooltip, which also
 * answer the keyboard (recharts' own tooltip cannot be moved from outside once a pointer has moved it,
 * and its keyboard layer knows only ← → and Enter-to-toggle).
 */
export function MetricChart<P extends { readonly t: number }>(props: MetricChartProps<P>) {
  const { width, height, from, to, points, series, bars, unit, xTicks, formatX, markers, labelMarkers, spells } = props;
  const [hover, setHover] = useState<Hover | null>(null);
  const plotRef = useRef<SVGRectElement>(null);
  const tooltipId = useId();

  const plot = useMemo(() => {
    const left = MARGIN.left + Y_AXIS_WIDTH;
    const right = Math.max(left + 1, width - MARGIN.right - (bars ? BAR_AXIS_WIDTH : 0));
    const top = MARGIN.top;
    const bottom = Math.max(top + 1, height - MARGIN.bottom - X_AXIS_HEIGHT);
    // Round ticks computed here and handed to recharts: its own tick search is skipped, and the overlay knows the scale.
    const yTicks = niceTicks(maxValue(points, series.map((line) => (point: P) => valueOf(point, line.key))), Y_TICK_COUNT);
    const barTicks = bars ? niceTicks(maxValue(points, [(point: P) => valueOf(point, bars.key)]), Y_TICK_COUNT, bars.wholeNumbers) : [];
    const x = linearScale(from, to, left, right);
    return {
      left,
      right,
      top,
      bottom,
      yTicks,
      barTicks,
      x,
      y: linearScale(0, yTicks[yTicks.length - 1]!, bottom, top),
      timeAt: linearScale(left, right, from, to),
      barWidth: bars ? barWidth(points, x, right - left) : 0,
    };
  }, [width, height, from, to, points, series, bars]);

  // The recharts drawing: built once per data and size, so a hover leaves it alone.
  const drawing = useMemo(() => {
    const { left, right, yTicks, barTicks } = plot;
    const visibleTicks = xTicks.filter((tick) => tick >= from && tick <= to);
    const gridRows = yTicks.map(plot.y);
    // 0 as null: recharts then renders no element at all for a bucket without failures.
    const barValue = (point: P) => {
      const value = bars ? valueOf(point, bars.key) : 0;
      return value > 0 ? value : null;
    };
    return (
      <ComposedChart
        width={width}
        height={height}
        data={points as P[]}
        margin={MARGIN}
        // Keyboard and tooltip are the overlay's (see above); recharts draws.
        accessibilityLayer={false}
        barGap={0}
        barCategoryGap={0}
      >
        {/* The grid's lines given, not generated: recharts' generators lay out (and measure the labels of) both axes' ticks. */}
        <CartesianGrid className="chart-grid" vertical={false} horizontalPoints={gridRows} verticalCoordinatesGenerator={noGridColumns} stroke="var(--chart-grid)" strokeDasharray="3 3" />
        <XAxis
          className="chart-axis chart-axis-x"
          dataKey="t"
          type="number"
          domain={[from, to]}
          allowDataOverflow
          ticks={visibleTicks}
          niceTicks="none"
          interval={0}
          height={X_AXIS_HEIGHT}
          stroke="var(--chart-axis)"
          tickSize={4}
          tick={(tick: XAxisTickContentProps) => (
            <text className="chart-tick chart-tick-x" x={tick.x} y={Number(tick.y) + 12} textAnchor={tickAnchor(Number(tick.x), left, right)} fill="var(--chart-axis)">
              {formatX(Number(tick.payload.value))}
            </text>
          )}
        />
        <YAxis
          className="chart-axis chart-axis-y"
          type="number"
          domain={[0, yTicks[yTicks.length - 1]!]}
          allowDataOverflow
          ticks={yTicks}
          niceTicks="none"
          interval={0}
          width={Y_AXIS_WIDTH}
          stroke="var(--chart-axis)"
          tickLine={false}
          tick={(tick: YAxisTickContentProps) => (
            <text className="chart-tick chart-tick-y" x={Number(tick.x) - 2} y={tick.y} textAnchor="end" dominantBaseline="middle" fill="var(--chart-axis)">
              {`${String(tick.payload.value)}${unit}`}
            </text>
          )}
        />
        {bars ? (
          <YAxis
            className="chart-axis chart-axis-y2"
            yAxisId={BAR_AXIS_ID}
            orientation="right"
            type="number"
            domain={[0, barTicks[barTicks.length - 1] ?? 1]}
            allowDataOverflow
            ticks={barTicks}
            niceTicks="none"
            interval={0}
            width={BAR_AXIS_WIDTH}
            stroke="var(--chart-axis)"
            tickLine={false}
            tick={(tick: YAxisTickContentProps) => (
              <text className="chart-tick chart-tick-y2" x={Number(tick.x) + 2} y={tick.y} textAnchor="start" dominantBaseline="middle" fill="var(--chart-axis)">
                {String(tick.payload.value)}
              </text>
            )}
          />
        ) : null}
        {spells
          .filter((spell) => spell.to >= from && spell.from <= to)
          .map((spell) => (
            <ReferenceArea
              key={`spell-${spell.from}`}
              className="chart-spell"
              x1={Math.max(from, spell.from)}
              x2={Math.min(to, spell.to)}
              fill="var(--chart-spell)"
              fillOpacity={0.15}
              ifOverflow="hidden"
            />
          ))}
        {bars ? (
          <Bar
            className={`chart-bars chart-bars-${bars.key}`}
            yAxisId={BAR_AXIS_ID}
            dataKey={barValue}
            fill={bars.color}
            barSize={plot.barWidth}
            isAnimationActive={false}
            shape={(bar: BarShapeProps) => <BarRect {...bar} className={`chart-bar chart-bar-${bars.key}`} />}
          />
        ) : null}
        {series.map((line) => (
          <Line
            key={line.key}
            className={`chart-series chart-series-${line.key}`}
            dataKey={line.key}
            type={line.step ? 'stepAfter' : 'linear'}
            stroke={line.color}
            strokeWidth={line.width ?? 1}
            strokeDasharray={line.dashed ? '4 4' : undefined}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
          />
        ))}
        {markers
          .filter((marker) => marker.t >= from && marker.t <= to)
          .map((marker) => {
            const color = marker.kind === 'crash' ? 'var(--chart-crash)' : 'var(--chart-deploy)';
            return (
              <ReferenceLine
                key={`${marker.kind}-${marker.t}`}
                className={`marker-${marker.kind}`}
                x={marker.t}
                stroke={color}
                strokeDasharray={marker.kind === 'deploy' ? '2 3' : undefined}
                label={labelMarkers ? { value: marker.label, position: 'insideTopLeft', fill: color, className: 'chart-marker-label' } : undefined}
              />
            );
          })}
      </ComposedChart>
    );
  }, [plot, points, series, bars, unit, xTicks, formatX, markers, labelMarkers, spells, from, to, width, height]);

  const hoveredIndex = hover ? nearestIndex(points, hover.t) : -1;
  const hovered = hoveredIndex >= 0 ? points[hoveredIndex]! : null;

  const indexAt = (clientX: number): number => {
    const box = plotRef.current?.getBoundingClientRect();
    return box ? nearestIndex(points, plot.timeAt(clientX - box.left + plot.left)) : -1;
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

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = chartKeyAction(event.key, hovered ? hoveredIndex : null, points.length);
    if (!action) return;
    event.preventDefault();
    if (action.kind === 'show') showIndex(action.index, true);
    else if (action.kind === 'pick') pick(action.index);
    else setHover(null);
  };

  const cursorX = hovered ? plot.x(hovered.t) : 0;
  return (
    <div
      className="chart"
      style={{ width, height }}
      role="application"
      aria-roledescription="chart"
      aria-label={props.label}
      aria-describedby={hovered ? tooltipId : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onBlur={() => setHover((current) => (current?.byKeyboard ? null : current))}
    >
      {drawing}
      <svg className="chart-overlay" width={width} height={height} aria-hidden="true">
        {hovered ? (
          <g className="chart-cursor" pointerEvents="none">
            <line x1={cursorX} x2={cursorX} y1={plot.top} y2={plot.bottom} stroke="var(--chart-cursor)" />
            {series.map((line) => {
              const value = valueOf(hovered, line.key);
              return Number.isFinite(value) ? <circle key={line.key} cx={cursorX} cy={plot.y(value)} r={3} fill={line.color} /> : null;
            })}
          </g>
        ) : null}
        <rect
          ref={plotRef}
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

const noGridColumns = (): number[] => [];

/** A plain `<rect>` per bar (recharts' default shape is a path with rounded-corner support we do not use); nothing for 0. */
function BarRect({ x, y, width, height, fill, className }: BarShapeProps & { className: string }) {
  if (!(Number(height) > 0) || !(Number(width) > 0)) return <g />;
  return <rect className={className} x={x} y={y} width={width} height={height} fill={fill} />;
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
