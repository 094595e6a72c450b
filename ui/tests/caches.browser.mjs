// The cache dashboard against a real Redis primary and its replica: per-node health, topology,
// charts, the slow log, and the app spans that call the node. Run by tests/run.mjs with
// primary=<host:port> replica=<host:port>.
import assert from "node:assert/strict";

export default async function caches({ base, page, api, shot, facts }) {
  await page.goto(`${base}/caches?range=15m`);
  const primary = page.locator(`.cache-nodes tr[data-node="${facts.primary}"]`);
  const replica = page.locator(`.cache-nodes tr[data-node="${facts.replica}"]`);
  await primary.waitFor();
  await replica.waitFor();
  // Topology: the primary, and the replica it was found through.
  assert.equal(await primary.locator(".role").textContent(), "primary");
  assert.equal(await replica.locator(".role").textContent(), "replica");
  assert.equal(await primary.locator(".up").textContent(), "up");
  // The numbers are the API's: the last hit ratio of the primary (3 hits, 1 miss), its maxmemory.
  const hit = await api(
    `/api/v1/metrics/query?name=redis.keyspace.hit_ratio&agg=last&group_by=resource.redis.node.address&start=now-15m&end=now&step=auto`,
  );
  const series = hit.series.find((s) => s.labels["resource.redis.node.address"] === facts.primary);
  const last = series.points.filter((p) => p.value !== null).at(-1).value;
  assert.equal(last, 0.75);
  assert.equal(await primary.locator(".hit-ratio").textContent(), "75.0%");
  assert.match(await primary.locator(".memory").textContent(), /\/ 64\.0 MiB$/);
  assert.match(await replica.locator(".memory").textContent(), /no limit$/);
  assert.match(await primary.locator(".clients").textContent(), /^\d+$/);
  // Charts: hit ratio, ops/s, memory, evictions, clients, replication lag — each from the API.
  const titles = await page.locator(".charts .time-chart").evaluateAll((charts) => charts.map((c) => c.getAttribute("aria-label")));
  for (const title of ["Hit ratio", "Commands per second", "Memory used", "Evictions per second", "Connected clients", "Replication lag"]) {
    assert.ok(titles.some((t) => t.startsWith(title)), `a ${title} chart among ${titles}`);
  }
  const lag = JSON.parse(await page.locator(".time-chart[aria-label^='Replication lag']").getAttribute("data-series"));
  assert.ok(lag.some((s) => s.label.includes(facts.replica)), "the replica's lag, as the primary reports it");
  // The slow command, with its duration.
  assert.match(await page.locator(".slowlog").textContent(), /EVAL local t/);
  // The app spans calling this host, linked to their traces.
  const callers = page.locator('.cache-callers[data-host="127.0.0.1"]');
  await callers.locator("a", { hasText: "cart: HGETALL" }).waitFor();
  await shot("caches");
  // One node: the page narrows to it.
  await primary.locator("a").click();
  await page.waitForURL(/node=/);
  await page.waitForFunction(() => document.querySelectorAll(".cache-nodes tbody tr").length === 1);
  assert.equal(await page.locator(".cache-nodes tbody tr").getAttribute("data-node"), facts.primary);
  // From the cache to the app's traces that call it.
  await page.locator(".cache-callers a", { hasText: "cart: HGETALL" }).click();
  await page.waitForURL(/\/traces\?service=cart/);
  await page.locator('li.trace-result[data-trace-id="0af7651916cd43dd8448eb211c80319c"]').waitFor();
  await shot("caches-to-traces");
}
