import { useEffect, useState } from "preact/hooks";

/** The page's state lives in the URL's query, so every view can be shared and reloaded. */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string>) => void] {
  const [params, setParams] = useState(() => new URLSearchParams(location.search));
  useEffect(() => {
    const onPop = () => setParams(new URLSearchParams(location.search));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === "") next.delete(key);
      else next.set(key, value);
    }
    history.pushState(null, "", `${location.pathname}?${next}`);
    setParams(next);
  };
  return [params, update];
}
