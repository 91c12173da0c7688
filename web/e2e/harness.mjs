// What the browser tests share: a Chromium driven by playwright-core against the `serve` at
// PARTSDESK_URL (started by the Rust test `console::browser`), API calls for the shop's side,
// and a screenshot of the page whenever a step fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE = process.env.PARTSDESK_URL ?? "http://127.0.0.1:8080";
const CHROMIUM = process.env.PARTSDESK_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOTS = new URL("./screenshots/", import.meta.url).pathname;

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: no background traffic, no sandbox as root.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** A fresh browser profile (no cookies) in Chinese, as dealer staff use it. */
export async function newPage(browser, { locale = "zh-CN" } = {}) {
  const context = await browser.newContext({ locale, timezoneId: "Asia/Shanghai", viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return { context, page };
}

/** Runs a step; on failure saves a screenshot named after it before failing. */
export async function step(page, name, body) {
  try {
    return await body();
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `${name.replace(/[^\w-]+/g, "_")}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`step "${name}" failed; screenshot: ${file}; url: ${page.url()}`);
    throw error;
  }
}

/**
 * Clicks `target` until `shown` appears (at most three times). On a machine loaded by the rest of
 * the suite a click into a dialog still opening can be lost; a person would click again.
 */
export async function clickUntil(target, shown) {
  for (let attempt = 1; ; attempt++) {
    await target.click();
    try {
      await shown.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** A JSON API call with a bearer token (an integrator or a shop), failing on any non-2xx. */
export async function call(method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A unique suffix so reruns against one server never collide. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
