// End-to-end test of the Forside, Møde and Sag screens in a real browser:
// playwright-core drives Debian's chromium (headless) against `moedemappe
// serve` on a fresh demo corpus.
//
//   node tests/browser/screens.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Exits 0 when every check passes, 1 with the failed check on stderr. Saves
// forside.png, moede.png and sag.png into the artifacts folder.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("screens.spec.mjs", "moedemappe-browser-");
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
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });

  // The API as the UI calls it, as the member (the page's session cookie).
  const api = (path, method = "GET", body) =>
    page.evaluate(
      async ([path, method, body]) => {
        const init = { method, headers: {} };
        if (body !== undefined) {
          init.body = JSON.stringify(body);
          init.headers["Content-Type"] = "application/json";
        }
        const r = await fetch(path, init);
        return { status: r.status, body: await r.json() };
      },
      [path, method, body],
    );

  // Forside, first run: no body followed, so it asks which ones.
  await page.goto(`${base}#/`);
  const chooser = page.locator('[data-state="choose-bodies"]');
  await chooser.waitFor();
  await page.getByRole("heading", { name: "Velkommen til Mødemappe" }).waitFor();
  const bodies = (await api("/api/bodies")).body;
  assert.ok(bodies.length >= 3, `bodies to choose from (${bodies.length})`);
  assert.ok(bodies.every((b) => !b.followed), "nothing followed on a fresh data directory");
  const boxes = chooser.locator('input[type="checkbox"]');
  assert.equal(await boxes.count(), bodies.length, "one checkbox per body");
  assert.ok(await page.getByRole("button", { name: "Vælg mindst ét udvalg" }).isDisabled(), "nothing to show yet");
  await page.screenshot({ path: join(artifacts, "forside-valg.png"), fullPage: false });
  step(`choose-bodies state with ${bodies.length} bodies`);

  // A meeting with a closed item, and one with a referred item whose case
  // was treated more than once: found through the API, newest first.
  const meetings = (await api("/api/meetings")).body;
  let closedTarget = null;
  for (const m of meetings.filter((m) => m.closed_items > 0)) {
    const view = (await api(`/api/meetings/${m.id}`)).body;
    const closed = view.items.find((i) => i.closed);
    if (closed) {
      closedTarget = { view, closed };
      break;
    }
  }
  assert.ok(closedTarget, "the demo corpus has a meeting with a closed item");
  const referredCandidates = [];
  for (const m of meetings) {
    const view = (await api(`/api/meetings/${m.id}`)).body;
    const referred = view.items.find((i) => i.flags.referred && i.case_number);
    if (!referred) continue;
    const history = (await api(`/api/cases/${encodeURIComponent(referred.case_number)}`)).body;
    if (history.treatments.filter((t) => t.meeting !== null).length < 2) continue;
    referredCandidates.push({ view, referred, history });
    if (view.body_id !== closedTarget.view.body_id) break;
  }
  const target =
    referredCandidates.find((c) => c.view.body_id !== closedTarget.view.body_id) ?? referredCandidates[0];
  assert.ok(target, "the demo corpus has a referred case treated more than once");
  const bodyA = bodies.find((b) => b.id === closedTarget.view.body_id);
  const bodyB =
    bodies.find((b) => b.id === target.view.body_id && b.id !== bodyA.id) ??
    bodies.find((b) => b.id !== bodyA.id && b.meetings > 0);
  step(`closed item in meeting ${closedTarget.view.id} (${bodyA.name}); referred in ${target.view.id}; bodies ${bodyA.name}, ${bodyB.name}`);

  // Follow two bodies.
  for (const b of [bodyA, bodyB]) {
    await chooser.locator(`input[data-body="${b.id}"]`).check();
    await chooser.locator(`input[data-body="${b.id}"]:checked:not([disabled])`).waitFor();
  }
  const followed = (await api("/api/bodies")).body.filter((b) => b.followed).map((b) => b.id).sort();
  assert.deepEqual(followed, [bodyA.id, bodyB.id].sort(), "the two bodies are followed");
  await page.getByRole("button", { name: "Vis mine møder" }).click();
  const cards = page.locator(".meeting-list .meeting-card");
  await cards.first().waitFor();

  // The cards match the agenda (or, with nothing ahead, the latest meetings).
  const list = await page.locator(".meeting-list").getAttribute("data-list");
  const expected =
    list === "upcoming" ? (await api("/api/agenda?next=6")).body : (await api("/api/agenda/recent?last=6")).body;
  assert.ok(expected.length > 0, "meetings of the followed bodies");
  assert.equal(await cards.count(), expected.length, "one card per meeting");
  for (let i = 0; i < expected.length; i++) {
    const card = cards.nth(i);
    assert.equal(Number(await card.getAttribute("data-meeting")), expected[i].meeting_id);
    assert.equal(Number(await card.locator("[data-pages]").getAttribute("data-pages")), expected[i].pages);
    assert.match(await card.locator(".pages").innerText(), new RegExp(`^${expected[i].pages.toLocaleString("da-DK").replace(".", "\\.")} sider?$`));
    assert.equal(Number(await card.locator("[data-minutes]").getAttribute("data-minutes")), expected[i].minutes);
    assert.ok([bodyA.name, bodyB.name].includes(expected[i].body), `a followed body: ${expected[i].body}`);
  }
  assert.ok(expected.some((e) => e.pages > 0), "some meeting has pages to read");
  // The agenda from a day in the corpus lists meetings ahead of it.
  const ahead = (await api(`/api/agenda?from=${target.view.date}&next=3`)).body;
  assert.ok(ahead.length > 0 && ahead.every((e) => e.date >= target.view.date), "the agenda from a day");
  assert.equal(ahead[0].minutes, Math.ceil(((ahead[0].pages - ahead[0].read) * 60) / ahead[0].pages_per_hour));
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, "forside.png"), fullPage: false });
  step(`forside.png: ${expected.length} ${list} meetings`);

  // The pace changes the minutes.
  await page.getByRole("button", { name: "Ændr" }).click();
  await page.locator("#pace-input").fill("80");
  await page.getByRole("button", { name: "Gem" }).click();
  await page.locator('[data-pace="80"]').waitFor();
  assert.equal((await api("/api/pace")).body.pages_per_hour, 80);
  await api("/api/pace", "PUT", { pages_per_hour: 40 });

  // Møde from the Forside: the first card opens its agenda.
  const firstId = expected[0].meeting_id;
  await cards.first().click();
  await page.waitForURL(new RegExp(`#/moede/${firstId}$`));
  await page.locator('[data-screen="moede"] .agenda-item').first().waitFor();
  const firstView = (await api(`/api/meetings/${firstId}`)).body;
  assert.equal(await page.locator(".agenda-item").count(), firstView.items.length, "every item of the first meeting");

  // A meeting with a closed item: LUKKET, clearly.
  await page.goto(`${base}#/moede/${closedTarget.view.id}`);
  await page.locator(`[data-item="${closedTarget.closed.id}"]`).waitFor();
  assert.equal(
    await page.locator(`[data-item="${closedTarget.closed.id}"] [data-badge="closed"]`).innerText(),
    "LUKKET",
  );
  assert.equal(
    await page.locator('.agenda-item [data-badge="closed"]').count(),
    closedTarget.view.items.filter((i) => i.closed).length,
    "only closed items are marked LUKKET",
  );
  await page.screenshot({ path: join(artifacts, "moede-lukket.png"), fullPage: false });
  step(`LUKKET on meeting ${closedTarget.view.id}`);

  // A closed bilag on an open item: a lock on that bilag only, for the member.
  let bilagTarget = null;
  for (const m of meetings) {
    const view = (await api(`/api/meetings/${m.id}`)).body;
    const item = view.items.find((i) => !i.closed && i.attachments.some((a) => a.closed));
    if (item) {
      bilagTarget = { view, item, bilag: item.attachments.find((a) => a.closed) };
      break;
    }
  }
  assert.ok(bilagTarget, "the demo corpus has a closed bilag on an open item");
  await page.goto(`${base}#/moede/${bilagTarget.view.id}`);
  const bilagItem = page.locator(`[data-item="${bilagTarget.item.id}"]`);
  await bilagItem.waitFor();
  const lock = bilagItem.locator(`li:has(a[data-attachment="${bilagTarget.bilag.id}"]) [data-closed-bilag]`);
  assert.match(await lock.innerText(), /LUKKET BILAG/);
  assert.equal(await bilagItem.locator("svg.lock").count(), 1, "the lock shows");
  assert.equal(
    await page.locator("[data-closed-bilag]").count(),
    bilagTarget.view.items
      .filter((i) => !i.closed)
      .flatMap((i) => i.attachments)
      .filter((a) => a.closed).length,
    "only closed bilag of open items carry the lock",
  );
  assert.equal(await bilagItem.locator('[data-badge="closed"]').count(), 0, "the item itself is open");
  await bilagItem.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, "moede-lukket-bilag.png"), fullPage: false });
  step(`lock on closed bilag ${bilagTarget.bilag.id} of item ${bilagTarget.item.id}`);

  // The member attaches a PDF they received to that item, as a closed bilag,
  // through the button and file chooser; then removes it again.
  const handbook = readdirSync(join(data, "demo", "Byrådshåndbogen")).find((f) => f.endsWith(".pdf"));
  assert.ok(handbook, "a handbook PDF to attach");
  const before = bilagItem.locator(".attachments li");
  const count = await before.count();
  await bilagItem.locator("[data-attach-open]").click();
  await bilagItem.locator("[data-attach-file]").setInputFiles(join(data, "demo", "Byrådshåndbogen", handbook));
  assert.equal(await bilagItem.locator("[data-attach-closed]").isChecked(), true, "closed by default");
  await bilagItem.locator('.attach-form button[type="submit"]').click();
  await bilagItem.locator("[data-attach-msg]").waitFor();
  assert.match(await bilagItem.locator("[data-attach-msg]").innerText(), /er vedhæftet som lukket bilag/);
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length === n,
    [`[data-item="${bilagTarget.item.id}"] .attachments li`, count + 1],
  );
  const added = bilagItem.locator(".attachments li").last();
  assert.equal(await added.locator("[data-added]").innerText(), "tilføjet af dig");
  assert.equal(await added.locator("[data-closed-bilag]").count(), 1, "the lock on the added bilag");
  const addedView = (await api(`/api/meetings/${bilagTarget.view.id}`)).body.items.find((i) => i.id === bilagTarget.item.id);
  const newest = addedView.attachments.at(-1);
  assert.equal(newest.added, true);
  assert.equal(newest.closed, true);
  await page.screenshot({ path: join(artifacts, "moede-vedhaeftet.png"), fullPage: false });
  page.once("dialog", (d) => d.accept());
  await added.locator(`[data-detach="${newest.id}"]`).click();
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length === n,
    [`[data-item="${bilagTarget.item.id}"] .attachments li`, count],
  );
  step(`attached and removed bilag ${newest.id} on item ${bilagTarget.item.id}`);

  // The referred item's meeting: items in order, HENVIST, no badge on a plain item.
  await page.goto(`${base}#/moede/${target.view.id}`);
  await page.locator(`[data-item="${target.view.items.at(-1).id}"]`).waitFor();
  const numbers = await page.locator(".agenda-item .item-number").allInnerTexts();
  assert.deepEqual(numbers.map(Number), target.view.items.map((i) => i.number), "items in order");
  const referredItem = page.locator(`[data-item="${target.referred.id}"]`);
  assert.equal((await referredItem.locator('[data-badge="referred"]').innerText()).toUpperCase(), "HENVIST");
  const openPlain = target.view.items.find((i) => !i.closed && !i.flags.referred && !i.flags.postponed && !i.flags.foretraede && i.kind !== "briefing");
  if (openPlain) assert.equal(await page.locator(`[data-item="${openPlain.id}"] [data-badge]`).count(), 0, "no badge on a plain item");
  // Page counts of attachments.
  const withAtt = target.view.items.find((i) => i.attachments.some((a) => a.page_count));
  assert.ok(withAtt, "an item with attachments");
  const att = withAtt.attachments.find((a) => a.page_count);
  const attLink = page.locator(`[data-item="${withAtt.id}"] a[data-attachment="${att.id}"]`);
  assert.match(await attLink.locator(".att-pages").innerText(), new RegExp(`^${att.page_count} sider?$`));
  // Reading progress of the meeting, where the server has it.
  const progress = await api(`/api/meetings/${target.view.id}/progress`);
  if (progress.status === 200) {
    const box = page.locator(".meeting-progress");
    await box.waitFor();
    assert.equal(Number(await box.getAttribute("data-progress-pages")), progress.body.pages);
  }
  await referredItem.locator(".history").waitFor();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, "moede.png"), fullPage: false });
  step(`moede.png: meeting ${target.view.id}, ${target.view.items.length} items`);
  // The case text opens.
  const details = referredItem.locator("details.case-text");
  if ((await details.count()) > 0) {
    await details.locator("summary").click();
    assert.ok(await details.evaluate((d) => d.open), "the case text opens");
  }

  // An attachment opens the reader at page 1.
  await attLink.click();
  await page.waitForURL(new RegExp(`#/laes/${att.id}/1(\\?|$)`));
  await page.locator('.page[data-page="1"][data-rendered="true"]').waitFor({ timeout: 30_000 });
  step("attachment opened in the reader at page 1");
  await page.goBack();
  await page.locator(`[data-item="${target.referred.id}"] .history`).waitFor();

  // Sagsforløb: the case's other treatments link to their meetings; the
  // whole case opens Sag with every treatment.
  const historyLinks = page.locator(`[data-item="${target.referred.id}"] .history li a`);
  assert.equal(
    await historyLinks.count(),
    target.history.treatments.filter((t) => t.meeting !== null && t.item !== target.referred.id).length,
    "one link per other stored treatment",
  );
  await page.locator(`[data-item="${target.referred.id}"] a.whole-case`).click();
  await page.waitForURL(/#\/sag\//);
  await page.locator('[data-screen="sag"] .treatment').first().waitFor();
  const n = target.referred.case_number;
  const history = (await api(`/api/cases/${encodeURIComponent(n)}`)).body;
  assert.equal(await page.locator(".treatment").count(), history.treatments.length, "every treatment of the case");
  assert.match(await page.locator(".case-number").innerText(), new RegExp(n));
  const dates = history.treatments.map((t) => t.date).filter(Boolean);
  assert.deepEqual(dates, [...dates].sort(), "oldest first");
  assert.equal(
    await page.locator(".treatment a.to-meeting").count(),
    history.treatments.filter((t) => t.meeting !== null).length,
    "each stored treatment links to its meeting",
  );
  // The decision of each treatment, as its item's text states it.
  const decided = history.treatments.filter((t) => t.decision);
  assert.ok(decided.length > 0, "treatments with a decision");
  assert.deepEqual(
    await page.locator(".treatment .decision p").allInnerTexts(),
    decided.map((t) => t.decision),
    "each decision on the timeline",
  );
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, "sag.png"), fullPage: false });
  step(`sag.png: ${n}, ${history.treatments.length} treatments`);

  // "Del" from the case page opens Del with this case and its preview.
  await page.locator("a.share-from").click();
  await page.waitForURL(new RegExp(`#/del\\?sag=${encodeURIComponent(n)}$`));
  await page.locator('[data-screen="del"] h3', { hasText: `Sag ${n}` }).waitFor();
  await page.screenshot({ path: join(artifacts, "del-fra-sag.png"), fullPage: false });
  step(`Del from the case page: preview of ${n}`);
  await page.goBack();
  await page.locator('[data-screen="sag"] .treatment').first().waitFor();

  // Following is the member's own setting: the open-scope local token may
  // read the agenda but not change what is followed.
  const local = readFileSync(join(data, "api-token"), "utf8").trim();
  const asLocal = await (async () => {
    const h = { Authorization: `Bearer ${local}` };
    const put = await fetch(`${origin}/api/follow/${bodyB.id}`, { method: "PUT", headers: h });
    const agenda = await fetch(`${origin}/api/agenda/recent?last=50`, { headers: h });
    return { put: put.status, agenda: await agenda.json() };
  })();
  assert.equal(asLocal.put, 403, "the open scope may not change following");
  assert.ok(asLocal.agenda.length > 0, "the open scope reads the agenda");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  const real = problems.filter((p) => !/Warning: /.test(p));
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
