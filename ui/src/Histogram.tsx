import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { COLOURS, type Level } from "./severity";

export interface VolumeSeries {
  level: Level;
  counts: number[];
}

/**
 * Log volume over time, stacked by severity: one bar per bucket. Dragging across it selects a time
 * range ({@code onZoom} with seconds since the epoch).
 */
export function Histogram(props: {
  times: number[];
  series: VolumeSeries[];
  onZoom: (from: number, to: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const onZoom = useRef(props.onZoom);
  onZoom.current = props.onZoom;
  useEffect(() => {
    if (!box.current) return;
    // Stacked: each series draws the running sum of itself and those below it.
    const stacked: number[][] = [];
    let below = props.times.map(() => 0);
    for (const series of props.series) {
      below = below.map((sum, i) => sum + series.counts[i]);
      stacked.push(below);
    }
    const bars = uPlot.paths.bars!({ size: [0.9, 40] });
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 800,
        height: 140,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: "currentColor" }, { stroke: "currentColor", size: 48 }],
        series: [
          {},
          ...props.series
            .map((s) => ({ label: s.level, fill: COLOURS[s.level], width: 0, paths: bars, points: { show: false } }))
            .reverse(),
        ],
        hooks: {
          setSelect: [
            (u: uPlot) => {
              if (u.select.width < 2) return;
              const from = u.posToVal(u.select.left, "x");
              const to = u.posToVal(u.select.left + u.select.width, "x");
              u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
              onZoom.current(from, to);
            },
          ],
        },
      },
      [props.times, ...stacked.reverse()] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [props.times, props.series]);
  // What is plotted, per bucket: for tests and assistive tools that cannot read a canvas.
  const totals = props.times.map((_, i) => props.series.reduce((sum, s) => sum + s.counts[i], 0));
  return (
    <div
      class="histogram"
      ref={box}
      role="img"
      aria-label={`log volume: ${totals.reduce((a, b) => a + b, 0)} records in ${totals.length} buckets`}
      data-counts={JSON.stringify(totals)}
    />
  );
}
