// The demo dealer's console (seeded by `partsdesk demo` before the server starts): the call
// list worked from the browser, waiting inquiries with their timers, and a viewer who can read
// everything and change nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE, call, launch, newPage, step, unique } from "./harness.mjs";

const EMAIL = process.env.PARTSDESK_DEMO_EMAIL;
const PASSWORD = process.env.PARTSDESK_DEMO_PASSWORD;

async function logIn(page, email, password) {
  await page.goto(`${BASE}/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/inquiries/);
}

test("the demo dealer: reminders, waiting inquiries, a read-only viewer", { skip: !EMAIL && "no demo dealer (PARTSDESK_DEMO_EMAIL)" }, async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const { page } = await newPage(browser);
  const owner = (await call("POST", "/v1/auth/login", { body: { email: EMAIL, password: PASSWORD } })).access_token;

  await step(page, "owner-login", () => logIn(page, EMAIL, PASSWORD));

  let waiting;
  await step(page, "waiting-inquiries", async () => {
    waiting = (await call("GET", "/v1/inquiries?status=draft", { token: owner })).items;
    assert.ok(waiting.length > 0, "the demo leaves inquiries waiting");
    for (const inquiry of waiting) {
      await page.getByTestId(`inbox-row-${inquiry.id}`).waitFor();
      await page.getByTestId(`inbox-timer-${inquiry.id}`).waitFor();
    }
  });

  await step(page, "call-list", async () => {
    const list = await call("GET", "/v1/reminders/call-list", { token: owner });
    const reminder = list.call.flatMap((e) => e.reminders)[0];
    assert.ok(reminder, "reminders are due today");
    await page.goto(`${BASE}/reminders`);
    await page.getByTestId(`reminder-row-${reminder.id}`).waitFor();
    await page.getByTestId(`reminder-done-${reminder.id}`).click();
    // Done leaves today's list; the server agrees.
    await page.getByTestId(`reminder-row-${reminder.id}`).waitFor({ state: "detached" });
    const after = await call("GET", "/v1/reminders?status=done", { token: owner });
    assert.ok(after.items.some((r) => r.id === reminder.id), "the reminder is done on the server");
  });

  await step(page, "proactive-quote", async () => {
    // Another due reminder quoted to the shop before it asks: drafted from the reminders page,
    // reviewed in the workbench, sent; the reminder then counts as contacted.
    const list = await call("GET", "/v1/reminders/call-list", { token: owner });
    const reminder = list.call.flatMap((e) => e.reminders).find((r) => r.part && r.part.price && !r.stock_short);
    assert.ok(reminder, "a due reminder with a priced part in stock");
    await page.goto(`${BASE}/reminders`);
    await page.getByTestId(`reminder-quote-${reminder.id}`).click();
    await page.waitForURL(/\/inquiries\//);
    await page.getByTestId("workbench-proactive").waitFor();
    await page.getByTestId("workbench-send").click();
    await page.getByTestId("workbench-confirm-send").click();
    await page.getByTestId("workbench-sent").waitFor();
    const after = await call("GET", "/v1/reminders?status=done", { token: owner });
    const done = after.items.find((r) => r.id === reminder.id);
    assert.ok(done && done.quote_id, "the reminder is contacted, with its quote");
    const quote = await call("GET", `/v1/quotes/${done.quote_id}`, { token: owner });
    assert.equal(quote.status, "sent");
    assert.equal(quote.proactive, true);
  });

  await step(page, "figures-with-history", async () => {
    await page.goto(`${BASE}/figures`);
    const rate = page.getByTestId("kpi-quote-rate");
    await rate.waitFor();
    await page.getByTestId("figures-chart-quote-rate").waitFor();
    assert.match(await rate.textContent(), /\d+(\.\d)?%/);
  });

  await step(page, "insights-with-history", async () => {
    // Months of regular purchases: the restock forecast names parts, and demand has lines.
    await page.goto(`${BASE}/insights?tab=restock`);
    const restock = page.getByTestId("insights-restock-summary");
    await restock.waitFor();
    assert.match(await restock.textContent(), /[1-9]\d* 个配件有预计需求/);
    await page.getByTestId("insights-tab-demand").click();
    const demand = page.getByTestId("insights-demand-summary");
    await demand.waitFor();
    assert.match(await demand.textContent(), /询价行 [1-9]\d* 条/);
  });

  await step(page, "viewer", async () => {
    const email = `viewer-${unique()}@demo-parts.cn`;
    const password = "viewer-password-2026";
    await call("POST", "/v1/users", { token: owner, body: { email, name: "小李", role: "viewer", password } });
    const { page: viewer } = await newPage(browser);
    await logIn(viewer, email, password);
    const inquiry = waiting[0];
    await viewer.goto(`${BASE}/inquiries/${inquiry.id}`);
    await viewer.getByTestId("workbench").waitFor();
    // The first line, whatever its position (the demo's waiting inquiries differ from day to day).
    await viewer.locator('[data-testid^="workbench-line-"]').first().waitFor();
    // Reads everything, holds no write buttons and claims nothing.
    const forbidden = {
      [`/inquiries/${inquiry.id}`]: ["workbench-send", "workbench-save", "workbench-claim-mine"],
      "/catalog?tab=imports": ["import-upload"],
      "/customers": ["customer-create"],
      "/settings": ["settings-save", "staff-add", "webhook-create"],
      "/reminders": ["reminders-run"],
    };
    for (const [path, ids] of Object.entries(forbidden)) {
      if (!viewer.url().endsWith(path)) await viewer.goto(`${BASE}${path}`);
      await viewer.waitForLoadState("networkidle");
      for (const id of ids) assert.equal(await viewer.getByTestId(id).count(), 0, `${id} is hidden from a viewer on ${path}`);
    }
    assert.equal(await viewer.locator('[data-testid^="reminder-done-"]').count(), 0);
    const detail = await call("GET", `/v1/inquiries/${inquiry.id}`, { token: owner });
    assert.equal(detail.claim ?? null, null, "a viewer's visit claims nothing");
  });
});
