// Sessions as dealer staff live them: sign up, a reload keeps you in, the language switch, and
// log-out ends the session on the server (the cookie is worthless afterwards).
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE, launch, newPage, step, unique } from "./harness.mjs";

const PASSWORD = "correct-horse-battery";

test("sign up, stay signed in across a reload, switch language, log out for good", async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const { context, page } = await newPage(browser);
  const email = `owner-${unique()}@shunda-parts.cn`;

  await step(page, "signup", async () => {
    await page.goto(`${BASE}/inquiries`);
    // Not signed in: the console asks for a log-in first.
    await page.waitForURL(/\/login/);
    await page.getByRole("link", { name: "还没有账户？注册经销商" }).click();
    await page.fill("#dealer_name", "杭州顺达汽配");
    await page.fill("#name", "张经理");
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await page.getByTestId("signup-submit").click();
    await page.waitForURL(/\/catalog/);
    assert.equal(await page.getByTestId("dealer-name").textContent(), "杭州顺达汽配");
  });

  await step(page, "no-token-for-scripts", async () => {
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "partsdesk_session");
    assert.ok(session, "a session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie.includes("partsdesk_session")), false);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).some((k) => /token|session/i.test(k))), false);
  });

  await step(page, "reload", async () => {
    await page.goto(`${BASE}/inquiries`);
    await page.reload();
    await page.getByTestId("dealer-name").waitFor();
    assert.match(page.url(), /\/inquiries/);
  });

  await step(page, "language", async () => {
    await page.getByTestId("switch-language").click();
    await page.getByRole("menuitem", { name: "Inquiries" }).waitFor();
    await page.getByTestId("switch-language").click();
    await page.getByRole("menuitem", { name: "询价" }).waitFor();
  });

  await step(page, "logout", async () => {
    const cookie = (await context.cookies()).find((c) => c.name === "partsdesk_session");
    await page.getByTestId("logout").click();
    await page.waitForURL(/\/login/);
    // The old cookie, replayed by hand, no longer opens anything.
    const replay = await fetch(`${BASE}/v1/me`, { headers: { cookie: `partsdesk_session=${cookie.value}` } });
    assert.equal(replay.status, 401);
    await page.goto(`${BASE}/inquiries`);
    await page.waitForURL(/\/login/);
  });

  await step(page, "wrong-password", async () => {
    await page.fill("#email", email);
    await page.fill("#password", "not-the-password");
    await page.getByTestId("login-submit").click();
    await page.getByTestId("login-error").waitFor();
    await page.fill("#password", PASSWORD);
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/inquiries/);
  });
});
