import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Line {
  label: string;
  values: (number | null)[];
  colour?: string;
}

const COLOURS = ["#0a84ff", "#ff9f0a", "#34c759", "#ff3b30", "#af52de", "#30b0c7", "#ff2d55", "#5e5ce6", "#a2845e", "#ffd60a"];

/**
 * Lines over time (uPlot): {@code times} in seconds since the epoch, a value or null (no data) per
 * time and line. {@code format} writes the y axis and the legend's values.
 */
export function TimeChart(props: {
  times: number[];
  lines: Line[];
  format: (value: number) => string;
  height?: number;
  title?: string;
  sparkline?: boolean;
  /** The time range shown, in seconds since the epoch: all of it, however few points it has. */
  span?: [number, number];
  onZoom?: (from: number, to: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const onZoom = useRef(props.onZoom);
  onZoom.current = props.onZoom;
  useEffect(() => {
    if (!box.current) return;
    const spark = props.sparkline === true;
    const plot = new uPlot(
      {
        width: spark ? 120 : box.current.clientWidth || 800,
        height: props.height ?? (spark ? 28 : 180),
        title: props.title,
        legend: { show: !spark },
        cursor: spark ? { show: false } : { drag: { x: true, y: false, setScale: false } },
        scales: { x: props.span ? { time: true, range: () => props.span! } : { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
        axes: spark
          ? [{ show: false }, { show: false }]
          : [
              { stroke: "currentColor" },
              { stroke: "currentColor", size: 72, values: (_u, values) => values.map((v) => props.format(v)) },
            ],
        series: [
          {},
          ...props.lines.map((line, i) => ({
            label: line.label,
            stroke: line.colour ?? COLOURS[i % COLOURS.length],
            width: spark ? 1 : 1.5,
            spanGaps: false,
            points: { show: !spark, size: 4 },
            value: (_u: uPlot, v: number | null) => (v === null ? "–" : props.format(v)),
          })),
        ],
        hooks: {
          setSelect: [
            (u: uPlot) => {
              if (u.select.width < 2 || !onZoom.current) return;
              const from = u.posToVal(u.select.left, "x");
              const to = u.posToVal(u.select.left + u.select.width, "x");
              u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
              onZoom.current(from, to);
            },
          ],
        },
      },
      [props.times, ...props.lines.map((l) => l.values)] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [props.times, props.lines, props.span?.[0], props.span?.[1]]);
  // What is plotted, for tests and assistive tools that cannot read a canvas.
  return (
    <div
      class={props.sparkline ? "sparkline" : "time-chart"}
      ref={box}
      role="img"
      aria-label={`${props.title ?? "chart"}: ${props.lines.map((l) => l.label).join(", ")}`}
      data-series={JSON.stringify(props.lines.map((l) => ({ label: l.label, values: l.values })))}
    />
  );
}
