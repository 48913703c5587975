// Start-up benchmark: from starting the program to the first paint of its
// UI, on a data directory holding the demo corpus, cold each run (a new
// process and a new browser profile; the OS file cache stays warm).
//
// - serve: `moedemappe serve --port 0` until it prints its login link, then
//   headless chromium (playwright-core) opens the link; first paint is the
//   page's first-contentful-paint. Total = both.
// - window: `moedemappe-app` under Xvfb, started by WebKitWebDriver; the
//   session is ready when the window has loaded its page, and the page's
//   first-contentful-paint (or load) is read from it. Total = from asking
//   for the session to first paint.
//
//   node bench/startup.mjs <moedemappe> <moedemappe-app|-> <data dir> [runs]
//
// DISPLAY must name a running X server for the window part.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { createServer } from "node:net";

const require = createRequire(resolve("tests/browser/package.json"));
const { chromium } = require("playwright-core");

const [binary, app, data, runsArg] = process.argv.slice(2);
if (!binary || !app || !data) {
  console.error("brug: node bench/startup.mjs <moedemappe> <moedemappe-app|-> <datamappe> [kørsler]");
  process.exit(2);
}
const RUNS = Number(runsArg ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = { ...process.env, MOEDEMAPPE_DATA: resolve(data) };
delete env.MOEDEMAPPE_UI_DIR;

async function serveOnce() {
  const t0 = performance.now();
  const child = spawn(binary, ["--data-dir", data, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "ignore"] });
  const login = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    child.on("exit", (c) => fail(new Error(`serve stopped (${c})`)));
    lines.on("line", (l) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/login\?kode=[0-9a-f]+/.exec(l);
      if (m) ok(m[0]);
    });
  });
  const ready = performance.now() - t0;
  const profile = mkdtempSync(join(tmpdir(), "moedemappe-startup-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const t1 = performance.now();
  await page.goto(login);
  const fcp = await page.evaluate(
    () =>
      new Promise((ok) => {
        const seen = performance.getEntriesByName("first-contentful-paint")[0];
        if (seen) return ok(seen.startTime);
        new PerformanceObserver((l) => ok(l.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
      }),
  );
  const nav = performance.now() - t1;
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  child.kill();
  return { ready, fcp, nav, total: ready + fcp };
}

async function freePort() {
  return await new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function windowOnce() {
  const port = await freePort();
  const driver = spawn("WebKitWebDriver", [`--port=${port}`], {
    env: { ...env, TAURI_WEBVIEW_AUTOMATION: "true" },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/status`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const t0 = performance.now();
  const created = await (
    await fetch(`${base}/session`, {
      method: "POST",
      body: JSON.stringify({ capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary: app, args: [] } } } }),
    })
  ).json();
  const session = created.value.sessionId;
  const run = async (script) =>
    (
      await (
        await fetch(`${base}/session/${session}/execute/async`, {
          method: "POST",
          body: JSON.stringify({ script, args: [] }),
        })
      ).json()
    ).value;
  // Wait until the UI has drawn (its main landmark is in the page).
  let painted = null;
  for (let i = 0; i < 200 && painted === null; i++) {
    painted = await run(
      "const done = arguments[0]; done(document.querySelector('main') ? (performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now()) : null);",
    );
    if (painted === null) await new Promise((r) => setTimeout(r, 20));
  }
  const total = performance.now() - t0;
  await fetch(`${base}/session/${session}`, { method: "DELETE" });
  driver.kill();
  return { fcp: painted, total };
}

const serveRuns = [];
for (let i = 0; i < RUNS; i++) serveRuns.push(await serveOnce());
const result = {
  runs: RUNS,
  serve_ready_ms: Math.round(median(serveRuns.map((r) => r.ready))),
  serve_first_paint_ms: Math.round(median(serveRuns.map((r) => r.fcp))),
  serve_total_ms: Math.round(median(serveRuns.map((r) => r.total))),
};
if (app !== "-") {
  const windowRuns = [];
  for (let i = 0; i < RUNS; i++) windowRuns.push(await windowOnce());
  result.window_first_paint_in_page_ms = Math.round(median(windowRuns.map((r) => r.fcp)));
  result.window_total_ms = Math.round(median(windowRuns.map((r) => r.total)));
  result.window_max_ms = Math.round(Math.max(...windowRuns.map((r) => r.total)));
}
console.log(JSON.stringify(result));
