import { useState } from "preact/hooks";

type Theme = "system" | "light" | "dark";
const KEY = "spyglass.theme";
const NEXT: Record<Theme, Theme> = { system: "dark", dark: "light", light: "system" };

function apply(theme: Theme) {
  if (theme === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
}

function stored(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

apply(stored());

/** Light, dark, or the system's choice: a preference of this browser, kept across visits. */
export function ThemeSwitch() {
  const [theme, setTheme] = useState<Theme>(stored);
  return (
    <button
      type="button"
      class="theme link-button"
      title="Switch between the system's theme, dark and light"
      aria-label={`theme: ${theme}`}
      onClick={() => {
        const next = NEXT[theme];
        try {
          if (next === "system") localStorage.removeItem(KEY);
          else localStorage.setItem(KEY, next);
        } catch {
          // A browser that keeps nothing still switches for this visit.
        }
        apply(next);
        setTheme(next);
      }}
    >
      {theme === "system" ? "◐ system theme" : theme === "dark" ? "● dark" : "○ light"}
    </button>
  );
}
