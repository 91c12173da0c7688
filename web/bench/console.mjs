// The console's speed as a person meets it, measured in Debian's Chromium: the JavaScript
// shipped before the inbox shows (compressed, as sent), the time until its rows are on screen
// and the page is quiet, and scrolling a long list. Run by `partsdesk bench console`, which
// starts the server and fills it; usable on its own against any server:
//   PARTSDESK_URL=http://127.0.0.1:8080 PARTSDESK_EMAIL=… PARTSDESK_PASSWORD=… node bench/console.mjs
import { launch } from "../e2e/harness.mjs";

const BASE = process.env.PARTSDESK_URL ?? "http://127.0.0.1:8080";
const EMAIL = process.env.PARTSDESK_EMAIL;
const PASSWORD = process.env.PARTSDESK_PASSWORD;
const RUNS = Number(process.env.PARTSDESK_BENCH_RUNS ?? 7);
const LIST_PATH = process.env.PARTSDESK_BENCH_LIST ?? "/catalog";
const ROW = process.env.PARTSDESK_BENCH_ROW ?? '[data-testid^="part-row-"]';
const LOAD_MORE = process.env.PARTSDESK_BENCH_LOAD_MORE ?? '[data-testid="parts-load-more"]';
const LIST_ROWS = Number(process.env.PARTSDESK_BENCH_LIST_ROWS ?? 10_000);
const PAGE_ROWS = Number(process.env.PARTSDESK_BENCH_PAGE_ROWS ?? 200);

if (!EMAIL || !PASSWORD) {
  console.error("set PARTSDESK_EMAIL and PARTSDESK_PASSWORD (a dealer with data)");
  process.exit(2);
}

// Records, from navigation start, when the first inbox row is in the document and every long
// task (main thread busy > 50 ms), so "interactive" can be read off afterwards.
const PROBE = () => {
  window.__bench = { rows: null, longTasks: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.startTime + e.duration]);
  }).observe({ type: "longtask", buffered: true });
  const seen = () => {
    if (window.__bench.rows === null && document.querySelector('[data-testid^="inbox-row-"]')) {
      window.__bench.rows = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
};

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
};
const fmt = (v) => v.toFixed(1).padStart(8);

async function signedInContext(browser) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1440, height: 900 } });
  const response = await context.request.post(`${BASE}/v1/auth/session`, { data: { email: EMAIL, password: PASSWORD } });
  if (!response.ok()) throw new Error(`log-in failed: ${response.status()} ${await response.text()}`);
  return context;
}

async function firstScreen(browser) {
  // A fresh context each run: nothing cached, as on a new workstation's first visit.
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.addInitScript(PROBE);
  await page.goto(`${BASE}/inquiries`);
  await page.waitForSelector('[data-testid^="inbox-row-"]', { timeout: 30_000 });
  // Interactive: the rows are there and the main thread has had 500 ms without a long task.
  await page.waitForTimeout(700);
  const result = await page.evaluate(() => {
    const { rows, longTasks } = window.__bench;
    const lastBusy = longTasks.filter(([start]) => start < rows + 500).reduce((end, [, e]) => Math.max(end, e), 0);
    const scripts = performance
      .getEntriesByType("resource")
      .filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"))
      .filter((e) => e.responseEnd <= rows);
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      rows,
      interactive: Math.max(rows, lastBusy),
      jsBytes: scripts.reduce((sum, e) => sum + e.encodedBodySize, 0),
      jsFiles: scripts.length,
      html: nav.responseEnd,
    };
  });
  await context.close();
  return result;
}

async function baseline(browser) {
  // The floor under any page: one round trip to the same server and an empty document.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/healthz`);
  const loaded = await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
  await context.close();
  return loaded;
}

async function scrolling(browser) {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto(`${BASE}${LIST_PATH}`);
  await page.waitForSelector(ROW, { timeout: 30_000 });
  // The list as a clerk who kept pressing "load more" has it: LIST_ROWS rows in the table.
  let loaded = PAGE_ROWS;
  const loadStarted = performance.now();
  while (loaded < LIST_ROWS) {
    const more = page.locator(LOAD_MORE);
    if ((await more.count()) === 0) break;
    await Promise.all([page.waitForResponse((r) => r.url().includes("/v1/") && r.ok()), more.click()]);
    await page.waitForFunction(
      ([selector]) => !document.querySelector(selector)?.classList.contains("ant-btn-loading"),
      [LOAD_MORE],
    );
    loaded += PAGE_ROWS;
  }
  const loadMs = performance.now() - loadStarted;
  const rowsInDom = await page.locator(ROW).count();
  const frames = await page.evaluate(async (rowSelector) => {
    const row = document.querySelector(rowSelector);
    let scroller = row;
    while (scroller && scroller.scrollHeight <= scroller.clientHeight + 1) scroller = scroller.parentElement;
    if (!scroller) return { frames: [], height: 0 };
    const deltas = [];
    let last = performance.now();
    const end = last + 3000;
    await new Promise((resolve) => {
      const tick = (now) => {
        deltas.push(now - last);
        last = now;
        scroller.scrollTop += 120;
        if (now < end && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    return { frames: deltas.slice(1), height: scroller.scrollHeight };
  }, ROW);
  await context.close();
  return { rowsInDom, loaded: Math.min(loaded, LIST_ROWS), loadMs, ...frames };
}

const browser = await launch();
try {
  const floor = [];
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await baseline(browser));
    runs.push(await firstScreen(browser));
  }
  const pick = (key) => runs.map((r) => r[key]);
  console.log(`console first screen (/inquiries), ${RUNS} cold runs, ms from navigation start   p50      max`);
  console.log(`  baseline: empty page from the same server (load)                     ${fmt(quantile(floor, 0.5))} ${fmt(Math.max(...floor))}`);
  console.log(`  page (index.html) received                                           ${fmt(quantile(pick("html"), 0.5))} ${fmt(Math.max(...pick("html")))}`);
  console.log(`  inbox rows on screen                                                 ${fmt(quantile(pick("rows"), 0.5))} ${fmt(Math.max(...pick("rows")))}`);
  console.log(`  inbox interactive (rows shown, then 500 ms without a long task)      ${fmt(quantile(pick("interactive"), 0.5))} ${fmt(Math.max(...pick("interactive")))}`);
  console.log(`  JavaScript before the rows show: ${(runs[0].jsBytes / 1024).toFixed(1)} KiB compressed in ${runs[0].jsFiles} files`);

  const scroll = await scrolling(browser);
  if (scroll.frames.length > 0) {
    const janky = scroll.frames.filter((f) => f > 50).length;
    console.log(`scrolling ${LIST_PATH}: ${scroll.loaded} rows loaded (${(scroll.loadMs / 1000).toFixed(1)} s of "load more"), ${scroll.height} px, ${scroll.rowsInDom} rows in the document at once, ${scroll.frames.length} frames`);
    console.log(`  frame time p50 ${quantile(scroll.frames, 0.5).toFixed(1)} ms, p99 ${quantile(scroll.frames, 0.99).toFixed(1)} ms, frames over 50 ms: ${janky}`);
  } else {
    console.log(`scrolling ${LIST_PATH}: no scrollable list found`);
  }
} finally {
  await browser.close();
}
