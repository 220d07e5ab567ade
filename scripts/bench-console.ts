// First load of the staff console's dashboard in Chromium on a throttled line (issue 19: "slow 3G"
// ≤ 3 s to usable), against a running service with data (e.g. after `npm run demo`):
//   CONSOLE_URL=http://localhost:3000 CONSOLE_USER=demo.pokja CONSOLE_PASSWORD=… npm run bench:console
// The line is WebPageTest's "3G Slow" profile: 400 ms round trip, 400 kbit/s down and up. Each run
// is a cold cache (new browser context). Prints, per run and as medians: first contentful paint
// (the page and its tables readable: "usable"), DOMContentLoaded, charts drawn, and bytes sent.
// CONSOLE_SCREENSHOT=path also saves the dashboard at 1280 px (README's picture).
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { chromium } from "playwright-core";

const url = process.env.CONSOLE_URL ?? "http://localhost:3000";
const user = process.env.CONSOLE_USER;
const password = process.env.CONSOLE_PASSWORD;
const runs = Number(process.env.CONSOLE_RUNS ?? 5);
const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!user || !password || !executablePath) {
  console.error("bench:console needs CONSOLE_USER, CONSOLE_PASSWORD (and CONSOLE_URL) and Chromium at /usr/bin/chromium");
  process.exit(2);
}
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  // Sign in once, unthrottled; each run reuses the session cookie in a fresh, empty cache.
  const login = await browser.newContext();
  const page = await login.newPage();
  await page.goto(`${url}/konsol/masuk`);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("form[action='/konsol/masuk'] button[type=submit]");
  await page.waitForSelector("nav a[aria-current=page]");
  const state = await login.storageState();
  if (process.env.CONSOLE_SCREENSHOT) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForSelector("canvas[data-drawn]");
    await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: false });
  }
  await login.close();

  const rows: { fcp: number; dcl: number; charts: number; kB: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ storageState: state, viewport: { width: 360, height: 800 } });
    const p = await context.newPage();
    const cdp = await context.newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    const start = Date.now();
    await p.goto(`${url}/konsol`, { waitUntil: "domcontentloaded" });
    await p.waitForSelector("canvas[data-drawn]");
    const charts = Date.now() - start;
    const timing = (await p.evaluate(`(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return { fcp: fcp ? fcp.startTime : null, dcl: nav.domContentLoadedEventEnd };
    })()`)) as { fcp: number | null; dcl: number };
    rows.push({ fcp: Math.round(timing.fcp ?? NaN), dcl: Math.round(timing.dcl), charts, kB: Math.round(bytes / 1024) });
    console.log(
      `run ${i + 1}: first contentful paint ${rows.at(-1)!.fcp} ms, DOMContentLoaded ${rows.at(-1)!.dcl} ms, charts drawn ${charts} ms, ${rows.at(-1)!.kB} kB over the wire`,
    );
    await context.close();
  }
  console.log(
    `median of ${runs} (3G Slow: 400 ms RTT, 400 kbit/s; load average ${loadavg()[0]!.toFixed(2)}): usable (first contentful paint) ${median(rows.map((r) => r.fcp))} ms, DOMContentLoaded ${median(rows.map((r) => r.dcl))} ms, charts drawn ${median(rows.map((r) => r.charts))} ms, ${median(rows.map((r) => r.kB))} kB`,
  );
} finally {
  await browser.close();
}
