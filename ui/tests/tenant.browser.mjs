// The UI in front of a store that keeps tenants apart, with a token bound to no tenant: it asks
// whose data to show, keeps the tenant for the tab, sends it as X-Scope-OrgID and shows that
// tenant's records only. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function tenant({ base, page, facts, expectedStatus, shot }) {
  // Until a tenant is named, every read is refused with 401 no_tenant: that is what this checks.
  expectedStatus.set("/api/", 401);
  const tenants = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/")) tenants.push(r.headers()["x-scope-orgid"] ?? "");
  });
  await page.goto(`${base}/`);
  await page.evaluate((token) => sessionStorage.setItem("spyglass.api-token", token), facts.token);
  await page.goto(`${base}/logs?q=payment`);
  const form = page.locator("form.tenant-form");
  await form.waitFor();
  assert.match(await form.textContent(), /keeps tenants apart/);
  await shot("tenant-form");

  await form.locator("input[name=tenant]").fill(facts.tenant);
  await form.locator("button[type=submit]").click();
  await page.locator(`text=rec-${facts.tenant}-0001`).first().waitFor();
  await shot("tenant-logs");
  const shown = await page.locator("body").textContent();
  assert.ok(!shown.includes(`rec-${facts.other}-`), `no record of ${facts.other} is shown`);
  assert.ok(tenants.includes(facts.tenant), "the tenant went as X-Scope-OrgID");
}
