// Trace search and the trace view: scatter and list, waterfall with nesting, collapse, find,
// critical path, span details, the trace's logs beside it; and log → trace → service health in
// three clicks. Run by tests/run.mjs with trace=<id of the seeded checkout trace>.
import assert from "node:assert/strict";

export default async function traces({ base, page, api, shot, facts }) {
  const traceId = facts.trace;
  const answer = await api(`/api/v1/traces/${traceId}`);

  // Search: the seeded trace is found by its service and an attribute, plotted and listed.
  await page.goto(`${base}/traces?service=frontend&tags=${encodeURIComponent("http.route=/checkout")}&range=1h`);
  await page.locator(`li.trace-result[data-trace-id="${traceId}"]`).waitFor();
  assert.equal(await page.locator("li.trace-result").count(), 1, "only the trace with that attribute");
  assert.equal(await page.locator(".scatter").getAttribute("data-points"), "1");
  assert.ok((await page.locator(".scatter canvas").count()) >= 1, "the scatter plot is drawn");
  assert.match(await page.locator("li.trace-result").textContent(), /7 spans · 1 errors/);
  await shot("traces-search");
  // A duration filter that excludes it.
  await page.goto(`${base}/traces?service=frontend&minDuration=5s&range=1h`);
  await page.locator(".empty").waitFor();

  // The trace view: every span, nested as sent.
  await page.goto(`${base}/traces?service=frontend&tags=${encodeURIComponent("http.route=/checkout")}`);
  await page.locator("a.trace-link").first().click();
  await page.waitForURL(new RegExp(`/traces/${traceId}$`));
  await page.locator(".span-row[data-span-id]").first().waitFor();
  assert.equal(Number(await page.locator("[data-testid=span-count]").textContent()), 7);
  assert.equal(await page.locator(".span-row[data-span-id]").count(), 7);
  const depthOf = async (name) => Number(await page.locator(".span-row", { hasText: name }).getAttribute("data-depth"));
  assert.deepEqual(
    [await depthOf("GET /checkout"), await depthOf("POST checkout"), await depthOf("POST /checkout"), await depthOf("GetCart"), await depthOf("HGETALL"), await depthOf("Charge"), await depthOf("audit")],
    [0, 1, 2, 3, 4, 3, 3],
  );
  // Critical path: the work that decided the trace's length — not the audit that ran beside Charge.
  const critical = await page.locator(".span-row[data-critical=true] .operation").allTextContents();
  assert.deepEqual(critical.sort(), ["Charge", "GET /checkout", "GetCart", "HGETALL cart:42", "POST /checkout", "POST checkout"]);
  assert.ok((await page.locator(".critical-segment").count()) >= 6, "critical stretches are drawn");
  assert.ok((await page.locator(".minimap canvas").count()) === 1, "the minimap is drawn");
  assert.equal(await page.locator(".span-row", { hasText: "Charge" }).locator(".error-mark").count(), 1, "the failed span is marked");
  assert.equal(await page.locator(".error-mark").count(), 1);
  // The trace's logs beside it.
  assert.equal(await page.locator(".trace-logs .trace-log").count(), answer.logs.length);
  assert.equal(answer.logs.length, 2);
  await shot("trace-view");

  // Collapse hides a subtree; expand shows it again.
  await page.locator(".span-row", { hasText: "GetCart" }).locator("button.toggle").click();
  assert.equal(await page.locator(".span-row[data-span-id]").count(), 6);
  await page.locator(".span-row", { hasText: "GetCart" }).locator("button.toggle").click();
  assert.equal(await page.locator(".span-row[data-span-id]").count(), 7);

  // Find in trace, from the keyboard: "/" focuses it, Enter selects the match.
  await page.keyboard.press("/");
  await page.keyboard.type("redis");
  assert.equal(await page.locator("[data-testid=find-count]").textContent(), "1 match");
  await page.keyboard.press("Enter");
  await page.locator(".span-detail", { hasText: "HGETALL" }).waitFor();
  assert.match(await page.locator(".span-detail").textContent(), /db\.system\s*redis/);

  // Span → its logs: selecting Charge shows only its log; log → its span: the log's span button.
  await page.locator(".span-row", { hasText: "Charge" }).locator("button.span-label").click();
  await page.locator(".trace-logs h3", { hasText: "selected span (1)" }).waitFor();
  assert.match(await page.locator(".trace-logs").textContent(), /card declined/);
  const detail = page.locator(".span-detail");
  assert.match(await detail.textContent(), /status error \(insufficient funds\)/);
  assert.match(await detail.textContent(), /\+\d.*retrying/, "events show with their offset");
  assert.match(await detail.textContent(), /service\.name\s*payment/, "the resource shows");
  await page.locator(".trace-logs button", { hasText: "all 2 of the trace" }).click();
  await page.locator(".trace-log", { hasText: "cart 42 loaded" }).locator("button.span-of-log").click();
  await page.locator(".span-detail", { hasText: "GetCart" }).waitFor();
  assert.match(page.url(), /span=/);
  await shot("trace-span");

  // From a log line to its trace to its service's health: three clicks.
  await page.goto(`${base}/logs?q=${encodeURIComponent('body:"card declined"')}`);
  await page.locator("li.log").first().waitFor();
  let clicks = 0;
  await page.locator("li.log button.log-line").first().click();
  clicks++;
  await page.locator("a.trace-link").first().click();
  clicks++;
  await page.locator(".span-detail", { hasText: "Charge" }).waitFor(); // the log's own span is open
  await page.locator(".span-detail a.service-link").click();
  clicks++;
  await page.waitForURL(/\/services\/payment/);
  await page.locator("[data-testid=health]").waitFor();
  const health = await api(
    `/api/v1/spans/aggregate?q=${encodeURIComponent("(service.name:payment) AND (kind:server OR kind:consumer)")}&start=now-1h&end=now&group_by=service.name&metrics=count,errors`,
  );
  const { count, errors } = health.buckets[0];
  assert.equal(await page.locator("[data-testid=error-ratio]").textContent(), `${((errors / count) * 100).toFixed(1)}%`);
  assert.equal(clicks, 3);
  await shot("service-health");
}
