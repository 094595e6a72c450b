// The logs explorer in a real browser (Debian's chromium driven by playwright-core), against a
// running Spyglass that the calling test has fed: node tests/logs.browser.mjs BASE_URL SHOTS_DIR
// Exits 0 when every check passed; prints what failed otherwise.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The browser also logs every HTTP error as a console error; those are judged by status below.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  const expectedStatus = new Map(); // url part -> status a check provokes on purpose
  page.on("response", (r) => {
    const allowed = [...expectedStatus].some(([part, status]) => r.url().includes(part) && r.status() === status);
    if (r.status() >= 400 && !allowed) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const api = (path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);

  // A word search finds the seeded line, its words marked, its level coloured.
  const q = 'body:"connection reset"';
  await page.goto(`${base}/logs?q=${encodeURIComponent(q)}&range=1h`);
  await page.locator("[data-testid=total]").waitFor();
  const search = await api(`/api/v1/logs/search?q=${encodeURIComponent(q)}&start=now-1h&end=now&limit=100`);
  assert.equal(Number(await page.locator("[data-testid=total]").textContent()), search.total);
  assert.ok(search.total >= 1, "the seeded line is found");
  const first = page.locator("li.log").first();
  assert.deepEqual(await first.locator("mark").allTextContents(), ["Connection", "reset"]);
  assert.equal(await first.getAttribute("data-severity"), "ERROR");
  assert.equal(await first.locator(".level").evaluate((e) => getComputedStyle(e).color), "rgb(255, 59, 48)");

  // The histogram plots what the API counts, bucket by bucket.
  const histogram = await api(
    `/api/v1/logs/aggregate?q=${encodeURIComponent(q)}&start=now-1h&end=now&group_by=severity_text&interval=auto&metrics=count&size=50`,
  );
  const apiCounts = histogram.buckets[0].histogram.map((_, i) =>
    histogram.buckets.reduce((sum, b) => sum + b.histogram[i].count, 0),
  );
  const plotted = JSON.parse(await page.locator(".histogram").getAttribute("data-counts"));
  // Buckets are multiples of the interval, so the page's and this call's agree but for an empty
  // bucket at either edge when a minute turned between them.
  assert.deepEqual(plotted.filter((c) => c > 0), apiCounts.filter((c) => c > 0));
  assert.ok(await page.locator(".histogram canvas").count() >= 1, "the chart is drawn");
  await page.screenshot({ path: `${shots}/logs-search.png`, fullPage: true });

  // A record opens to its attributes, resource and scope; its trace id is a link.
  await first.locator("button.log-line").click();
  const detail = first.locator(".log-detail");
  assert.match(await detail.textContent(), /"http\.method": "POST"/);
  assert.match(await detail.textContent(), /"service\.name": "checkout"/);
  assert.equal(await detail.locator("a").first().getAttribute("href"), `/api/v1/traces/${search.hits[0].trace_id}`);
  await page.screenshot({ path: `${shots}/logs-record.png`, fullPage: true });

  // The state is in the URL: a reload, and a deep link, show the same search.
  await page.reload();
  await page.locator("[data-testid=total]").waitFor();
  assert.equal(await page.locator("input[name=q]").inputValue(), q);

  // Keyboard and autocomplete: a field name from /api/v1/fields, then one of its values, then Enter.
  const input = page.locator("input[name=q]");
  await input.fill("");
  await input.pressSequentially("servi");
  await page.locator("[role=option]", { hasText: "service.name" }).first().waitFor();
  assert.equal(await page.locator("[role=option][aria-selected=true]").textContent(), "service.name");
  await page.keyboard.press("Enter");
  assert.equal(await input.inputValue(), "service.name:");
  await page.locator("[role=option]", { hasText: "service.name:checkout" }).waitFor();
  await input.pressSequentially("ca");
  await page.locator("[role=option]", { hasText: "service.name:cart" }).waitFor();
  assert.deepEqual(await page.locator("[role=option]").allTextContents(), ["service.name:cart"]);
  await page.screenshot({ path: `${shots}/logs-autocomplete.png`, fullPage: true });
  await page.keyboard.press("Tab");
  assert.equal(await input.inputValue(), "service.name:cart");
  await page.keyboard.press("Enter");
  await page.waitForURL(/service\.name%3Acart/);
  await page.locator("li.log").first().waitFor();
  assert.equal(await page.locator("li.log .service").first().textContent(), "cart");

  // Nothing found: the page says how to send data.
  await page.goto(`${base}/logs?q=${encodeURIComponent("body:nosuchwordanywhere")}`);
  await page.locator(".empty").waitFor();
  assert.match(await page.locator(".empty").textContent(), /OTEL_EXPORTER_OTLP_ENDPOINT/);
  await page.screenshot({ path: `${shots}/logs-empty.png`, fullPage: true });

  // A query the API refuses: its message, not a blank page.
  expectedStatus.set("/api/v1/logs/", 400);
  await page.goto(`${base}/logs?q=${encodeURIComponent("body:(unclosed")}`);
  await page.locator("[role=alert]").waitFor();
  assert.match(await page.locator("[role=alert]").textContent(), /cannot parse query/);
  await page.screenshot({ path: `${shots}/logs-error.png`, fullPage: true });
  expectedStatus.clear();

  // Unknown pages are the app (deep links); unknown API paths stay JSON.
  const deep = await page.goto(`${base}/logs/some/deep/link`);
  assert.equal(deep.status(), 200);
  await page.locator("header .brand").waitFor();
} catch (e) {
  problems.push(e.stack ?? String(e));
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("logs explorer: every check passed");
