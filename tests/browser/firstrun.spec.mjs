// End-to-end test of a member's first minutes in a real browser:
// playwright-core drives Debian's chromium (headless) against `moedemappe
// serve` on an empty data directory, with a fake FirstAgenda portal on
// 127.0.0.1 (its address in FAKEPORTAL_URL, the body of its next meeting in
// FAKEPORTAL_NEXT_BODY; crates/cli/tests/browser.rs starts it).
//
//   node tests/browser/firstrun.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Kommune → udvalg → first sync with progress → reading the next meeting.
// Saves forste-kommune.png, forste-udvalg.png, forste-hentning.png,
// forste-moeder.png and forste-laeser.png into the artifacts folder.
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("firstrun.spec.mjs", "moedemappe-firstrun-", "failure-firstrun.png");
const { artifacts, step, problems } = t;

let server = null;
let context = null;
let page = null;

async function main() {
  checkTools(t);
  const portal = process.env.FAKEPORTAL_URL;
  const nextBody = process.env.FAKEPORTAL_NEXT_BODY;
  assert.ok(portal && nextBody, "FAKEPORTAL_URL and FAKEPORTAL_NEXT_BODY are set");

  server = await startServer(t);
  const base = server.url;
  const origin = base.replace(/\/$/, "");
  let remote;
  ({ context, page, remote } = await openBrowser(t, origin));
  const api = (path) =>
    page.evaluate(async (path) => {
      const r = await fetch(path);
      return { status: r.status, body: await r.json() };
    }, path);

  // An empty Mødemappe starts with the municipality.
  await page.goto(`${base}#/`);
  const first = page.locator('[data-state="first-run"]');
  await first.waitFor();
  await first.getByText("Vælg din kommune").waitFor();
  assert.ok((await page.locator("#kommuner option").count()) >= 60, "the shipped municipalities to choose from");
  assert.equal(await page.title(), "Forside – Mødemappe");
  await page.screenshot({ path: join(artifacts, "forste-kommune.png") });
  step("first run: Vælg din kommune");

  // A misspelt name gets the closest municipality, in plain Danish, and adds nothing.
  const field = page.locator("#kommune");
  await field.fill("Aarhsu");
  await page.getByRole("button", { name: "Hent udvalg" }).click();
  const alert = first.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /^Kender ingen kommune .*mente du Aarhus.*\?$/s);
  assert.deepEqual((await api("/api/sources")).body, [], "no source from a typo");
  step("a typo suggests Aarhus");

  // The portal's address: its committees, from its list alone.
  await field.fill(portal);
  await page.getByRole("button", { name: "Hent udvalg" }).click();
  const chooser = page.locator('[data-state="choose-bodies"]');
  await chooser.waitFor();
  const bodies = (await api("/api/bodies")).body;
  assert.ok(bodies.length >= 3, `the portal's bodies (${bodies.length})`);
  assert.ok(bodies.some((b) => b.name === nextBody), `${nextBody} is among them`);
  assert.deepEqual((await api("/api/meetings")).body, [], "no agenda fetched before the member chose");
  await page.screenshot({ path: join(artifacts, "forste-udvalg.png") });
  step(`${bodies.length} bodies to choose from`);

  // Follow one body and fetch: progress, then its next meetings first.
  const body = bodies.find((b) => b.name === nextBody);
  await chooser.locator(`input[data-body="${body.id}"]`).check();
  await chooser.locator(`input[data-body="${body.id}"]:checked:not([disabled])`).waitFor();
  await page.getByRole("button", { name: "Hent møderne" }).click();
  const progress = page.getByTestId("sync-progress");
  await progress.waitFor();
  await page.screenshot({ path: join(artifacts, "forste-hentning.png") });
  const cards = page.locator('[data-list="upcoming"] .meeting-card');
  await cards.first().waitFor({ timeout: 60_000 });
  await progress.getByTestId("sync-done").waitFor({ timeout: 120_000 });
  await page.getByRole("heading", { name: "Dine næste møder" }).waitFor();
  const upcoming = (await api("/api/agenda?next=6")).body;
  assert.ok(upcoming.length > 0 && upcoming.every((m) => m.body === nextBody), "the followed body's next meetings");
  await page.screenshot({ path: join(artifacts, "forste-moeder.png") });
  step(`first sync done; ${upcoming.length} upcoming meetings`);

  // The next meeting, and its first bilag in the reader.
  await cards.first().click();
  await page.waitForURL(/#\/moede\/\d+$/);
  await page.waitForFunction((body) => document.title.startsWith(body) && document.title.endsWith(" – Møde – Mødemappe"), nextBody);
  const bilag = page.locator('[data-screen="moede"] a[data-attachment]').first();
  await bilag.waitFor();
  await bilag.click();
  await page.waitForURL(/#\/laes\/\d+\/1(\?|$)/);
  await page.locator('.page[data-page="1"][data-rendered="true"]').waitFor({ timeout: 30_000 });
  assert.match(await page.title(), / – Læser – Mødemappe$/);
  await page.screenshot({ path: join(artifacts, "forste-laeser.png") });
  step("the next meeting's bilag in the reader");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  // The typo's 404 is the one refusal expected.
  const real = problems.filter((p) => !/Warning: /.test(p) && !/status of 404/.test(p));
  assert.ok(problems.length - real.length <= 1, `one expected 404: ${problems}`);
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
