import { navigate, useLocation } from "./router";

/** The page's state lives in the URL's query, so every view can be shared and reloaded. */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string>, replace?: boolean) => void] {
  const where = useLocation();
  const params = new URLSearchParams(where.search);
  const update = (changes: Record<string, string>, replace = false) => {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === "") next.delete(key);
      else next.set(key, value);
    }
    const search = next.toString();
    navigate(`${location.pathname}${search ? `?${search}` : ""}`, replace);
  };
  return [params, update];
}
