// Measures one page in headless Chromium for bench/storefront.sh: Largest Contentful Paint, and
// the layout shift accumulated until the 3D viewer has taken over from the poster (or until
// `settleMs` passes on a page without a viewer). Prints one JSON line.
//   node e2e/lib/page-metrics.mjs URL [settleMs]
import { openBrowser } from './browser.mjs';

const [url, settle = '2000'] = process.argv.slice(2);
const browser = await openBrowser({ width: 1280, height: 900 });
try {
  const { page } = browser;
  await page.addInitScript(() => {
    /** @type {any} */ (window).__metrics = { lcp: 0, cls: 0, shifts: [] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) /** @type {any} */ (window).__metrics.lcp = entry.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of /** @type {any[]} */ (list.getEntries())) {
        if (!entry.hadRecentInput) {
          /** @type {any} */ (window).__metrics.cls += entry.value;
          /** @type {any} */ (window).__metrics.shifts.push(Math.round(entry.startTime));
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(url, { waitUntil: 'load' });
  const hasViewer = await page.locator('[data-stage][data-model-src]').count();
  let viewerLive = false;
  if (hasViewer) {
    await page.locator('.stage-frame.viewer-live').waitFor({ timeout: 90_000 });
    viewerLive = true;
    await page.waitForTimeout(1000);
  } else {
    await page.waitForTimeout(Number(settle));
  }
  const metrics = await page.evaluate(() => /** @type {any} */ (window).__metrics);
  console.log(JSON.stringify({ url, lcp_ms: Math.round(metrics.lcp), cls: metrics.cls, viewer_live: viewerLive }));
} finally {
  await browser.close();
}
