// End-to-end test of the Læser in a real browser: playwright-core drives
// Debian's chromium (headless) against `moedemappe serve` on the demo corpus.
// Search → open the cited page (the hit marked) → select text with the mouse
// → "Markér" → a note with text → reload: both still drawn and listed (and
// returned by GET /api/notes) → a page marked read is counted → the search
// box inside the document finds a word and jumps to it.
//
//   node tests/browser/reader.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Exits 0 when every check passes, 1 with the failed check on stderr. Saves
// laeser-note.png (a highlight, a note and the notes panel).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("reader.spec.mjs", "moedemappe-reader-");
const { binary, artifacts, data, step, problems } = t;

let server = null;
let context = null;
let page = null;

/** Drags the mouse over a text-layer span from `from` to `to` (fractions of its width). */
async function dragOver(span, from = 0.02, to = 0.98) {
  await span.scrollIntoViewIfNeeded();
  const box = await span.boundingBox();
  assert.ok(box && box.width > 20, "a span to select");
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 5 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 5 });
  await page.mouse.up();
}

/** GET of an API path as the member (the page's session cookie), as JSON. */
async function api(path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json() };
  }, path);
}

async function main() {
  checkTools(t);

  step("demo corpus");
  execFileSync(binary, ["--data-dir", data, "demo"], { stdio: ["ignore", "ignore", "pipe"], env: serverEnv(t) });
  server = await startServer(t);
  const base = server.url;
  const origin = base.replace(/\/$/, "");
  step(`serve at ${base}`);

  let remote;
  ({ context, page, remote } = await openBrowser(t, origin, { viewport: { width: 1360, height: 900 } }));

  // Search, then open the first hit at its cited page.
  await page.goto(`${base}?q=arbejdsbelastning`);
  const link = page.locator(".group .hit-link").first();
  await link.waitFor();
  const href = await link.getAttribute("href");
  const [, attachment, citedText] = /#\/laes\/(\d+)\/(\d+)/.exec(href);
  const cited = Number(citedText);
  await link.click();
  await page.waitForURL(/#\/laes\//);
  const citedPage = page.locator(`.page[data-page="${cited}"][data-rendered="true"]`);
  await citedPage.waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#sidetal").inputValue(), String(cited), "opens at the cited page");
  const hit = citedPage.locator(".textLayer mark.hit").first();
  await hit.waitFor();
  assert.match((await hit.innerText()).toLowerCase(), /arbejdsbelastning/, "the hit is marked");
  const total = Number((await page.locator("#sidetal-af").innerText()).replace(/\D/g, ""));
  step(`reader at page ${cited} of ${total}, attachment ${attachment}`);

  // Thumbnails: a strip with one button per page, the current one marked.
  const thumbs = page.locator(".thumbs .thumb");
  assert.equal(await thumbs.count(), total, "a thumbnail per page");
  assert.equal(await page.locator('.thumbs .thumb[aria-current="page"]').getAttribute("data-thumb"), String(cited));
  await page.locator('.thumbs .thumb[data-drawn="true"]').first().waitFor();

  // No notes yet.
  const before = await api(`/api/notes?attachment=${attachment}`);
  assert.equal(before.status, 200);
  assert.equal(before.body.length, 0, "no notes before");

  // Select the line with the hit by dragging the mouse → "Markér".
  const spans = citedPage.locator(".textLayer > span");
  const hitSpan = citedPage.locator(".textLayer > span", { has: page.locator("mark.hit") }).first();
  const hitText = (await hitSpan.innerText()).trim();
  await dragOver(hitSpan);
  const selected = await page.evaluate(() => window.getSelection()?.toString() ?? "");
  assert.ok(selected.trim().length > 10, `text selected by the drag: «${selected}»`);
  const toolbar = page.locator(".sel-toolbar");
  await toolbar.waitFor();
  await toolbar.getByRole("button", { name: "Markér" }).click();
  await citedPage.locator(".overlay-layer .note-mark").first().waitFor();
  await page.locator(".notes-list .note").first().waitFor();
  assert.equal(await page.locator(".notes-list .note").count(), 1, "the highlight is listed");
  step(`highlighted «${selected.trim().slice(0, 40)}…»`);

  // A note on another line: select it, "Skriv note", type, save.
  const spanCount = await spans.count();
  let other = null;
  for (let i = 0; i < spanCount; i++) {
    const t = (await spans.nth(i).innerText()).trim();
    if (t.length > 25 && t !== hitText && !t.includes("Side ")) {
      other = spans.nth(i);
      break;
    }
  }
  assert.ok(other, "another line of text");
  await dragOver(other, 0.05, 0.7);
  await toolbar.waitFor();
  await toolbar.getByRole("button", { name: "Skriv note" }).click();
  const box = page.locator("#note-tekst");
  await box.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "note-tekst", "the note box has focus");
  await box.fill("Spørg rådmanden om tallene for 2025.");
  await page.getByRole("button", { name: "Gem note" }).click();
  await page.locator(".notes-list .note-body", { hasText: "Spørg rådmanden" }).waitFor();
  await citedPage.locator(".overlay-layer .note-mark.with-note").first().waitFor();
  step("note written");

  // Stored on the server, anchored on the page.
  const stored = await api(`/api/notes?attachment=${attachment}`);
  assert.equal(stored.body.length, 2, "two notes stored");
  for (const n of stored.body) {
    assert.equal(n.anchor?.page, cited, "anchored on the cited page");
    assert.ok(n.anchor.exact.trim().length > 5, `a quote: ${n.anchor.exact}`);
    assert.equal(n.mine, true);
  }
  assert.ok(stored.body.some((n) => n.body === "Spørg rådmanden om tallene for 2025."), "the note's text");
  const norm = (s) => s.replace(/[\s\u00ad-]+/g, "");
  assert.ok(
    stored.body.some((n) => norm(selected).includes(norm(n.anchor.exact)) || norm(n.anchor.exact).includes(norm(selected))),
    "the highlight's quote is the selected text",
  );

  // Mark the page read: counted in the panel and the thumbnail.
  assert.match(await page.locator(".read-count").innerText(), /^0 af \d+ sider læst$/);
  await page.getByRole("button", { name: "Markér side som læst" }).click();
  await page.locator('.read-count[data-read-count="1"]').waitFor();
  assert.equal(await page.locator(`.thumbs .thumb[data-thumb="${cited}"]`).getAttribute("aria-label"), `Side ${cited}, læst`);
  assert.ok(await page.locator(".pager .page-read").isVisible(), "the counter says the page is read");
  await page.mouse.click(5, 880);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, "laeser-note.png"), fullPage: false });
  step("page marked read; screenshot laeser-note.png");

  // Reload: the highlight and the note are drawn and listed again.
  await page.reload();
  const again = page.locator(`.page[data-page="${cited}"][data-rendered="true"]`);
  await again.waitFor({ timeout: 30_000 });
  await page.locator(".notes-list .note").nth(1).waitFor();
  assert.equal(await page.locator(".notes-list .note").count(), 2, "both listed after a reload");
  await page.locator(".notes-list .note-body", { hasText: "Spørg rådmanden" }).waitFor();
  await again.locator(".overlay-layer .note-mark.with-note").first().waitFor();
  assert.ok((await again.locator(".overlay-layer .note-mark").count()) >= 2, "both drawn after a reload");
  await page.locator('.read-count[data-read-count="1"]').waitFor();
  step("highlight, note and the page read still there after a reload");

  // Clicking a listed note jumps to it.
  await page.keyboard.press("Home");
  assert.equal(await page.locator("#sidetal").inputValue(), "1");
  await page.locator(".notes-list .note-jump").first().click();
  await page.waitForFunction((c) => document.querySelector("#sidetal")?.value === String(c), cited);

  // Share, then delete the plain highlight.
  const own = page.locator(".notes-list .note", { hasText: "Spørg rådmanden" });
  await own.getByRole("button", { name: "Privat – del" }).click();
  await own.getByRole("button", { name: "Delt – gør privat" }).waitFor();
  const shared = await api(`/api/notes?attachment=${attachment}`);
  assert.equal(shared.body.find((n) => n.body.startsWith("Spørg"))?.visibility, "shared", "shared on the server");
  const plain = page.locator(".notes-list .note", { hasNotText: "Spørg rådmanden" });
  await plain.getByRole("button", { name: "Slet" }).click();
  await page.waitForFunction(() => document.querySelectorAll(".notes-list .note").length === 1);
  assert.equal((await api(`/api/notes?attachment=${attachment}`)).body.length, 1, "deleted on the server");
  step("shared one note, deleted the other");

  // Search inside the document: Ctrl+F, a word, Enter → the match, marked.
  const text = await page.evaluate(async (n) => {
    const el = document.querySelector(`.page[data-page="${n}"] .textLayer`);
    return el?.textContent ?? "";
  }, cited);
  const word = (text.match(/\p{L}{8,}/gu) ?? []).find((w) => !/arbejdsbelastning/i.test(w));
  assert.ok(word, "a word to look for");
  await page.keyboard.press("End");
  await page.keyboard.press("Control+f");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "find-q", "Ctrl+F focuses the search box");
  await page.keyboard.type(word);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /^\d+ af \d+$/.test(document.querySelector("#find-status")?.textContent ?? ""));
  const status = await page.locator("#find-status").innerText();
  const count = Number(status.split(" af ")[1]);
  assert.ok(count >= 1, `matches: ${status}`);
  const current = page.locator(".overlay-layer .find-current").first();
  await current.waitFor();
  const matchPage = Number(await current.evaluate((el) => el.closest(".page").dataset.page));
  assert.equal(await page.locator("#sidetal").inputValue(), String(matchPage), "jumped to the match");
  const onPage = await page.locator(`.page[data-page="${matchPage}"] .textLayer`).innerText();
  assert.ok(onPage.toLowerCase().includes(word.toLowerCase()), "the page holds the word");
  // Enter steps to the next match (wrapping after the last), Shift+Enter back.
  if (count > 1) {
    const first = Number(status.split(" af ")[0]);
    const next = `${(first % count) + 1} af ${count}`;
    await page.keyboard.press("Enter");
    await page.waitForFunction((t) => document.querySelector("#find-status")?.textContent === t, next);
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction((t) => document.querySelector("#find-status")?.textContent === t, status);
  }
  // The search engine's best pages for the word are listed, and lead there.
  const ranked = page.getByRole("navigation", { name: "Bedst matchende sider" }).getByRole("button");
  await ranked.first().waitFor();
  const rankedPages = (await ranked.allInnerTexts()).map((t) => Number(t.replace("s. ", "")));
  assert.ok(rankedPages.length >= 1 && rankedPages.every((n) => n >= 1 && n <= total), `ranked ${rankedPages}`);
  const best = rankedPages.find((n) => n !== matchPage) ?? rankedPages[0];
  await ranked.nth(rankedPages.indexOf(best)).click();
  await page.waitForFunction((n) => document.querySelector("#sidetal")?.value === String(n), best);
  // The page holds the word or a form of it (its first five letters).
  await page.locator(`.page[data-page="${best}"][data-rendered="true"]`).waitFor({ timeout: 30_000 });
  const bestText = await page.locator(`.page[data-page="${best}"] .textLayer`).innerText();
  assert.ok(bestText.toLowerCase().includes(word.toLowerCase().slice(0, 5)), `page ${best} holds «${word}»`);
  await page.locator("#find-q").focus();
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".overlay-layer .find-current").count(), 0, "Escape clears the search");
  assert.equal(await ranked.count(), 0, "Escape clears the ranked pages");
  step(`document search: «${word}» ${status}; best pages ${rankedPages.join(", ")}`);

  // "?" lists the shortcuts; Escape closes the list.
  await page.locator("main.reader").focus();
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Tastaturgenveje i læseren" });
  await dialog.waitFor();
  assert.ok((await dialog.locator("dt").count()) >= 8, "the shortcuts are listed");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  // Mark the whole attachment read.
  await page.getByRole("button", { name: "Markér hele bilaget som læst" }).click();
  await page.locator(`.read-count[data-read-count="${total}"]`).waitFor();
  step("shortcut list; whole attachment read");

  // The note is found by its words in Søg ("Noter"), inflected otherwise,
  // and leads back to its page.
  await page.goto(`${base}?q=${encodeURIComponent("rådmandens tal")}`);
  const noteHits = page.getByTestId("note-hits");
  await noteHits.waitFor();
  const noteLink = noteHits.getByRole("link", { name: "Spørg rådmanden om tallene for 2025." });
  await noteLink.click();
  await page.waitForURL(new RegExp(`#/laes/${attachment}/${cited}`));
  await page.locator(`.page[data-page="${cited}"][data-rendered="true"]`).waitFor({ timeout: 30_000 });
  step("the note found by its words in Søg, and its page opened from there");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  const real = problems.filter((p) => !/Warning: /.test(p));
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
