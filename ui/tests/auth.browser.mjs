// The UI in front of an API that asks for a token (extensions.api.auth): it asks for one, keeps it
// for the tab, sends it as a header — never in a URL — and then shows the data. Run by tests/run.mjs.
import assert from "node:assert/strict";

export default async function auth({ base, page, facts, expectedStatus, shot }) {
  // Until a token is given, every API request is refused: that is what this suite checks.
  expectedStatus.set("/api/", 401);
  const urls = [];
  const authorized = [];
  page.on("request", (r) => {
    urls.push(r.url());
    if (r.url().includes("/api/")) authorized.push(r.headers()["authorization"] ?? "");
  });

  await page.goto(`${base}/logs?q=secret`);
  const form = page.locator("form.token-form");
  await form.waitFor();
  assert.match(await form.textContent(), /asks for an API token/);
  await shot("auth-token-form");

  await form.locator("input[name=token]").fill("not-the-token");
  await form.locator("button[type=submit]").click();
  await page.locator("form.token-form", { hasText: "was not accepted" }).waitFor();

  await page.locator("form.token-form input[name=token]").fill(facts.token);
  await page.locator("form.token-form button[type=submit]").click();
  await page.locator("text=secret record").first().waitFor();
  await shot("auth-logs-with-token");

  assert.ok(authorized.includes(`Bearer ${facts.token}`), "the token went as a header");
  for (const url of urls) {
    assert.ok(!url.includes(facts.token), `the token is in no URL: ${url}`);
    assert.ok(!url.includes("not-the-token"), `no token is in a URL: ${url}`);
  }
}
