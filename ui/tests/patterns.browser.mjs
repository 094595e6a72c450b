// The logs explorer's Patterns tab: the kinds of lines, counts, sparklines, values behind the
// wildcards, new badges, and filtering to or away from a pattern. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function patterns({ base, page, api, shot }) {
  const answered = page.waitForResponse((r) => r.url().includes("/api/v1/logs/patterns"));
  await page.goto(`${base}/logs?view=patterns&range=1h&q=${encodeURIComponent("service.name:sshd")}`);
  const answer = await (await answered).json();
  await page.locator("li.pattern").first().waitFor();
  // The list is the API's, in its order, with its counts.
  assert.deepEqual(
    await page.locator("li.pattern").evaluateAll((lis) => lis.map((li) => li.dataset.pattern)),
    answer.patterns.map((p) => p.id),
  );
  assert.equal(Number(await page.locator("[data-testid=pattern-total]").textContent()), answer.total);
  const invalid = answer.patterns.find((p) => p.template === "Invalid user <*> from <*>");
  assert.ok(invalid, "the invalid-user lines are one pattern");
  assert.equal(invalid.count, 6);
  const row = page.locator(`li.pattern[data-pattern="${invalid.id}"]`);
  assert.equal(await row.locator(".count").textContent(), "6");
  assert.equal(await row.locator(".template mark.wildcard").count(), 2);
  assert.equal(await row.locator(".badge.new").count(), 1, "first seen in the range: new");
  assert.deepEqual(JSON.parse(await row.locator(".pattern-spark").getAttribute("data-counts")), invalid.histogram.map((b) => b.count));

  // Opened: the values behind each wildcard, with their counts.
  await row.locator("button.pattern-open").click();
  const users = row.locator('.wildcard-values[data-wildcard="0"] tbody tr');
  await users.first().waitFor();
  const names = await users.locator("td:first-child").allTextContents();
  assert.deepEqual([...names].sort(), ["admin", "guest", "oracle", "root", "test", "ubuntu"]);
  assert.match(await row.locator(".sample").textContent(), /Invalid user \w+ from /);
  await shot("logs-patterns");

  // Show: the records of that pattern only, in the records tab.
  await row.locator("button.show").click();
  await page.waitForURL(/pattern\.id%3A/);
  await page.locator("[data-testid=total]", { hasText: /^6$/ }).waitFor();
  assert.ok((await page.locator("li.log").allTextContents()).every((t) => t.includes("Invalid user")));

  // Exclude: every other record of the query.
  await page.goto(`${base}/logs?view=patterns&range=1h&q=${encodeURIComponent("service.name:sshd")}`);
  await row.locator("button.exclude").click();
  await page.waitForURL(/NOT\+pattern\.id|NOT%20pattern\.id/);
  await page.locator("[data-testid=total]", { hasText: new RegExp(`^${answer.total - 6}$`) }).waitFor();

  // New and changed are a click away, and in the URL.
  await page.goto(`${base}/logs?view=patterns&range=1h`);
  await page.locator("li.pattern").first().waitFor();
  await page.locator(".pattern-filters button", { hasText: "New" }).click();
  await page.waitForURL(/pfilter=new/);
  await page.locator("li.pattern").first().waitFor();
  const fresh = await api("/api/v1/logs/patterns?start=now-1h&end=now&limit=200&filter=new");
  assert.ok(fresh.patterns.length >= 2);
}
