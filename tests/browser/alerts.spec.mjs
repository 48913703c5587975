// Søgeagenter in a real browser: a search saved from Søg with «Gem søgning»,
// a meeting of a followed body that arrives afterwards through a folder
// source's sync, and Forside's «Nyt til dig» that names the search with its
// new places (linking into the reader and the agenda) and the released
// agenda, until «Markér som set» clears it; then the søgeagent is removed.
//
//   node tests/browser/alerts.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Saves nyt-til-dig.png (the panel with news) into the artifacts folder.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run, makePdf } from "./harness.mjs";

const t = setup("alerts.spec.mjs", "moedemappe-alerts-", "failure-alerts.png");
const { binary, artifacts, data, work, step, problems } = t;

let server = null;
let context = null;
let page = null;

function cli(args) {
  return execFileSync(binary, ["--data-dir", data, ...args], { env: serverEnv(t), encoding: "utf8" });
}

/** A JSON API call as the member (the page's session cookie), from the page. */
async function api(path, method = "GET", body) {
  return await page.evaluate(
    async ([path, method, body]) => {
      const init = { method, headers: {} };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers["Content-Type"] = "application/json";
      }
      const r = await fetch(path, init);
      const text = await r.text();
      return { status: r.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text };
    },
    [path, method, body],
  );
}

/** A day `days` from today, as YYYY-MM-DD in local time (the server's today). */
function dayFromToday(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A meeting of Teknisk Udvalg in the folder format: an item about a bathing
 * zone at Bassinkajen (the word in its title and its bilag) and one about
 * street lights. */
function writeMeeting(root, day) {
  const meeting = join(root, "Teknisk Udvalg", day);
  for (const [item, lines] of [
    ["01 Badezone ved Bassinkajen", ["Notat om en ny badezone", "Forvaltningen foreslaar en badezone ved Bassinkajen med trapper."]],
    ["02 Vejbelysning i Hasle", ["Notat om vejbelysning", "Nye lygtepaele langs vejen."]],
  ]) {
    mkdirSync(join(meeting, item), { recursive: true });
    writeFileSync(join(meeting, item, "Notat.pdf"), makePdf(lines));
  }
}

async function main() {
  checkTools(t);

  step("demo corpus; Teknisk Udvalg followed");
  cli(["demo", "--scale", "0.02"]);
  cli(["follow", "TU"]);
  server = await startServer(t);
  const base = server.url;
  const origin = base.replace(/\/$/, "");
  step(`serve at ${base}`);

  let remote;
  ({ context, page, remote } = await openBrowser(t, origin));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });

  // Forside without søgeagenter: nothing new, and where to make one.
  await page.goto(`${base}#/`);
  const news = page.getByTestId("news");
  await news.waitFor();
  assert.equal(await news.getByRole("heading", { name: "Nyt til dig" }).count(), 1);
  const none = news.getByTestId("news-none");
  await none.waitFor();
  assert.match(await none.innerText(), /^Intet nyt siden sidst\. Gem en søgning fra Søg/);
  assert.equal(await news.getByRole("button", { name: "Markér som set" }).count(), 0, "nothing to mark seen");
  step("Forside: nothing new, a hint to save a search from Søg");

  // Søg: nothing about Bassinkajen yet; «Gem søgning» saves the words.
  await page.goto(`${base}?q=Bassinkajen`);
  await page.waitForFunction(() => /^Intet fundet/.test(document.querySelector(".summary")?.textContent ?? ""));
  await page.getByRole("button", { name: "Gem søgning" }).click();
  const nameBox = page.getByLabel("Navn på søgeagenten");
  await nameBox.waitFor();
  assert.equal(await nameBox.inputValue(), "Bassinkajen", "the name defaults to the words");
  assert.match(await page.getByTestId("agent-form").innerText(), /holder øje med »Bassinkajen«/);
  await nameBox.fill("Bassin");
  await page.getByTestId("agent-form").getByRole("button", { name: "Gem", exact: true }).click();
  const saved = page.getByTestId("agent-saved");
  await saved.waitFor();
  assert.match(await saved.innerText(), /^Søgningen er gemt som søgeagenten »Bassin«\./);
  assert.equal(await page.getByTestId("agent-form").count(), 0, "the form closes");
  const list = (await api("/api/saved-searches")).body;
  assert.deepEqual(
    list.map((s) => [s.name, s.query.text]),
    [["Bassin", "Bassinkajen"]],
  );
  step("Søg: «Gem søgning» saved »Bassin«");

  // Something new arrives: a folder source with a coming meeting of
  // Teknisk Udvalg, synced by the server.
  const folder = join(work, "Udvalgsmapper");
  const day = dayFromToday(5);
  writeMeeting(folder, day);
  const added = await api("/api/sources", "POST", { kind: "folder", location: folder, name: "Udvalgsmapper" });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const runs = (await api("/api/sync")).body.runs;
  const started = await api("/api/sync", "POST", {});
  assert.equal(started.status, 202, JSON.stringify(started.body));
  for (let waited = 0; ; waited += 250) {
    const s = (await api("/api/sync")).body;
    if (s.runs > runs && !s.running) break;
    assert.ok(waited < 60_000, `the sync ends within a minute: ${JSON.stringify(s)}`);
    await page.waitForTimeout(250);
  }
  step(`folder meeting of ${day} synced`);


  // Forside: «Nyt til dig» names the search and its new places.
  await page.goto(`${base}#/`);
  await page.reload();
  const agent = news.locator('article[data-search="Bassin"]');
  await agent.waitFor();
  assert.equal(await agent.getByRole("link", { name: "Bassin", exact: true }).getAttribute("href"), "/?q=Bassinkajen");
  const count = Number(await agent.locator(".news-count").getAttribute("data-count"));
  assert.ok(count >= 2, `the item's own text and its bilag are new (${count})`);
  assert.match(await agent.locator(".news-count").innerText(), /^\d+ nye steder$/);
  const matchText = await agent.innerText();
  assert.ok(matchText.includes("Badezone ved Bassinkajen"), matchText);
  assert.ok(matchText.includes("Teknisk Udvalg"), matchText);
  assert.ok(!matchText.includes("Vejbelysning"), `only what matches: ${matchText}`);
  const bilagLink = agent.getByRole("link", { name: "Notat, side 1" });
  assert.match(await bilagLink.getAttribute("href"), /^\/#\/laes\/\d+\/1\?q=Bassinkajen&t=Notat$/);
  const itemLink = agent.getByRole("link", { name: "Badezone ved Bassinkajen", exact: true });
  assert.match(await itemLink.getAttribute("href"), /^\/#\/moede\/\d+\?punkt=\d+$/);
  const release = news.locator(".news-releases li").first();
  await release.waitFor();
  assert.match(await release.innerText(), /^Dagsorden til Teknisk Udvalg .* er udgivet: 2 punkter, 2 sider, heraf 2 nye$/);
  assert.match(await release.getByRole("link").getAttribute("href"), /^\/#\/moede\/\d+$/);
  assert.equal(Number(await news.getAttribute("data-total")), count + 1);
  await news.screenshot({ path: join(artifacts, "nyt-til-dig.png") });
  step(`Forside: »Bassin« with ${count} new places and the released agenda; screenshot nyt-til-dig.png`);

  // The bilag's link opens the reader at the page, the words marked.
  await bilagLink.click();
  await page.waitForURL(/#\/laes\/\d+\/1/);
  const readerPage = page.locator('.page[data-page="1"][data-rendered="true"]');
  await readerPage.waitFor({ timeout: 30_000 });
  const hit = readerPage.locator(".textLayer mark.hit").first();
  await hit.waitFor();
  assert.match((await hit.innerText()).toLowerCase(), /bassinkajen/);
  step("the bilag opens in the reader with Bassinkajen marked");

  // The item's link opens it on the agenda.
  await page.goBack();
  await agent.waitFor();
  const itemHref = await itemLink.getAttribute("href");
  const itemId = /punkt=(\d+)/.exec(itemHref)[1];
  await itemLink.click();
  await page.waitForURL(/#\/moede\/\d+\?punkt=/);
  await page.locator(`[data-item="${itemId}"]`).first().waitFor();
  step("the item opens on its meeting's agenda");

  // «Markér som set» clears the panel, for good.
  await page.goto(`${base}#/`);
  await agent.waitFor();
  await news.getByRole("button", { name: "Markér som set" }).click();
  await none.waitFor();
  assert.equal((await none.innerText()).trim(), "Intet nyt siden sidst.", "no hint while a søgeagent exists");
  assert.equal(await news.locator("article[data-search]").count(), 0);
  assert.equal(await news.locator(".news-releases").count(), 0);
  await page.reload();
  await none.waitFor();
  assert.equal(await news.getAttribute("data-total"), "0");
  const since = (await api("/api/alerts?since=2000-01-01")).body;
  assert.equal(since.total, count + 1, "what was found is still listed with since");
  step("«Markér som set» cleared the panel");

  // Søgeagenter: listed on Forside, and removed there.
  const agents = news.getByTestId("agents");
  await agents.locator("summary").click();
  const row = agents.locator('li[data-agent="Bassin"]');
  await row.waitFor();
  assert.match(await row.innerText(), /»Bassinkajen«/);
  await row.getByRole("button", { name: "Fjern søgeagenten Bassin" }).click();
  await news.getByText("Søgeagenten »Bassin« er fjernet.").waitFor();
  assert.match(await none.innerText(), /Gem en søgning fra Søg/);
  assert.deepEqual((await api("/api/saved-searches")).body, []);
  step("the søgeagent removed from Forside");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  const real = problems.filter((p) => !/Warning: /.test(p));
  assert.deepEqual(real, [], "no errors in the page and no HTTP errors");
}

await run(t, main, () => ({ context, page, server }));
