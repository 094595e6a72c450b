import { useEffect, useRef, useState } from "preact/hooks";
import { serviceColour } from "./colours";
import type { Placed } from "./trace";

/**
 * The whole trace in a strip: one thin line per span on a canvas. Dragging across it shows just
 * that stretch of time in the waterfall; the shaded part is what the waterfall shows.
 */
export function Minimap(props: {
  spans: Placed[];
  total: number;
  window: [number, number] | null;
  onWindow: (window: [number, number] | null) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<[number, number] | null>(null);
  const height = 48;
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const width = c.clientWidth || 800;
    const scale = devicePixelRatio || 1;
    c.width = width * scale;
    c.height = height * scale;
    const g = c.getContext("2d")!;
    g.scale(scale, scale);
    const row = height / Math.max(1, props.spans.length);
    props.spans.forEach((p, i) => {
      g.fillStyle = serviceColour(p.span["service.name"] ?? "");
      const x = (p.start / props.total) * width;
      const w = Math.max(1, ((p.end - p.start) / props.total) * width);
      g.fillRect(x, i * row, w, Math.max(1, row - (row > 3 ? 1 : 0)));
    });
  }, [props.spans, props.total]);
  const fraction = (e: MouseEvent) => {
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
  };
  const shade = drag ?? (props.window ? [props.window[0] / props.total, props.window[1] / props.total] : null);
  return (
    <div
      class="minimap"
      role="slider"
      aria-label="time window of the waterfall: drag to zoom, double-click for the whole trace"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={props.window ? Math.round((props.window[0] / props.total) * 100) : 0}
      tabIndex={0}
      onMouseDown={(e) => setDrag([fraction(e), fraction(e)])}
      onMouseMove={(e) => drag && setDrag([drag[0], fraction(e)])}
      onMouseUp={(e) => {
        if (!drag) return;
        const [a, b] = [Math.min(drag[0], fraction(e)), Math.max(drag[0], fraction(e))];
        setDrag(null);
        if (b - a > 0.005) props.onWindow([a * props.total, b * props.total]);
      }}
      onMouseLeave={() => setDrag(null)}
      onDblClick={() => props.onWindow(null)}
      onKeyDown={(e) => e.key === "Escape" && props.onWindow(null)}
    >
      <canvas ref={canvas} style={{ height: `${height}px` }} />
      {shade && (
        <div
          class="minimap-window"
          style={{ left: `${Math.min(shade[0], shade[1]) * 100}%`, width: `${Math.abs(shade[1] - shade[0]) * 100}%` }}
        />
      )}
    </div>
  );
}
