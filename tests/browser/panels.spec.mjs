// End-to-end test of the Statistik, Kilder and Del screens in a real
// browser: playwright-core drives Debian's chromium (headless) against
// `moedemappe serve` on the demo corpus.
//
//   node tests/browser/panels.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Exits 0 when every check passes, 1 with the failed check on stderr. Saves
// statistik.png, kilder.png and del.png into the artifacts folder.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run, makePdf } from "./harness.mjs";

const t = setup("panels.spec.mjs", "moedemappe-panels-", "failure-panels.png");
const { binary, artifacts, work, data, step, problems } = t;
const da = new Intl.NumberFormat("da-DK");

let server = null;
let context = null;
let page = null;

function cli(args) {
  return execFileSync(binary, ["--data-dir", data, ...args], { env: serverEnv(t), encoding: "utf8" });
}

/** A JSON API call as the member (the page's session cookie), from the page. */
async function api(path, init = {}) {
  return await page.evaluate(
    async ([path, init]) => {
      const r = await fetch(path, init);
      const text = await r.text();
      return { status: r.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text };
    },
    [path, init],
  );
}

/** Entries and the manifest of a zip file (Python's zipfile reads it). */
function readZip(path) {
  const out = execFileSync(
    "python3",
    ["-c", "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({'names': z.namelist(), 'manifest': json.loads(z.read('manifest.json'))}))", path],
    { encoding: "utf8" },
  );
  return JSON.parse(out);
}

async function statistik(base) {
  // The expected figures come from the CLI on the same data directory.
  const cliStats = JSON.parse(cli(["stats", "--format", "json"]));
  const rows = cliStats.rows;
  assert.ok(rows.length > 0, "the demo corpus has statistics");
  const pages = rows.reduce((s, r) => s + r.pages, 0);
  const items = rows.reduce((s, r) => s + r.items, 0);
  const meetings = rows.reduce((s, r) => s + r.meetings, 0);
  assert.ok(pages > 0 && items > 0);

  await page.goto(`${base}#/statistik`);
  await page.locator(".stats-table tbody tr").first().waitFor();
  assert.equal(await page.locator('[data-total="pages"]').innerText(), da.format(pages), "pages total");
  assert.equal(await page.locator('[data-total="items"]').innerText(), da.format(items), "items total");
  assert.equal(await page.locator('[data-total="meetings"]').innerText(), da.format(meetings), "meetings total");
  assert.equal(await page.locator(".stats-table tbody tr").count(), rows.length, "one table row per body and year");
  // Every row of the table has the CLI's figures.
  const table = await page.locator(".stats-table tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      body: tr.dataset.body,
      period: tr.dataset.period,
      pages: tr.querySelector('[data-col="pages"]').textContent,
      items: tr.querySelector('[data-col="items"]').textContent,
    })),
  );
  for (const r of rows) {
    const t = table.find((x) => x.body === r.body && x.period === r.period);
    assert.ok(t, `row ${r.body} ${r.period}`);
    assert.equal(t.pages, da.format(r.pages), `pages of ${r.body} ${r.period}`);
    assert.equal(t.items, da.format(r.items), `items of ${r.body} ${r.period}`);
  }
  // The charts: drawn by Chart.js on a canvas, with the same data.
  const charts = page.locator(".chart-box[data-chart]");
  assert.equal(await charts.count(), 2, "two charts");
  for (const [i, metric, total] of [[0, "pages", pages], [1, "items", items]]) {
    const c = charts.nth(i);
    const d = JSON.parse(await c.getAttribute("data-chart"));
    assert.equal(d.metric, metric);
    const sum = d.datasets.reduce((s, ds) => s + ds.data.reduce((a, b) => a + b, 0), 0);
    assert.equal(sum, total, `the ${metric} chart adds up to the table`);
    assert.match(await c.getAttribute("aria-label"), new RegExp(`i alt ${da.format(total).replace(".", "\\.")}`));
    const painted = await c.locator("canvas").evaluate((el) => {
      const ctx = el.getContext("2d");
      const px = ctx.getImageData(0, 0, el.width, el.height).data;
      let n = 0;
      for (let k = 3; k < px.length; k += 4) if (px[k] > 0) n++;
      return n;
    });
    assert.ok(painted > 1000, `the ${metric} chart is drawn (${painted} pixels)`);
  }
  await page.screenshot({ path: join(artifacts, "statistik.png"), fullPage: false });
  step("screenshot statistik.png");

  // Excel: a real workbook (a zip that starts with PK) named .xlsx.
  const [book] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Hent som Excel" }).click()]);
  assert.equal(book.suggestedFilename(), "moedemappe-statistik.xlsx");
  const bookPath = join(work, "statistik.xlsx");
  await book.saveAs(bookPath);
  assert.equal(readFileSync(bookPath).subarray(0, 2).toString("latin1"), "PK", "the Excel download is a workbook");

  // CSV, for programs: a download of the same rows.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "CSV til programmer" }).click()]);
  const csvPath = join(work, "statistik.csv");
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, "utf8").replace(/^\ufeff/, "").trim().split("\n");
  const head = csv[0].split(",");
  assert.equal(head[0], "body_id");
  const pagesCol = head.indexOf("pages");
  assert.ok(pagesCol > 0, "a pages column");
  assert.equal(csv.length - 1, rows.length, "one CSV line per row");
  // Quoted fields hold no commas in the demo's body names, so a split is enough.
  const csvPages = csv.slice(1).reduce((s, l) => s + Number(l.split(",")[pagesCol]), 0);
  assert.equal(csvPages, pages, "the CSV's pages add up");

  // Filters: one body, by month.
  const one = rows[0].body;
  await page.locator(".stats-bodies label.chip", { hasText: rows[0].body_short ?? one }).first().click();
  await page.locator("label", { hasText: "Pr. måned" }).click();
  await page.waitForFunction(
    (one) => {
      const trs = [...document.querySelectorAll(".stats-table tbody tr")];
      return trs.length > 0 && trs.every((tr) => tr.dataset.body === one) && /-\d\d$/.test(trs[0].dataset.period);
    },
    one,
  );
  const monthly = JSON.parse(cli(["stats", "--format", "json", "--by", "month", "--body", one])).rows;
  assert.equal(await page.locator(".stats-table tbody tr").count(), monthly.length, "monthly rows of one body");
  assert.equal(
    await page.locator('[data-total="pages"]').innerText(),
    da.format(monthly.reduce((s, r) => s + r.pages, 0)),
  );
  step("statistik: totals, chart data, Excel, CSV and filters match the CLI");
}

async function kilder(base) {
  const folder = join(work, "Seminarpapirer");
  mkdirSync(folder);
  writeFileSync(join(folder, "havnebad.pdf"), makePdf(["Notat om havnebadet ved Bassin 7", "Vandkvaliteten i havnebadet maales dagligt."]));
  writeFileSync(join(folder, "cykelsti.pdf"), makePdf(["Notat om cykelstien langs Brabrandstien", "Cykelstien udvides i 2026."]));
  writeFileSync(join(folder, "oedelagt.pdf"), Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >>\nstream garbage without end\n"));

  await page.goto(`${base}#/kilder`);
  await page.getByRole("heading", { name: "Dine kilder" }).waitFor();
  await page.locator('input[name="location"]').fill(folder);
  await page.locator('input[name="name"]').fill("Seminarpapirer");
  await page.getByRole("button", { name: "Tilføj", exact: true }).click();
  await page.locator('tr[data-source="Seminarpapirer"]').waitFor();
  step("folder source added");

  // Record every appearance of the progress bar, however short the run.
  await page.evaluate(() => {
    window.__progressSeen = false;
    const check = () => {
      if (document.querySelector("progress.sync-bar")) window.__progressSeen = true;
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole("button", { name: "Hent nu" }).click();
  await page.locator('.sync-card[data-sync="done"]').waitFor({ timeout: 60_000 });
  assert.ok(await page.evaluate(() => window.__progressSeen), "the progress bar appeared while the sync ran");
  const result = page.locator('li[data-result="Seminarpapirer"]');
  await result.waitFor();
  assert.equal(await result.locator("[data-new]").innerText(), "3", "three new files stored");
  // The broken PDF is listed with a reason in words.
  const failed = page.locator('li[data-failed="oedelagt.pdf"]');
  await failed.waitFor();
  const reason = await failed.locator(".reason").innerText();
  assert.ok(reason.length > 5 && reason !== "Ukendt årsag", `a reason: ${reason}`);
  assert.equal(await page.locator('li[data-failed="havnebad.pdf"]').count(), 0);
  // The serving index sees the new documents.
  const hits = await api("/api/search?q=havnebadet");
  assert.equal(hits.status, 200);
  assert.ok(hits.body.total > 0, "the new PDF is searchable after the sync");
  // The open token may read but not start a sync, and sees no file names.
  const openToken = readFileSync(join(data, "api-token"), "utf8").trim();
  const open = await page.evaluate(async (t) => {
    const h = { Authorization: `Bearer ${t}` };
    const sync = await fetch("/api/sync", { method: "POST", headers: h });
    const status = await (await fetch("/api/status", { headers: h })).json();
    return { sync: sync.status, status };
  }, openToken);
  assert.equal(open.sync, 403, "the open scope cannot start a sync");
  assert.deepEqual(open.status.failed_files, [], "no file names for the open scope");
  assert.ok(open.status.failed_count >= 1);
  await page.locator("#fail-title").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "kilder.png"), fullPage: true });
  step("screenshot kilder.png");
}

async function del(base) {
  // A meeting with a closed item, and a shared note on one of its open items.
  const meetings = (await api("/api/meetings")).body;
  let chosen = null;
  for (const m of meetings) {
    const id = m.id ?? m.meeting_id;
    const view = (await api(`/api/meetings/${id}`)).body;
    const closed = view.items.filter((i) => i.closed);
    const open = view.items.find((i) => !i.closed && i.attachments.length > 0 && i.case_number);
    if (closed.length > 0 && open) {
      chosen = { id, open, closed };
      break;
    }
  }
  assert.ok(chosen, "the demo corpus has a meeting with a closed item");
  cli(["note", "add", "--item", String(chosen.open.id), "--shared", "--body", "Læs indstillingen først"]);
  cli(["note", "add", "--item", String(chosen.closed[0].id), "--shared", "--body", "Fortroligt: taler ikke med pressen"]);

  await page.goto(`${base}#/del`);
  await page.getByRole("heading", { name: "Lav en pakke" }).waitFor();
  await page.locator("label", { hasText: "Møde" }).first().click();
  await page.locator('input[name="what"]').fill(String(chosen.id));
  await page.getByRole("button", { name: "Vis indhold" }).click();
  const preview = page.getByTestId("preview");
  await preview.waitFor();
  assert.equal(await preview.locator('[data-count="notes"]').innerText(), "1", "only the open note is shared");
  assert.ok((await preview.innerText()).includes("Læs indstillingen først"));
  assert.ok(!(await preview.innerText()).includes("Fortroligt"), "the note on closed material is left out");
  const leftOut = page.getByTestId("left-out");
  await leftOut.waitFor();
  const leftText = await leftOut.innerText();
  assert.match(leftText, /Lukket materiale bliver hjemme/);
  assert.ok(leftText.includes(`punkt ${chosen.closed[0].number}`), `the closed item is named: ${leftText}`);
  await page.locator('input[name="author"]').fill("Mette Mentor");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "del.png"), fullPage: true });
  step("screenshot del.png");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Hent pakken/ }).click()]);
  assert.match(download.suggestedFilename(), /^moedemappe-deling-\d{4}-\d{2}-\d{2}\.zip$/);
  const zipPath = join(work, download.suggestedFilename());
  await download.saveAs(zipPath);
  const zip = readZip(zipPath);
  assert.ok(zip.names.includes("manifest.json") && zip.names.includes("annotations.jsonld"));
  assert.equal(zip.manifest.format, "moedemappe-bundle");
  assert.equal(zip.manifest.author.name, "Mette Mentor");
  assert.equal(zip.manifest.annotation_count, 1);
  // The one note is on the item, not on a page: no attachment travels with it.
  assert.ok(!zip.names.some((n) => n.startsWith("attachments/")), "only attachments a note points at go in");
  assert.ok(!JSON.stringify(zip.manifest).includes("omitted"), "the manifest says nothing about what was left out");
  assert.ok(!JSON.stringify(zip.manifest).includes(chosen.closed[0].title), "no closed title in the bundle");
  step("bundle exported and opened");

  // Import it again: nothing new, the member's own note kept.
  await page.locator('input[name="bundle"]').setInputFiles(zipPath);
  await page.getByRole("button", { name: "Indlæs" }).click();
  const report = page.getByTestId("import-report");
  await report.waitFor();
  assert.equal(await report.locator('[data-count="added"]').innerText(), "0");
  assert.equal(await report.locator('[data-count="updated"]').innerText(), "0");
  assert.match(await report.innerText(), /Intet nyt i pakken/);
  // A file that is not a bundle: one plain Danish error.
  const bad = join(work, "ikke-en-pakke.zip");
  writeFileSync(bad, "dette er ikke en zip-fil");
  await page.locator('input[name="bundle"]').setInputFiles(bad);
  await page.getByRole("button", { name: "Indlæs" }).click();
  const err = page.getByTestId("import-error");
  await err.waitFor();
  assert.match(await err.innerText(), /^Pakken kan ikke indlæses.*intet er ændret\.$/);
  step("re-import: nothing new; a bad file refused in Danish");
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
  ({ context, page, remote } = await openBrowser(t, origin, { acceptDownloads: true }));
  page.on("dialog", (d) => d.accept());

  await statistik(base);
  await kilder(base);
  await del(base);

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  // Expected in the console: the refused bad bundle (400) and the open
  // token's refused sync (403).
  const real = problems.filter((p) => !/Warning: /.test(p) && !/status of 40[03]/.test(p));
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
