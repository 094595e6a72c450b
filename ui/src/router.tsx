import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

/** Fired on the window whenever the app changes its own URL (history.pushState fires nothing). */
export const NAVIGATED = "spyglass:navigated";

/** Goes to {@code href} inside the app: the URL changes, the page re-renders, nothing reloads. */
export function navigate(href: string, replace = false) {
  const before = location.pathname;
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  dispatchEvent(new Event(NAVIGATED));
  if (location.pathname !== before) scrollTo(0, 0);
}

/** The current location, re-rendered on every in-app navigation and on back/forward. */
export function useLocation(): Location {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const changed = () => setVersion((v) => v + 1);
    addEventListener("popstate", changed);
    addEventListener(NAVIGATED, changed);
    return () => {
      removeEventListener("popstate", changed);
      removeEventListener(NAVIGATED, changed);
    };
  }, []);
  return location;
}

/** A link that navigates inside the app; a modified click (new tab, …) stays the browser's. */
export function Link(props: {
  href: string;
  class?: string;
  title?: string;
  current?: boolean;
  children: ComponentChildren;
}) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      aria-current={props.current ? "page" : undefined}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** A path built from segments, each URL-encoded, and a query (empty values left out). */
export function href(path: string[], query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return "/" + path.map(encodeURIComponent).join("/") + (search ? `?${search}` : "");
}
