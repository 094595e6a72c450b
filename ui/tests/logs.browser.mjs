// The logs explorer: search, histogram, record details, URL state, autocomplete, empty and error
// states, live tail and log context. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function logs({ base, page, api, shot, expectedStatus, expectedFailures, facts }) {
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
  await page.locator(".histogram canvas").first().waitFor();
  const plotted = JSON.parse(await page.locator(".histogram").getAttribute("data-counts"));
  // Buckets are multiples of the interval, so the page's and this call's agree but for an empty
  // bucket at either edge when a minute turned between them.
  assert.deepEqual(plotted.filter((c) => c > 0), apiCounts.filter((c) => c > 0));
  assert.ok(await page.locator(".histogram canvas").count() >= 1, "the chart is drawn");
  await shot(`logs-search`);

  // A record opens to its attributes, resource and scope; its trace id is a link.
  await first.locator("button.log-line").click();
  const detail = first.locator(".log-detail");
  assert.match(await detail.textContent(), /"http\.method": "POST"/);
  assert.match(await detail.textContent(), /"service\.name": "checkout"/);
  assert.equal(
    await detail.locator("a.trace-link").getAttribute("href"),
    `/traces/${search.hits[0].trace_id}?span=${search.hits[0].span_id}`,
  );
  await shot(`logs-record`);

  // Log context: the lines around it from the same service, whatever the query matched.
  await detail.locator("button", { hasText: "show context" }).click();
  const context = detail.locator(".log-context li");
  await context.filter({ hasText: "payment ok" }).waitFor();
  assert.match(await detail.locator(".log-context .this-record").textContent(), /Connection reset by peer/);
  assert.ok(!(await detail.locator(".log-context").textContent()).includes("cart is slow"), "another service's lines stay out");
  await shot(`logs-context`);

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
  await shot(`logs-autocomplete`);
  await page.keyboard.press("Tab");
  assert.equal(await input.inputValue(), "service.name:cart");
  await page.keyboard.press("Enter");
  await page.waitForURL(/service\.name%3Acart/);
  await page.locator("[data-testid=total]", { hasText: /^2$/ }).waitFor();
  assert.deepEqual([...new Set(await page.locator("li.log .service").allTextContents())], ["cart"]);

  // Live tail: a record sent after the page loaded shows on top without a reload.
  await page.goto(`${base}/logs?q=${encodeURIComponent("service.name:cart")}&live=1`);
  await page.locator("[data-testid=live-count]").waitFor();
  const word = `tailed${Date.now()}`;
  const sent = await fetch(`${facts.otlp}/v1/logs`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: `${Date.now()}000000`, severityNumber: 9, severityText: "INFO", body: { stringValue: `${word} arrived` } },
              ],
            },
          ],
        },
      ],
    }),
  });
  assert.equal(sent.status, 200);
  await page.locator("li.log.fresh", { hasText: word }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator("[data-testid=live-count]").textContent(), "1");
  assert.match(await page.locator("li.log").first().textContent(), new RegExp(word));
  await shot(`logs-live`);

  // Nothing found: the page says how to send data.
  await page.goto(`${base}/logs?q=${encodeURIComponent("body:nosuchwordanywhere")}`);
  await page.locator(".empty").waitFor();
  assert.match(await page.locator(".empty").textContent(), /OTEL_EXPORTER_OTLP_ENDPOINT/);
  await shot(`logs-empty`);

  // A query the API refuses: its message, not a blank page.
  expectedStatus.set("/api/v1/logs/", 400);
  await page.goto(`${base}/logs?q=${encodeURIComponent("body:(unclosed")}`);
  await page.locator("[role=alert]").waitFor();
  assert.match(await page.locator("[role=alert]").textContent(), /cannot parse query/);
  await shot(`logs-error`);
  expectedStatus.clear();

  // The API down: the page says so instead of showing nothing.
  expectedFailures.add("/api/v1/");
  await page.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
  await page.goto(`${base}/logs?q=error`);
  await page.locator("[role=alert]").waitFor();
  assert.match(await page.locator("[role=alert]").textContent(), /does not answer: is it running\?/);
  await shot("logs-api-down");
  await page.unroute("**/api/v1/**");
  expectedFailures.clear();

  // Dark mode: the header's switch, kept across a reload; back to the system's (light here).
  await page.goto(`${base}/logs`);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), "rgb(255, 255, 255)");
  await page.locator("header.top .theme").click();
  assert.equal(await background(), "rgb(22, 22, 24)");
  await page.reload();
  await page.locator("[data-testid=total]").waitFor();
  assert.equal(await background(), "rgb(22, 22, 24)");
  await shot("logs-dark");
  await page.locator("header.top .theme").click();
  await page.locator("header.top .theme").click();
  assert.equal(await background(), "rgb(255, 255, 255)");

  // Unknown pages are the app (deep links); unknown API paths stay JSON.
  const deep = await page.goto(`${base}/logs/some/deep/link`);
  assert.equal(deep.status(), 200);
  await page.locator("header.top .brand").waitFor();
}
