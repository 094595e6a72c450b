// The services table (rate, error %, p50/p95/p99, sparklines), the service map, and a service's
// own page with its operations. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function services({ base, page, api, shot }) {
  // The table must draw what the API answered for the page's own window: asking again later could
  // land on the next histogram bucket boundary, so the page's response is the one compared.
  const answered = page.waitForResponse(
    (r) => r.url().includes("/api/v1/spans/aggregate") && new URL(r.url()).searchParams.get("group_by") === "service.name",
  );
  await page.goto(`${base}/services?spans=all&range=1h`);
  const response = await answered;
  const red = await response.json();
  const asked = new URL(response.url()).searchParams;
  assert.equal(asked.get("interval"), "auto");
  assert.match(asked.get("metrics"), /count.*rate.*errors.*p50\(duration\).*p95\(duration\).*p99\(duration\)/);
  // …and that answer is the API's for the same absolute window.
  const again = await api(`/api/v1/spans/aggregate?${asked}`);
  assert.deepEqual(again.buckets.map((b) => b.count), red.buckets.map((b) => b.count));
  await page.locator(".red-table tbody tr").first().waitFor();
  const rows = page.locator(".red-table tbody tr");
  assert.deepEqual(
    await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.service)),
    red.buckets.map((b) => b.key["service.name"]),
  );
  const payment = red.buckets.find((b) => b.key["service.name"] === "payment");
  const row = page.locator('.red-table tr[data-service="payment"]');
  assert.equal(await row.locator(".errors").textContent(), `${((payment.errors / payment.count) * 100).toFixed(1)}%`);
  assert.ok((await page.locator(".sparkline canvas").count()) >= red.buckets.length, "a sparkline per service");
  const sparkline = JSON.parse(await row.locator(".sparkline").getAttribute("data-series"));
  assert.deepEqual(sparkline[0].values, payment.histogram.map((b) => b.rate));

  // The map: an edge per dependency, each service a node that opens its page.
  const end = Date.now();
  const deps = await api(`/api/dependencies?endTs=${end}&lookback=3600000`);
  const edges = await page.locator(".service-map .edge").evaluateAll((gs) => gs.map((g) => g.dataset.edge).sort());
  assert.deepEqual(edges, deps.data.map((d) => `${d.parent}->${d.child}`).sort());
  assert.ok(edges.includes("checkout->payment"));
  await shot("services");
  await page.locator('.service-map .node[data-service="checkout"]').click();
  await page.waitForURL(/\/services\/checkout/);
  await page.locator(".time-chart canvas").first().waitFor();
  assert.equal(await page.locator(".time-chart").count(), 3, "rate, errors and latency charts");
  const operations = await page.locator('.red-table tr[data-operation]').evaluateAll((trs) => trs.map((tr) => tr.dataset.operation).sort());
  assert.deepEqual(operations, ["POST /checkout"], "entry spans by default: the internal audit span is not an operation here");
  await shot("service-checkout");
  // Its traces, one click away.
  await page.locator(".service .query-bar a", { hasText: "Traces" }).first().click();
  await page.waitForURL(/\/traces\?service=checkout/);
  await page.locator("li.trace-result").first().waitFor();
}
