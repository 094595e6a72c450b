// Time to first rendered results, measured in Debian's chromium: for each page, LOADS loads in a
// fresh browser context each (cold: nothing cached) and LOADS in one tab that has been there
// before (warm), from navigation start to the moment the results are in the DOM.
// Used by `./spyglass bench`:
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

/** Milliseconds from navigation start until {@code count} elements match {@code selector}. */
async function load(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__firstResults !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => window.__firstResults);
}

async function newPage(context, selector, count) {
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
  return page;
}

try {
  for (const [name, [url, selector, count]] of Object.entries(pages)) {
    // Cold: a fresh context each time, so the app's files are fetched and compiled again.
    results[`${name}, cold`] = [];
    for (let i = 0; i < Number(loads); i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      results[`${name}, cold`].push(await load(await newPage(context, selector, count), url));
      await context.close();
    }
    // Warm: one tab that has been here before (the hashed files come from the browser's cache).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await newPage(context, selector, count);
    await load(page, url);
    results[`${name}, warm`] = [];
    for (let i = 0; i < Number(loads); i++) results[`${name}, warm`].push(await load(page, url));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
