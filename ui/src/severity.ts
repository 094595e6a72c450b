// OTel severity numbers in ranges of four (TRACE 1–4 … FATAL 21–24), with the colours every page
// uses for them.
export const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export type Level = (typeof LEVELS)[number] | "UNSET";

export const COLOURS: Record<Level, string> = {
  TRACE: "#8e8e93",
  DEBUG: "#5ac8fa",
  INFO: "#34c759",
  WARN: "#ff9f0a",
  ERROR: "#ff3b30",
  FATAL: "#af52de",
  UNSET: "#aeaeb2",
};

export function level(severityNumber: number): Level {
  if (severityNumber < 1 || severityNumber > 24) return "UNSET";
  return LEVELS[Math.floor((severityNumber - 1) / 4)];
}
