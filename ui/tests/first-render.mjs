// Time to first rendered results, measured in Debian's chromium: for each page, LOADS loads, each
// in a fresh browser context (nothing cached), from navigation start to the moment the results
// are in the DOM. Used by `./spyglass bench`:
//   node tests/first-render.mjs BASE_URL TRACE_ID SPAN_COUNT LOADS
// Prints one JSON object: {"<page>": [milliseconds, …], …}.
import { chromium } from "playwright-core";

const [base, traceId, spanCount, loads = "20"] = process.argv.slice(2);
const pages = {
  "logs, last hour": [`${base}/logs?range=1h`, "li.log", 1],
  "logs, last 24 hours": [`${base}/logs?range=24h`, "li.log", 1],
  [`trace of ${spanCount} spans`]: [`${base}/traces/${traceId}`, ".span-row[data-span-id]", Number(spanCount)],
};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const results = {};
try {
  for (const [name, [url, selector, count]] of Object.entries(pages)) {
    results[name] = [];
    for (let i = 0; i < Number(loads); i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(
        ([selector, count]) => {
          new MutationObserver(() => {
            if (window.__firstResults === undefined && document.querySelectorAll(selector).length >= count) {
              window.__firstResults = performance.now();
            }
          }).observe(document, { childList: true, subtree: true });
        },
        [selector, count],
      );
      await page.goto(url);
      await page.waitForFunction(() => window.__firstResults !== undefined, null, { timeout: 60_000 });
      results[name].push(await page.evaluate(() => window.__firstResults));
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
