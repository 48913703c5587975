// End-to-end test of the web UI in a real browser: playwright-core drives
// Debian's chromium (headless) against `moedemappe serve` on the demo corpus.
//
//   node tests/browser/search.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Exits 0 when every check passes, 1 with the failed check on stderr. Saves
// a PNG screenshot of each main screen (Søg, Læser) into the artifacts folder.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("search.spec.mjs", "moedemappe-browser-");
const { binary, artifacts, data, step, problems } = t;

let server = null;
let context = null;
let page = null;

async function main() {
  checkTools(t);

  step("demo corpus");
  execFileSync(binary, ["--data-dir", data, "demo"], { stdio: ["ignore", "ignore", "pipe"], env: serverEnv(t) });
  server = await startServer(t);
  const base = server.url;
  const origin = base.replace(/\/$/, "");
  step(`serve at ${base}`);

  let remote;
  ({ context, page, remote } = await openBrowser(t, origin));

  // Søg: the welcome screen; "/" focuses the search box.
  await page.goto(`${base}#/soeg`);
  await page.getByRole("heading", { name: "Find det i dagsordener og bilag" }).waitFor();
  await page.evaluate(() => (document.activeElement instanceof HTMLElement) && document.activeElement.blur());
  assert.notEqual(await page.evaluate(() => document.activeElement?.id), "q");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "q", '"/" focuses the search box');
  await page.keyboard.type("arbejdsbelastning");
  await page.keyboard.press("Enter");
  await page.locator(".group").first().waitFor();
  step("search results shown");
  assert.match(page.url(), /\?q=arbejdsbelastning$/);

  // Facets with counts, in the three sections.
  for (const name of ["Udvalg", "År", "Type"]) {
    const section = page.locator(".facets section", { has: page.getByRole("heading", { name, exact: true }) });
    const toggles = section.locator("button.toggle");
    assert.ok((await toggles.count()) > 0, `facet ${name} has values`);
    assert.match(await toggles.first().locator(".count").innerText(), /^\d[\d.]*$/, `facet ${name} shows counts`);
  }
  // Grouped results with a citation line: udvalg · dato · punkt … side N.
  const groups = page.locator(".group");
  const groupCount = await groups.count();
  assert.ok(groupCount >= 3, `several groups (${groupCount})`);
  const cite = await groups.first().locator(".cite").innerText();
  assert.match(cite, / · \d{1,2}\. \p{L}+ \d{4} · /u, `a dated citation: ${cite}`);
  assert.match(cite, /side \d+$/, `a page in the citation: ${cite}`);
  assert.ok((await page.locator(".snippet b").count()) > 0, "snippets mark the matched words");
  const summary = await page.locator(".summary").innerText();
  assert.match(summary, /træf i \d+ dokumenter/);
  await page.screenshot({ path: join(artifacts, "soeg.png"), fullPage: false });
  // "Vis flere" fetches the next groups.
  if (groupCount === 20) {
    await page.locator("button.more-results").click();
    await page.waitForFunction(() => document.querySelectorAll(".group").length > 20);
  }
  step("screenshot soeg.png");

  // A facet narrows the search and is recorded in the URL; back undoes it.
  const bodyToggle = page.locator(".facets section").first().locator("button.toggle").first();
  const bodyName = await bodyToggle.locator(".name").innerText();
  const before = await page.locator(".summary").innerText();
  await bodyToggle.click();
  await page.waitForURL(/[?&]body=/);
  await page.waitForFunction(() => !document.querySelector(".results")?.getAttribute("aria-busy")?.includes("true"));
  assert.equal(new URL(page.url()).searchParams.get("body"), bodyName);
  const pressed = page.locator('.facets button.toggle[aria-pressed="true"]');
  await pressed.first().waitFor();
  assert.equal(await pressed.locator(".name").first().innerText(), bodyName);
  assert.ok(
    (await page.locator(".facets section").first().locator("button.toggle").count()) > 1,
    "the other udvalg stay in view beside the chosen one",
  );
  const cites = await page.locator(".group .cite").allInnerTexts();
  assert.ok(cites.length > 0 && cites.every((c) => c.startsWith(bodyName)), `only ${bodyName}: ${cites.join(" | ")}`);
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("body"));
  await page.locator('.facets button.toggle[aria-pressed="true"]').waitFor({ state: "detached" });
  await page.waitForFunction((t) => document.querySelector(".summary")?.textContent === t, before);
  await page.goForward();
  await page.waitForURL(/[?&]body=/);
  await page.locator('.facets button.toggle[aria-pressed="true"]').first().waitFor();
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("body"));
  await page.waitForFunction((t) => document.querySelector(".summary")?.textContent === t, before);
  step("facet, back and forward");

  // Læser: open the first hit at its cited page, with the word marked.
  const link = page.locator(".group .hit-link").first();
  const href = await link.getAttribute("href");
  const cited = Number(/#\/laes\/\d+\/(\d+)/.exec(href)[1]);
  await link.click();
  await page.waitForURL(/#\/laes\//);
  const citedPage = page.locator(`.page[data-page="${cited}"][data-rendered="true"]`);
  await citedPage.waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#sidetal").inputValue(), String(cited), "the counter shows the cited page");
  const total = Number((await page.locator("#sidetal-af").innerText()).replace(/\D/g, ""));
  assert.ok(total >= cited, `page count ${total}`);
  const marks = citedPage.locator(".textLayer mark.hit");
  await marks.first().waitFor();
  assert.match((await marks.first().innerText()).toLowerCase(), /arbejdsbelastning/);
  // Only pages near the viewport are drawn.
  const drawn = await page.locator('.page[data-rendered="true"]').count();
  if (total > 8) assert.ok(drawn < total, `not every page drawn (${drawn} of ${total})`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, "laeser.png"), fullPage: false });
  step(`screenshot laeser.png (side ${cited} af ${total}, ${drawn} sider tegnet)`);

  // j / k and PageDown / PageUp move a page.
  if (cited < total) {
    await page.keyboard.press("j");
    assert.equal(await page.locator("#sidetal").inputValue(), String(cited + 1));
    await page.locator(`.page[data-page="${cited + 1}"][data-rendered="true"]`).waitFor();
    await page.keyboard.press("PageUp");
    assert.equal(await page.locator("#sidetal").inputValue(), String(cited));
  } else if (cited > 1) {
    await page.keyboard.press("k");
    assert.equal(await page.locator("#sidetal").inputValue(), String(cited - 1));
  }

  // Tilbage til søgningen: the results are there again.
  await page.getByRole("link", { name: "Tilbage til søgningen" }).click();
  await page.locator(".group").first().waitFor();
  assert.match(page.url(), /\?q=arbejdsbelastning$/);
  // Focus is back on the hit that was opened.
  await page.waitForFunction(() => document.activeElement?.closest(".groups") !== null);
  step("back to the search, focus on the opened hit");

  // Closed material: the member sees it, and it is marked LUKKET.
  const closedCase = await page.evaluate(async () => {
    const r = await fetch("/api/search?q=Aarhus&access=closed&group=false&limit=100");
    const body = await r.json();
    return body.hits.find((h) => h.case_number)?.case_number ?? null;
  });
  assert.ok(closedCase, "the member sees closed material");
  await page.locator("#q").fill(closedCase);
  await page.keyboard.press("Enter");
  await page.locator(".group .badge.closed").first().waitFor();
  assert.equal(await page.locator(".group .badge.closed").first().innerText(), "LUKKET");
  step(`closed case ${closedCase} marked LUKKET`);

  // A case number in its short spelling ("2023-1088" for EMN-2023-001088)
  // offers the case first, and leads to it.
  const openCase = await page.evaluate(async () => {
    const r = await fetch("/api/search?q=budget&access=open&group=false&limit=100");
    return (await r.json()).hits.find((h) => h.case_number)?.case_number ?? null;
  });
  assert.ok(openCase, "an open case");
  const [, year, serial] = /-(\d{4})-(\d+)$/.exec(openCase);
  await page.locator("#q").fill(`${year}-${Number(serial)}`);
  await page.keyboard.press("Enter");
  // The card of this search, not the one the previous search left.
  const offered = page.getByTestId("case-match").filter({ hasText: openCase });
  await offered.waitFor();
  await offered.click();
  await page.waitForURL(new RegExp(`#/sag/${openCase}$`));
  await page.locator('[data-screen="sag"] .treatment').first().waitFor();
  step(`${year}-${Number(serial)} offers ${openCase}`);

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  const real = problems.filter((p) => !/Warning: /.test(p));
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
