// Debian's Chromium driven by playwright-core (never `npx playwright install`): headless, WebGL
// through SwiftShader, a persistent profile in a temporary folder (Playwright refuses
// `--user-data-dir` in the arguments). Screenshots go to E2E_ARTIFACTS (default
// e2e/artifacts), which CI keeps.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ARTIFACTS = process.env.E2E_ARTIFACTS || resolve(import.meta.dirname, '../artifacts');

const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/**
 * @param {{ javaScriptEnabled?: boolean, width?: number, height?: number }} [options]
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>, problems: string[] }>}
 */
export async function openBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'showroom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  /** Console errors and CSP violations: a test fails on any. */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Full-page screenshots at a phone's and a desktop's width.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshots(page, name) {
  const dir = join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}
