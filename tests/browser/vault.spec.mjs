// The vault's lock screen in a real browser (issue 17): a data directory
// moved into the vault and locked shows "Boksen er låst"; a wrong passcode
// says so in Danish; the right one opens it; "Lås boksen" locks it again;
// "Se kun åbent materiale" leaves the lock screen for the open material;
// "Husk på denne computer" with no keychain to be had (no session bus) still
// unlocks, and the window says the key could not be remembered.
//
//   node tests/browser/vault.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Saves laast.png and laast-op.png into the artifacts folder.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("vault.spec.mjs", "moedemappe-vault-", "failure-vault.png");
const { binary, artifacts, data, step, problems } = t;
const PASSCODE = "en lang og hemmelig kode";
// The unlocked key lives in memory, as $XDG_RUNTIME_DIR does on a desktop.
const runtime = mkdtempSync("/dev/shm/moedemappe-vault-");
process.env.XDG_RUNTIME_DIR = runtime;
process.on("exit", () => rmSync(runtime, { recursive: true, force: true }));
// No keychain: a session bus nobody listens on (never the desktop's own).
process.env.DBUS_SESSION_BUS_ADDRESS = "unix:path=/nonexistent/moedemappe-test-bus";

let server = null;
let context = null;
let page = null;

function cli(args, input = "") {
  return execFileSync(binary, ["--data-dir", data, ...args], {
    env: serverEnv(t),
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

async function main() {
  checkTools(t);
  step("demo corpus, moved into the vault and locked");
  cli(["demo", "--scale", "0.02"]);
  cli(["passcode", "set"], `${PASSCODE}\n`);
  cli(["lock"]);
  server = await startServer(t);
  const origin = server.url.replace(/\/$/, "");
  let remote;
  ({ context, page, remote } = await openBrowser(t, origin));

  await page.goto(`${origin}/#/`);
  const dialog = page.getByRole("dialog", { name: "Boksen er låst" });
  await dialog.waitFor();
  await page.screenshot({ path: join(artifacts, "laast.png") });
  step("locked: the lock screen");

  await dialog.getByLabel("Adgangskode").fill("forkert kode 123");
  await dialog.getByRole("button", { name: "Lås op" }).click();
  const error = dialog.getByRole("alert");
  await error.waitFor();
  assert.match(await error.innerText(), /^Forkert adgangskode/);
  step("a wrong passcode: said in Danish");

  await dialog.getByRole("button", { name: "Se kun åbent materiale" }).click();
  await page.getByText("Boksen er låst: du ser kun åbent materiale.").waitFor();
  await page.getByRole("button", { name: "Lås op" }).click();
  await dialog.waitFor();
  step("open material only, and back");

  assert.equal(
    await dialog.getByRole("button", { name: "Lås op med denne computers nøglering" }).count(),
    0,
    "no keychain button while nothing is remembered",
  );
  await dialog.getByLabel("Adgangskode").fill(PASSCODE);
  await dialog.getByLabel("Husk på denne computer").check();
  await dialog.getByRole("button", { name: "Lås op" }).click();
  const lockButton = page.getByRole("button", { name: "Lås boksen" });
  await lockButton.waitFor();
  assert.equal(await dialog.count(), 0, "no lock screen once unlocked");
  const notice = page.getByRole("status");
  await notice.waitFor();
  assert.match(await notice.innerText(), /kan ikke huske nøglen/);
  const state = await page.evaluate(async () => (await fetch("/api/vault")).json());
  assert.deepEqual(state, { present: true, locked: false, remembered: false });
  await page.screenshot({ path: join(artifacts, "laast-op.png") });
  step("unlocked with the passcode; no keychain to remember it in, said");

  await lockButton.click();
  await dialog.waitFor();
  const after = await page.evaluate(async () => (await fetch("/api/vault")).json());
  assert.deepEqual(after, { present: true, locked: true, remembered: false });
  step("locked again from the window");

  assert.deepEqual(remote, [], "no request left the machine");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations");
  // Expected in the console: the wrong passcode's 403, the keychain's 503.
  const real = problems.filter(
    (p) => !/Warning: /.test(p) && !/status of 403/.test(p) && !/status of 503/.test(p),
  );
  assert.deepEqual(real, [], "no errors in the page");
}

await run(t, main, () => ({ context, page, server }));
