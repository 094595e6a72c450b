// A stable colour per service: the same service has the same colour on every page.
const PALETTE = ["#0a84ff", "#30b0c7", "#34c759", "#ff9f0a", "#af52de", "#ff2d55", "#5e5ce6", "#a2845e", "#64d2ff", "#ffd60a"];

export function serviceColour(service: string): string {
  let hash = 0;
  for (let i = 0; i < service.length; i++) hash = (hash * 31 + service.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}
