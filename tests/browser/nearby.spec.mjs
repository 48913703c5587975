// «Del på netværket» in a real browser, between two servers on this
// machine: the mentor picks a meeting on Del and shares it on the network,
// the screen shows the code and the address; the mentee, in another
// browser on the other server, types the address and first a wrong code
// (told so, with the tries left), then the right one, sees the progress end
// in the notes received, and finds the mentor's note among their own. The
// mentor's screen then counts the wrong try, and «Stop deling» ends it.
//
//   node tests/browser/nearby.spec.mjs <moedemappe binary> <ui dist folder> <artifacts folder>
//
// Saves del-netvaerk.png and hent-fra-kollega.png into the artifacts folder.
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join, relative, sep } from "node:path";
import assert from "node:assert/strict";
import { setup, checkTools, serverEnv, startServer, openBrowser, run } from "./harness.mjs";

const t = setup("nearby.spec.mjs", "moedemappe-nearby-", "failure-nearby.png");
const { binary, artifacts, work, data, step, problems } = t;
// The mentee: a data directory, server and browser profile of their own.
const t2 = { ...t, work: join(work, "mentee"), data: join(work, "mentee", "data"), login: undefined };

let server = null;
let context = null;
let page = null;
let server2 = null;
let context2 = null;

function cli(dir, args) {
  return execFileSync(binary, ["--data-dir", dir, ...args], { env: serverEnv(t), encoding: "utf8" });
}

/** A JSON API call from `p`, with its member's session. */
async function api(p, path) {
  return await p.evaluate(async (path) => {
    const r = await fetch(path);
    return { status: r.status, body: await r.json() };
  }, path);
}

async function main() {
  checkTools(t);
  step("demo corpus for the mentor, copied for the mentee");
  cli(data, ["demo", "--scale", "0.02"]);
  cpSync(data, t2.data, {
    recursive: true,
    filter: (src) => !relative(data, src).split(sep).includes("demo"),
  });
  cli(data, ["me", "--name", "Mette Mentor"]);

  server = await startServer(t);
  const origin = server.url.replace(/\/$/, "");
  ({ context, page } = await openBrowser(t, origin));
  server2 = await startServer(t2);
  const origin2 = server2.url.replace(/\/$/, "");
  const mentee = await openBrowser(t2, origin2);
  context2 = mentee.context;
  const page2 = mentee.page;
  step(`mentor at ${origin}, mentee at ${origin2}`);

  // A meeting with an open item on a case, and a shared note on that item.
  const meetings = (await api(page, "/api/meetings")).body;
  let chosen = null;
  for (const m of meetings) {
    const view = (await api(page, `/api/meetings/${m.id}`)).body;
    const open = view.items.find((i) => !i.closed && i.case_number);
    if (open) {
      chosen = { id: m.id, open };
      break;
    }
  }
  assert.ok(chosen, "a meeting with an open item");
  const NOTE = "Spørg til tidsplanen for anlægget";
  cli(data, ["note", "add", "--item", String(chosen.open.id), "--shared", "--body", NOTE]);

  // The mentor shares the meeting on the network.
  await page.goto(`${origin}/#/del`);
  const offerCard = page.getByTestId("nearby-offer");
  await offerCard.getByRole("heading", { name: "Del på netværket" }).waitFor();
  await page.locator("label", { hasText: "Møde" }).first().click();
  await page.locator('input[name="what"]').fill(String(chosen.id));
  await page.getByRole("button", { name: "Vis indhold" }).click();
  await page.getByTestId("preview").waitFor();
  await offerCard.getByRole("button", { name: /^Del «.+» på netværket$/ }).click();
  const codeEl = offerCard.getByTestId("nearby-code");
  await codeEl.waitFor();
  const code = await codeEl.getAttribute("data-code");
  assert.match(code, /^\d{6}$/);
  assert.equal((await codeEl.innerText()).replace(/\s/g, ""), code, "the code is shown");
  const address = (await offerCard.getByTestId("nearby-address").innerText()).trim();
  assert.match(address, /^[\d.]+:\d+$/, `an address to type: ${address}`);
  assert.equal(await offerCard.getByTestId("nearby-tries").innerText(), "5 af 5");
  await offerCard.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, "del-netvaerk.png"), fullPage: true });
  step(`offered at ${address}; screenshot del-netvaerk.png`);

  // The mentee looks for offers (multicast may or may not reach here), then
  // types the address and a wrong code.
  await page2.goto(`${origin2}/#/del`);
  const takeCard = page2.getByTestId("nearby-take");
  await takeCard.getByRole("heading", { name: "Hent fra en kollega" }).waitFor();
  await takeCard.getByRole("button", { name: "Søg efter tilbud" }).click();
  await takeCard.getByRole("button", { name: "Søg efter tilbud" }).waitFor({ timeout: 15_000 });
  await takeCard.locator('input[name="address"]').fill(address);
  const wrong = code === "000000" ? "000001" : "000000";
  await takeCard.locator('input[name="code"]').fill(wrong);
  await takeCard.getByRole("button", { name: "Hent", exact: true }).click();
  const error = takeCard.getByTestId("take-error");
  await error.waitFor({ timeout: 30_000 });
  const said = await error.innerText();
  assert.match(said, /^Forkert kode; intet er modtaget \(4 forsøg tilbage\)\.$/, said);
  step("a wrong code: told, with the tries left");

  // The right code, typed as the screen shows it.
  await takeCard.locator('input[name="code"]').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await takeCard.getByRole("button", { name: "Hent", exact: true }).click();
  const result = takeCard.getByTestId("take-result");
  await result.waitFor({ timeout: 60_000 });
  assert.match(await result.innerText(), /fra Mette Mentor/);
  assert.equal(await result.locator('[data-count="added"]').innerText(), "1");
  await takeCard.scrollIntoViewIfNeeded();
  await page2.screenshot({ path: join(artifacts, "hent-fra-kollega.png"), fullPage: true });
  const notes = (await api(page2, "/api/notes")).body.map((n) => n.body);
  assert.ok(notes.includes(NOTE), `the mentor's note is the mentee's to read: ${JSON.stringify(notes)}`);
  step("the right code: the note arrived; screenshot hent-fra-kollega.png");

  // The mentor's screen counts the wrong try; «Stop deling» ends the offer.
  await offerCard.getByTestId("nearby-tries").filter({ hasText: "4 af 5" }).waitFor({ timeout: 10_000 });
  await offerCard.getByTestId("nearby-confirmed").waitFor({ timeout: 10_000 });
  await offerCard.getByRole("button", { name: "Stop deling" }).click();
  await offerCard.getByRole("button", { name: /^Del «.+» på netværket$/ }).waitFor();
  const after = await api(page, "/api/nearby/offer");
  assert.deepEqual([after.status, after.body], [200, null], "no offer after stopping");
  step("stopped");

  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violations (mentor)");
  assert.deepEqual(await page2.evaluate(() => window.__csp), [], "no CSP violations (mentee)");
  // Expected in the console only where multicast does not work: a search
  // for offers that cannot use the network (503).
  const real = problems.filter((p) => !/Warning: /.test(p) && !/status of 503/.test(p) && !/HTTP 503 .*\/api\/nearby\/offers/.test(p));
  assert.deepEqual(real, [], "no errors in the pages");
}

await run(t, async () => {
  try {
    await main();
  } finally {
    await context2?.close().catch(() => {});
    server2?.child.kill();
  }
}, () => ({ context, page, server }));
