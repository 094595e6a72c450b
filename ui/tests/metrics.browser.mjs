// The metrics page: pick a metric, an aggregation and a group-by; the chart plots the API's series.
// Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function metrics({ base, page, api, shot }) {
  await page.goto(`${base}/metrics?range=1h`);
  await page.locator("select[name=name] option", { hasText: "queue.depth" }).waitFor({ state: "attached" });
  await page.locator("select[name=name]").selectOption("queue.depth");
  await page.locator("select[name=agg]").selectOption("max");
  await page.locator("input[name=group_by]").fill("attributes.queue");
  await page.locator("button", { hasText: "Show" }).click();
  await page.waitForURL(/group_by=attributes.queue/);
  await page.locator("[data-testid=series-count]", { hasText: "2" }).waitFor();
  const answer = await api("/api/v1/metrics/query?name=queue.depth&agg=max&group_by=attributes.queue&start=now-1h&end=now&step=auto");
  const plotted = JSON.parse(await page.locator(".time-chart").getAttribute("data-series"));
  assert.deepEqual(
    plotted.map((s) => [s.label, s.values.filter((v) => v !== null)]),
    answer.series.map((s) => [s.labels["attributes.queue"], s.points.map((p) => p.value).filter((v) => v !== null)]),
  );
  assert.ok((await page.locator(".time-chart canvas").count()) >= 1);
  await shot("metrics");
  // A counter defaults to its rate.
  await page.locator("select[name=name]").selectOption("http.requests");
  await page.waitForURL(/name=http.requests/);
  await page.locator(".summary", { hasText: "rate per" }).waitFor();
  assert.equal(await page.locator("select[name=agg]").inputValue(), "rate");
}
