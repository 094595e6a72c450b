// The Alerts page of a Spyglass without rules: it says how to add some. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function alertsEmpty({ base, page, api }) {
  assert.deepEqual((await api("/api/v1/rules")).data.groups, []);
  await page.goto(`${base}/alerts`);
  await page.locator(".empty", { hasText: "No alert rules are loaded" }).waitFor();
  assert.match(await page.locator(".empty").first().textContent(), /rule_files/);
  assert.equal(await page.locator("nav a[aria-current=page]").textContent(), "Alerts");
}
