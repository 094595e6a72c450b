import { serviceColour } from "./colours";
import { navigate, href } from "./router";

export interface Dependency {
  parent: string;
  child: string;
  callCount: number;
}

const NODE_W = 150;
const NODE_H = 30;
const GAP_X = 90;
const GAP_Y = 24;

/**
 * Places services in columns: callers left of what they call (the longest chain of calls into a
 * service decides its column; a cycle is cut where it is found).
 */
function layout(links: Dependency[]): Map<string, [number, number]> {
  const services = new Set<string>();
  const calls = new Map<string, string[]>();
  for (const l of links) {
    services.add(l.parent);
    services.add(l.child);
    if (l.parent !== l.child) (calls.get(l.parent) ?? calls.set(l.parent, []).get(l.parent)!).push(l.child);
  }
  const column = new Map<string, number>();
  const called = new Set(links.filter((l) => l.parent !== l.child).map((l) => l.child));
  const roots = [...services].filter((s) => !called.has(s));
  const queue: [string, number, Set<string>][] = (roots.length > 0 ? roots : [...services].slice(0, 1)).map((s) => [s, 0, new Set([s])]);
  let steps = 0;
  while (queue.length > 0 && steps++ < 10_000) {
    const [service, depth, path] = queue.shift()!;
    if ((column.get(service) ?? -1) >= depth) continue;
    column.set(service, depth);
    for (const next of calls.get(service) ?? []) {
      if (!path.has(next)) queue.push([next, depth + 1, new Set([...path, next])]);
    }
  }
  for (const s of services) if (!column.has(s)) column.set(s, 0);
  const rows = new Map<number, number>();
  const placed = new Map<string, [number, number]>();
  for (const s of [...services].sort()) {
    const c = column.get(s)!;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    placed.set(s, [c * (NODE_W + GAP_X) + 10, r * (NODE_H + GAP_Y) + 10]);
  }
  return placed;
}

/** The services and who calls whom, from the dependency graph; a click opens a service. */
export function ServiceMap(props: { links: Dependency[] }) {
  const at = layout(props.links);
  const width = Math.max(...[...at.values()].map(([x]) => x + NODE_W + 10), 200);
  const height = Math.max(...[...at.values()].map(([, y]) => y + NODE_H + 10), 60);
  return (
    <svg class="service-map" width={width} height={height} role="group" aria-label="service map">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      {props.links.map((l) => {
        const [x1, y1] = at.get(l.parent)!;
        const [x2, y2] = at.get(l.child)!;
        const from = [x1 + NODE_W, y1 + NODE_H / 2];
        const to = [x2, y2 + NODE_H / 2];
        return (
          <g class="edge" data-edge={`${l.parent}->${l.child}`}>
            <line x1={from[0]} y1={from[1]} x2={to[0]} y2={to[1]} stroke="currentColor" stroke-opacity="0.5" marker-end="url(#arrow)" />
            <text x={(from[0] + to[0]) / 2} y={(from[1] + to[1]) / 2 - 4} text-anchor="middle" class="edge-label">
              {l.callCount}
            </text>
          </g>
        );
      })}
      {[...at].map(([service, [x, y]]) => (
        <g
          class="node"
          data-service={service}
          tabIndex={0}
          role="link"
          aria-label={`${service}: open its health`}
          onClick={() => navigate(href(["services", service]))}
          onKeyDown={(e) => e.key === "Enter" && navigate(href(["services", service]))}
        >
          <rect x={x} y={y} width={NODE_W} height={NODE_H} rx="6" fill="var(--bg)" stroke={serviceColour(service)} stroke-width="2" />
          <text x={x + NODE_W / 2} y={y + NODE_H / 2 + 4} text-anchor="middle">
            {service.length > 20 ? `${service.slice(0, 19)}…` : service}
          </text>
        </g>
      ))}
    </svg>
  );
}
