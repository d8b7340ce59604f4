// Line charts drawn with uPlot (a small canvas chart library), sized to their container. The figures are also in a
// table beside each chart: the canvas is hidden from screen readers.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of a chart. */
export interface ChartSeries {
  readonly label: string;
  readonly colour: string;
  /** Dashed, no points: a reference line. */
  readonly reference?: boolean;
}

/** A chart's axes and height. */
export interface ChartOptions {
  readonly x: string;
  readonly y: string;
  /** A base-2 logarithmic x axis, for batch sizes. */
  readonly xLog2?: boolean;
  readonly height: number;
}

/** A chart in `target` with one line per series, resized with its container. */
export function createChart(target: HTMLElement, series: readonly ChartSeries[], options: ChartOptions): uPlot {
  const width = () => Math.max(260, target.clientWidth);
  const chart = new uPlot(
    {
      width: width(),
      height: options.height,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: options.xLog2 ? { time: false, distr: 3, log: 2 } : { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        { label: options.x, ...(options.xLog2 ? { splits: (u: uPlot) => (u.data[0] as number[]).slice() } : {}) },
        { label: options.y, size: 56 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: 2,
          ...(s.reference ? { dash: [6, 4], points: { show: false } } : { points: { show: true, size: 7 } }),
        })),
      ],
    },
    [[], ...series.map(() => [])],
    target,
  );
  new ResizeObserver(() => chart.setSize({ width: width(), height: options.height })).observe(target);
  return chart;
}
