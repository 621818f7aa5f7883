// axe-core inside the page under test. The script is injected through Playwright (not a
// <script src>), so the page's CSP stays as it is.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The serious and critical violations on the current page, as readable lines.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function seriousViolations(page) {
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // @ts-ignore axe is the global the injected script defines
    const run = await window.axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((/** @type {any} */ v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map((/** @type {any} */ n) => n.target.join(' ')),
    }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.targets.join(', ')}`);
}
