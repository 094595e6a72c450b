// The Alerts page against Spyglass running rules over logs it was sent: a rule firing, one pending,
// one inactive and one whose query the store refuses. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function alerts({ base, page, api, shot }) {
  await page.goto(`${base}/alerts`);
  const rules = (await api("/api/v1/rules")).data.groups.flatMap((g) => g.rules);
  const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
  // Every rule, with the state and health the API gives.
  for (const rule of rules) {
    const row = page.locator(`tr.rule[data-rule="${rule.name}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-state"), rule.state, rule.name);
    assert.equal(await row.locator(".health").textContent(), rule.health, rule.name);
  }
  assert.equal(byName.CheckoutErrors.state, "firing");
  assert.equal(byName.CheckoutErrorsForAnHour.state, "pending");
  assert.equal(byName.CartErrors.state, "inactive");
  assert.equal(byName.BrokenQuery.health, "err");
  assert.equal(await page.locator('tr.rule[data-rule="BrokenQuery"] .health').getAttribute("title"), byName.BrokenQuery.lastError);
  // The value and since-when of the firing rule.
  const firing = byName.CheckoutErrors.alerts[0];
  assert.equal(await page.locator('tr.rule[data-rule="CheckoutErrors"] .value').textContent(), String(Number(firing.value)));
  assert.match(await page.locator('tr.rule[data-rule="CheckoutErrors"] .since').textContent(), /^\d+(s|m \d+s)$/);
  // Instances firing and pending now, with their rendered summaries.
  const now = page.locator(".firing-now .alert-instances tbody tr");
  assert.equal(await now.count(), 2);
  const instance = page.locator('.firing-now tr[data-alert="CheckoutErrors"]');
  assert.equal(await instance.getAttribute("data-state"), "firing");
  assert.equal(await instance.locator(".summary").textContent(), firing.annotations.summary);
  assert.match(firing.annotations.summary, /^\d+ errors in checkout$/);
  // A rule opens to its query, labels and annotations.
  await page.locator('tr.rule[data-rule="CheckoutErrors"] button').click();
  await page.waitForURL(/open=CheckoutErrors/);
  assert.equal(await page.locator(".rule-detail .rule-query").textContent(), byName.CheckoutErrors.query);
  // History: the state changes the store holds, from pending to firing.
  await page.locator('.alert-history li[data-state="firing"]', { hasText: "CheckoutErrors" }).waitFor();
  assert.ok((await page.locator('.alert-history li[data-state="pending"]').count()) >= 1);
  await shot("alerts");
  // Only firing rules.
  await page.locator('select[aria-label="State"]').selectOption("firing");
  await page.waitForURL(/state=firing/);
  await page.waitForFunction(() => [...document.querySelectorAll("tr.rule")].every((r) => r.dataset.state === "firing"));
  assert.equal(await page.locator("tr.rule").count(), rules.filter((r) => r.state === "firing").length);
  // The history opens in the logs explorer, as a search.
  await page.locator(".alert-history h2 a").click();
  await page.waitForURL(/\/logs\?/);
  await page.locator(".log-line", { hasText: "CheckoutErrors" }).first().waitFor();
}
