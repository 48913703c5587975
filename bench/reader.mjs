// Reader benchmark: how fast the Læser shows the first page of a 500-page
// attachment, and how many pages it draws (and bytes it fetches) while the
// member scrolls through all of it. playwright-core drives Debian's chromium
// (headless) against `moedemappe serve` on a data directory holding only the
// generated PDF (bench/reader-pdf.mjs).
//
//   node bench/reader.mjs <moedemappe> <ui/dist> [runs] [pages]
//
// Prints one JSON object with the figures and a readable summary.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { makePdf } from "./reader-pdf.mjs";

const require = createRequire(resolve("tests/browser/package.json"));
const { chromium } = require("playwright-core");

const [binary, uiDir, runsArg, pagesArg] = process.argv.slice(2);
if (!binary || !uiDir) {
  console.error("brug: node bench/reader.mjs <moedemappe> <ui/dist> [kørsler] [sider]");
  process.exit(2);
}
const RUNS = Number(runsArg ?? 12);
const PAGES = Number(pagesArg ?? 500);
const work = mkdtempSync(join(tmpdir(), "moedemappe-reader-bench-"));
const data = join(work, "data");
const env = { ...process.env, MOEDEMAPPE_UI_DIR: resolve(uiDir) };
delete env.MOEDEMAPPE_DATA;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

let server;
let context;
try {
  const pdf = join(work, "redegoerelse-500.pdf");
  writeFileSync(pdf, makePdf(PAGES));
  const fileBytes = statSync(pdf).size;
  const t0 = Date.now();
  execFileSync(binary, ["--data-dir", data, "import", pdf], { env, stdio: ["ignore", "ignore", "inherit"] });
  const importMs = Date.now() - t0;

  server = spawn(binary, ["--data-dir", data, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("serve printed no address")), 30_000);
    createInterface({ input: server.stdout }).on("line", (line) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(line);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
  });
  const html = await (await fetch(base)).text();
  const token = /name="moedemappe-token" content="([^"]+)"/.exec(html)[1];
  const auth = { Authorization: `Bearer ${token}` };
  const found = await (await fetch(`${base}api/search?q=solsikkemark50&group=false`, { headers: auth })).json();
  const attachment = found.hits.find((h) => h.attachment_id)?.attachment_id;
  if (!attachment) throw new Error("the imported PDF was not found by search");

  context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    locale: "da-DK",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  let fileRequests = 0;
  let fileBytesFetched = 0;
  page.on("response", async (r) => {
    if (/\/api\/attachments\/\d+\/file/.test(r.url())) {
      fileRequests++;
      try {
        fileBytesFetched += (await r.body()).length;
      } catch {
        // a cancelled request
      }
    }
  });
  // A warm-up opening (the UI's scripts and pdf.js's worker into the cache).
  const url = `${base}#/laes/${attachment}/1`;
  const open = async () => {
    await page.goto("about:blank");
    const started = Date.now();
    await page.goto(url);
    await page.locator('.page[data-page="1"][data-drawn-first="true"]').waitFor({ timeout: 60_000 });
    const wall = Date.now() - started;
    const mark = await page.evaluate(() => performance.getEntriesByName("reader-first-page")[0]?.startTime ?? null);
    return { wall, mark };
  };
  await open();
  const firstPage = [];
  const wallClock = [];
  for (let i = 0; i < RUNS; i++) {
    const { wall, mark } = await open();
    firstPage.push(mark);
    wallClock.push(wall);
  }

  // Scroll through the whole document, a screen at a time.
  fileRequests = 0;
  fileBytesFetched = 0;
  await open();
  const total = Number((await page.locator("#sidetal-af").innerText()).replace(/\D/g, ""));
  let maxCanvases = 0;
  let maxRendered = 0;
  const scrollStart = Date.now();
  let steps = 0;
  for (;;) {
    const done = await page.evaluate(() => {
      window.scrollBy(0, window.innerHeight);
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    });
    steps++;
    await page.waitForTimeout(40);
    const now = await page.evaluate(() => ({
      canvases: document.querySelectorAll(".pages canvas").length,
      rendered: document.querySelectorAll('.page[data-rendered="true"]').length,
    }));
    maxCanvases = Math.max(maxCanvases, now.canvases);
    maxRendered = Math.max(maxRendered, now.rendered);
    if (done) break;
  }
  const scrollMs = Date.now() - scrollStart;
  await page.locator(`.page[data-page="${total}"][data-rendered="true"]`).waitFor({ timeout: 30_000 });
  const stats = await page.evaluate(() => ({
    drawnMax: Number(document.querySelector(".pages")?.dataset.drawnMax ?? 0),
    thumbsDrawn: document.querySelectorAll('.thumb[data-drawn="true"]').length,
    pagesInDom: document.querySelectorAll(".page").length,
  }));

  const result = {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    pages: total,
    file_bytes: fileBytes,
    import_ms: importMs,
    runs: RUNS,
    first_page_ms: { median: median(firstPage), max: Math.max(...firstPage), min: Math.min(...firstPage), all: firstPage.map(Math.round) },
    first_page_wall_ms: { median: median(wallClock), max: Math.max(...wallClock) },
    scroll: {
      steps,
      ms: scrollMs,
      max_pages_being_drawn: stats.drawnMax,
      max_canvases_in_dom: maxCanvases,
      max_rendered_pages: maxRendered,
      thumbnails_drawn: stats.thumbsDrawn,
      file_requests: fileRequests,
      file_bytes_fetched: fileBytesFetched,
    },
    page_errors: errors,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `first page of ${total}: median ${result.first_page_ms.median.toFixed(0)} ms, max ${result.first_page_ms.max.toFixed(0)} ms over ${RUNS} runs; ` +
      `scrolling all: at most ${stats.drawnMax} pages drawn at once, ${fileRequests} file request(s), ${fileBytesFetched} bytes`,
  );
} finally {
  await context?.close().catch(() => {});
  server?.kill();
  rmSync(work, { recursive: true, force: true });
}
