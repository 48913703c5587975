// End-to-end test of moving through the material the way a member does, in
// a real browser: from a search hit to its item, meeting and case and back;
// the reader's line of where a bilag belongs; the Møder archive filtered by
// body and year; a note found by its words in Søg and on the Noter screen;
// and the reader on a small laptop screen (1024×700) with its notes open.
//
//   node tests/browser/moving.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Exits 0 when every check passes, 1 with the failed check on stderr. Saves
// soeg-til-punkt.png, laeser-sti.png, moeder.png, noter.png and
// laeser-1024.png into the artifacts folder.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("moving.spec.mjs", "moedemappe-moving-");
const { binary, artifacts, data, step, problems } = t;

let server = null;
let context = null;
let page = null;

async function main() {
  checkTools(t);
  execFileSync(binary, ["--data-dir", data, "demo"], { stdio: ["ignore", "ignore", "pipe"], env: serverEnv(t) });
  server = await startServer(t);
  const base = server.url;
  const origin = base.replace(/\/$/, "");
  let remote;
  ({ context, page, remote } = await openBrowser(t, origin));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
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
  step(`demo served at ${base}`);

  // 1. From a search hit to its item, meeting and case, and back.
  const query = "lokalplan";
  const results = (await api(`/api/search?q=${query}`)).body;
  const hit = results.groups.map((g) => g.hits[0]).find((h) => h.item_id !== null && h.case_number && h.body);
  assert.ok(hit, "a hit with an item, a case and a body");
  await page.goto(`${base}?q=${query}`);
  const group = page.locator("li.group").filter({ has: page.locator(`.cite a[href*="punkt=${hit.item_id}"]`) }).first();
  await group.waitFor();
  // From the search box, the first result is three keys away: Tab to the
  // Søg button, Tab to »Gå til første resultat«, Enter.
  await page.locator("#q").focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Gå til første resultat");
  await page.keyboard.press("Enter");
  assert.ok(await page.evaluate(() => document.activeElement?.closest(".groups") !== null), "focus on the first result");
  const cite = group.locator(".cite");
  assert.equal(await cite.getByRole("link", { name: hit.body, exact: true }).count(), 1, "the body links to its meetings");
  assert.equal(await cite.getByRole("link", { name: hit.case_number, exact: true }).count(), 1, "the case links to its page");
  await cite.locator(`a[href*="punkt=${hit.item_id}"]`).click();
  await page.waitForURL(new RegExp(`#/moede/${hit.meeting_id}\\?punkt=${hit.item_id}$`));
  const item = page.locator(`[data-item="${hit.item_id}"]`);
  await item.waitFor();
  assert.ok(await item.evaluate((el) => el.classList.contains("focused")), "the item is marked");
  const inView = await item.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top < innerHeight && r.bottom > 0;
  });
  assert.ok(inView, "the item is scrolled into view");
  await page.screenshot({ path: join(artifacts, "soeg-til-punkt.png"), fullPage: false });
  await item.locator("a.case-link").first().click();
  await page.waitForURL(/#\/sag\//);
  await page.locator('[data-screen="sag"] .treatment').first().waitFor();
  assert.match(await page.locator(".case-number").innerText(), new RegExp(hit.case_number));
  // Each treatment's body links to its meetings, its day to the meeting.
  assert.ok((await page.locator(".treatment a.to-body").count()) > 0, "bodies on the timeline link to Møder");
  await page.goBack();
  await page.waitForURL(new RegExp(`#/moede/${hit.meeting_id}`));
  await page.goBack();
  await page.waitForURL((u) => u.search.includes(`q=${query}`));
  await page.locator("li.group").first().waitFor();
  step(`hit → punkt ${hit.item_id} → sag ${hit.case_number} → back to the search`);

  // The reader says where the bilag belongs, and its back link names Søg.
  const pageHit = results.groups.map((g) => g.hits[0]).find((h) => h.attachment_id !== null && h.meeting_id !== null);
  await page.locator(`a.hit-link[href*="#/laes/${pageHit.attachment_id}/"]`).first().click();
  const crumbs = page.getByTestId("reader-crumbs");
  await crumbs.waitFor();
  const uses = (await api(`/api/attachments/${pageHit.attachment_id}/uses`)).body;
  assert.ok(uses.length > 0, "the bilag is used somewhere");
  assert.equal(await crumbs.getByRole("link", { name: uses[0].body, exact: true }).count(), 1);
  assert.equal(await crumbs.locator(`a[href$="#/moede/${uses[0].meeting}"]`).count(), 1, "the meeting");
  assert.equal(await crumbs.locator(`a[href$="punkt=${uses[0].item}"]`).count(), 1, "the item");
  assert.match(await page.locator("a.back").innerText(), /Tilbage til søgningen/);
  // "Næste træf" with an empty find box steps through the search's words.
  await page.locator(`.page[data-rendered="true"]`).first().waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Næste træf" }).click();
  await page.locator("#find-status").filter({ hasText: /^1 af \d+$/ }).waitFor();
  await page.screenshot({ path: join(artifacts, "laeser-sti.png"), fullPage: false });
  await crumbs.locator(`a[href$="#/moede/${uses[0].meeting}"]`).click();
  await page.waitForURL(new RegExp(`#/moede/${uses[0].meeting}$`));
  await page.locator('[data-screen="moede"] .agenda-item').first().waitFor();
  const attachmentLink = page.locator(`a.attachment-link[data-attachment="${pageHit.attachment_id}"]`).first();
  await attachmentLink.click();
  await page.locator("a.back").filter({ hasText: "Tilbage til mødet" }).waitFor();
  step(`reader of bilag ${pageHit.attachment_id}: where it belongs, and back to where it was opened from`);

  // 2. The Møder archive, filtered by body and year from the address and the fields.
  const tu = (await api("/api/bodies")).body.find((b) => b.short === "TU");
  await page.goto(`${base}#/moeder`);
  await page.locator('[data-screen="moeder"] .archive-row').first().waitFor();
  await page.getByTestId("archive-body").selectOption(tu.name);
  await page.waitForURL(/udvalg=/);
  await page.getByTestId("archive-year").selectOption("2024");
  await page.waitForURL(/aar=2024/);
  const expected = (await api(`/api/archive?body=TU&from=2024-01-01&to=2024-12-31`)).body;
  assert.ok(expected.length > 1, "TU met in 2024");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".archive-row").length === n,
    expected.length,
  );
  const shown = await page.locator(".archive-row").evaluateAll((rows) =>
    rows.map((r) => ({ date: r.dataset.date, body: r.querySelector(".archive-body").textContent })),
  );
  assert.ok(shown.every((r) => r.date.startsWith("2024-") && r.body === tu.name), "only TU in 2024");
  const first = expected[0];
  const row = page.locator(`.archive-row[data-meeting="${first.meeting_id}"]`);
  assert.equal(await row.locator("[data-pages]").getAttribute("data-pages"), String(first.pages), "pages per meeting");
  if (first.new > 0) assert.equal(await row.locator("[data-new]").getAttribute("data-new"), String(first.new));
  await page.screenshot({ path: join(artifacts, "moeder.png"), fullPage: false });
  // The body's meetings as a calendar file.
  const [ics] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Hent som kalender (.ics)" }).click(),
  ]);
  const icsPath = join(t.work, "moeder.ics");
  await ics.saveAs(icsPath);
  const icsText = (await import("node:fs")).readFileSync(icsPath, "utf8");
  assert.ok(icsText.startsWith("BEGIN:VCALENDAR"), "an iCalendar file");
  const allTu = (await api("/api/archive?body=TU")).body.length;
  assert.equal((icsText.match(/BEGIN:VEVENT/g) ?? []).length, allTu, "one event per TU meeting");
  // "Nye" means new since the meeting was last opened: opening it clears them.
  const withNew = expected.find((m) => m.new > 0);
  if (withNew) {
    await page.locator(`.archive-row[data-meeting="${withNew.meeting_id}"]`).click();
    await page.locator('[data-screen="moede"] .agenda-item').first().waitFor();
    // Polled from here: a page predicate that returns a promise counts as
    // true at once and would not wait for the screen's POST to land.
    const seen = async () =>
      (await api("/api/archive?body=TU&from=2024-01-01&to=2024-12-31")).body.find((m) => m.meeting_id === withNew.meeting_id).new === 0;
    for (let waited = 0; !(await seen()); waited += 100) {
      assert.ok(waited < 15000, "opening the meeting marks its pages seen");
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goBack();
    await page.locator(`.archive-row[data-meeting="${withNew.meeting_id}"]`).waitFor();
    assert.equal(await page.locator(`.archive-row[data-meeting="${withNew.meeting_id}"] [data-new]`).count(), 0, "no »nye« after opening");
  }
  step(`moeder.png: ${expected.length} meetings of TU in 2024${withNew ? `; »nye« cleared on meeting ${withNew.meeting_id}` : ""}`);

  // 3. A note found by its words from Søg and on the Noter screen; private.
  const noteBody = "Tjek støjkrav før mødet";
  const made = await api("/api/notes", "POST", {
    item: null,
    attachment: null,
    case_number: hit.case_number,
    body: noteBody,
    format: "text/plain",
    tags: ["miljø"],
    visibility: "private",
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await page.goto(`${base}?q=${encodeURIComponent("støjkravene")}`);
  const noteHits = page.getByTestId("note-hits");
  await noteHits.waitFor();
  assert.equal(await noteHits.getByRole("link", { name: noteBody }).count(), 1, "the note in Søg's »Noter«");
  await page.goto(`${base}#/noter`);
  await page.locator(`[data-note="${made.body.id}"]`).waitFor();
  await page.getByTestId("notes-q").fill("støjkrav");
  await page.getByTestId("notes-q").press("Enter");
  await page.waitForURL(/#\/noter\?q=/);
  await page.waitForFunction(() => document.querySelectorAll("[data-note]").length === 1);
  const noteGroup = page.locator(".notes-group").filter({ has: page.locator(`[data-note="${made.body.id}"]`) });
  assert.equal(await noteGroup.locator(`h3 a[href$="#/sag/${encodeURIComponent(hit.case_number)}"]`).count(), 1, "grouped under its case");
  assert.match(await noteGroup.innerText(), /privat/);
  await page.screenshot({ path: join(artifacts, "noter.png"), fullPage: false });
  // The open scope never finds a private note.
  const local = (await import("node:fs")).readFileSync(join(data, "api-token"), "utf8").trim();
  const open = await fetch(`${origin}/api/notes?q=${encodeURIComponent("støjkrav")}`, { headers: { Authorization: `Bearer ${local}` } });
  assert.deepEqual(await open.json(), [], "the open scope does not see the private note");
  step("noter.png: the note found by its words, in Søg and on Noter");

  // 6. The reader at 1024×700 with its notes open: nothing sideways, every button in view.
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(`${base}#/laes/${pageHit.attachment_id}/1`);
  await page.locator('.page[data-page="1"][data-rendered="true"]').waitFor({ timeout: 30_000 });
  const notesToggle = page.getByRole("button", { name: /^Noter/ });
  if ((await notesToggle.getAttribute("aria-pressed")) !== "true") await notesToggle.click();
  await page.locator(".notes-panel").waitFor();
  const thumbs = page.getByRole("button", { name: "Sider" });
  if ((await thumbs.getAttribute("aria-pressed")) !== "true") await thumbs.click();
  await page.locator('.thumbs [data-drawn="true"]').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  const fit = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    out: [...document.querySelectorAll(".reader-bar button, .reader-bar a, .reader-bar input")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width === 0 || r.left < 0 || r.right > window.innerWidth || r.top < 0 || r.bottom > window.innerHeight;
      })
      .map((el) => el.getAttribute("aria-label") || el.textContent.trim() || el.tagName),
    page: (() => {
      const r = document.querySelector('.page[data-page="1"]').getBoundingClientRect();
      return { left: r.left, right: r.right };
    })(),
    panel: document.querySelector(".notes-panel").getBoundingClientRect().left,
  }));
  assert.ok(fit.scroll <= fit.inner, `no sideways scroll at 1024×700 (${fit.scroll} > ${fit.inner})`);
  assert.deepEqual(fit.out, [], "every toolbar control in view");
  assert.ok(fit.page.left >= 0 && fit.page.right <= fit.panel + 1, `the page fits beside the notes (${JSON.stringify(fit)})`);
  await page.screenshot({ path: join(artifacts, "laeser-1024.png"), fullPage: false });
  step("laeser-1024.png: reader with notes and thumbnails at 1024×700");

  for (const [w, h] of [
    [1024, 700],
    [1366, 768],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    for (const screen of ["#/", "#/moeder", "#/soeg", "#/noter", "#/statistik", "#/kilder", "#/del", `#/moede/${hit.meeting_id}`]) {
      await page.goto(`${base}${screen}`);
      await page.locator("main#indhold").waitFor();
      await page.waitForTimeout(150);
      const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(sw <= iw, `${screen} at ${w}×${h}: sideways scroll (${sw} > ${iw})`);
      const hidden = await page.evaluate(() =>
        [...document.querySelectorAll(".mainnav a")]
          .filter((a) => {
            const r = a.getBoundingClientRect();
            return r.right > window.innerWidth || r.width === 0;
          })
          .map((a) => a.textContent),
      );
      assert.deepEqual(hidden, [], `${screen} at ${w}×${h}: the whole menu in view`);
    }
  }
  step("every screen at 1024×700 and 1366×768 without sideways scroll");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  const real = problems.filter((p) => !/Warning: /.test(p));
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
