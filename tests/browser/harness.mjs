// What every browser test script shares: its arguments, a fresh work folder,
// `moedemappe serve --port 0` on it, Debian's chromium (headless, through
// playwright-core) that refuses every request leaving the machine, records
// CSP violations and page errors and logs in through the one-time link serve
// printed, as the member does, and the run that reports, screenshots a
// failure, cleans up and sets the exit code.
//
//   node tests/browser/<name>.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** The script's arguments and work folder (`tmpPrefix` names it), a
 * `step` logger with the time since start, and the problems the page
 * reports (filled by `openBrowser`); a failure's screenshot is saved as
 * `failure`. */
export function setup(spec, tmpPrefix, failure = "failure.png") {
  const [binary, uiDir, artifactsArg] = process.argv.slice(2);
  if (!binary || !uiDir || !artifactsArg) {
    console.error(`brug: node ${spec} <moedemappe> <ui/dist> <test-artifacts>`);
    process.exit(2);
  }
  const artifacts = resolve(artifactsArg);
  mkdirSync(artifacts, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), tmpPrefix));
  const started = Date.now();
  const step = (what) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
  return { binary, uiDir, artifacts, work, data: join(work, "data"), step, problems: [], failure };
}

/** Fails, saying what to install, when chromium or the built UI is missing. */
export function checkTools(t) {
  assert.ok(existsSync(CHROMIUM), `chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
  assert.ok(existsSync(join(t.uiDir, "index.html")), `the UI is not built: ${t.uiDir}/index.html is missing (cd ui && npm ci && npm run build)`);
}

/** The environment of the server: the built UI, no data directory from outside. */
export function serverEnv(t) {
  const env = { ...process.env, MOEDEMAPPE_UI_DIR: resolve(t.uiDir) };
  delete env.MOEDEMAPPE_DATA;
  return env;
}

/** Starts `moedemappe serve --port 0` on the test's data directory; its
 * child process, the address and the one-time login link it printed (kept
 * in `t.login` for `openBrowser`). */
export async function startServer(t) {
  const child = spawn(t.binary, ["--data-dir", t.data, "serve", "--port", "0"], {
    env: serverEnv(t),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const login = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("serve printed no login link within 30 s")), 30_000);
    child.on("exit", (code) => fail(new Error(`serve stopped with code ${code}`)));
    lines.on("line", (line) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/login\?kode=[0-9a-f]+/.exec(line);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
  });
  t.login = login;
  return { child, url: login.replace(/login\?.*$/, ""), login };
}

/** Launches chromium with a fresh profile (`options` adds to the context's,
 * e.g. another viewport) and logs in through the server's one-time link
 * (`t.login`), so the page's calls carry the member's session cookie.
 * Nothing may be fetched from anywhere but `origin` (what was tried is in
 * `remote`); every CSP violation is recorded in `window.__csp`, page errors
 * and console errors in `t.problems`. */
export async function openBrowser(t, origin, options = {}) {
  const context = await chromium.launchPersistentContext(join(t.work, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 900 },
    locale: "da-DK",
    ...options,
  });
  const remote = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    remote.push(url);
    return route.abort();
  });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => t.problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") t.problems.push(`console error: ${m.text()}`);
  });
  if (t.login) {
    await page.goto(t.login);
    const cookies = await context.cookies(origin);
    const session = cookies.find((c) => c.name.startsWith("moedemappe_session_"));
    assert.ok(session, "the login link set the session cookie");
    assert.ok(session.httpOnly && session.sameSite === "Strict", "an HttpOnly, SameSite=Strict cookie");
    assert.ok(!page.url().includes("kode="), `the code is left in the address: ${page.url()}`);
    const meta = await page.locator('meta[name="moedemappe-token"]').count();
    assert.equal(meta, 0, "no token in the page");
  }
  return { context, page, remote };
}

/** A small valid one-page PDF whose page shows `lines` (Latin-1: Helvetica, WinAnsi). */
export function makePdf(lines) {
  const esc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `BT /F1 12 Tf 72 ${740 - i * 18} Td (${esc(l)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${Buffer.byteLength(text, "latin1")} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** Runs `main`, prints "all checks passed" or the failure (with the page's
 * problems and a screenshot), closes what `live()` gives
 * (`{ context, page, server }`), removes the work folder and exits. */
export async function run(t, main, live) {
  let failed = false;
  try {
    await main();
    t.step("all checks passed");
  } catch (e) {
    failed = true;
    console.error(`browser test failed: ${e?.stack ?? e}`);
    for (const p of t.problems) console.error(`  ${p}`);
    const { page } = live();
    if (page) {
      await page.screenshot({ path: join(t.artifacts, t.failure) }).catch(() => {});
      console.error(`  at ${page.url()}; screenshot in ${join(t.artifacts, t.failure)}`);
    }
  } finally {
    const { context, server } = live();
    await context?.close().catch(() => {});
    server?.child.kill();
    rmSync(t.work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
