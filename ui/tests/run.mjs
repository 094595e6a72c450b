// Runs browser checks in Debian's chromium (driven by playwright-core) against a running Spyglass
// that the calling test has fed:  node tests/run.mjs BASE_URL SHOTS_DIR SUITE [KEY=VALUE…]
// A suite is tests/SUITE.browser.mjs, whose default export gets a checker; the KEY=VALUE pairs
// are what the feeding test tells it (trace ids…). Every page must load without console errors,
// page errors or failed requests. Exits 0 when every check passed; prints what failed otherwise.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [base, shots, suite, ...pairs] = process.argv.slice(2);
const facts = Object.fromEntries(pairs.map((p) => p.split(/=(.*)/s).slice(0, 2)));
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
  const expectedFailures = new Set(); // url parts whose requests a check makes fail on purpose
  page.on("requestfailed", (r) => {
    // A page left while its requests ran cancels them: that is not a failure.
    if (r.failure()?.errorText === "net::ERR_ABORTED" || [...expectedFailures].some((part) => r.url().includes(part))) return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  const expectedStatus = new Map(); // url part -> status a check provokes on purpose
  page.on("response", (r) => {
    const allowed = [...expectedStatus].some(([part, status]) => r.url().includes(part) && r.status() === status);
    if (r.status() >= 400 && !allowed) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const check = {
    base,
    page,
    facts,
    expectedStatus,
    expectedFailures,
    /** The API's JSON answer to {@code path}. */
    api: (path) => fetch(`${base}${path}`).then((r) => r.json()),
    shot: (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }),
  };
  const { default: run } = await import(`./${suite}.browser.mjs`);
  await run(check);
} catch (e) {
  problems.push(e.stack ?? String(e));
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${suite}: every check passed`);
