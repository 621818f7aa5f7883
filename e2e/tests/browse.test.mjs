// Browsing: home → category → product; the 3D viewer really draws, at the poster's place, and
// follows the colour a shopper picks; no serious accessibility violation; screenshots of each
// page at 390 and 1280 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seriousViolations } from '../lib/axe.mjs';
import { openBrowser, screenshots } from '../lib/browser.mjs';
import { coverage, difference, eventually, posterFrame, viewerFrame } from '../lib/pixels.mjs';
import { startShop } from '../lib/server.mjs';

/** @type {Awaited<ReturnType<typeof startShop>>} */
let shop;
/** @type {Awaited<ReturnType<typeof openBrowser>>} */
let browser;

before(async () => {
  shop = await startShop();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.stop();
});

test('home → category → product, every page accessible', { timeout: 120_000 }, async () => {
  const { page } = browser;
  await page.goto(shop.base + '/');
  assert.match(await page.title(), /Showroom/);
  const cards = page.locator('.card');
  assert.ok((await cards.count()) >= 8, 'the home page shows product cards');
  assert.equal(await page.locator('.card img').first().getAttribute('width'), '512');
  assert.deepEqual(await seriousViolations(page), [], 'home: axe');
  await screenshots(page, 'home');

  await page.locator('nav.categories a', { hasText: 'Furniture' }).click();
  await page.waitForURL(/\/c\/furniture$/);
  assert.ok((await page.locator('.card').count()) > 0, 'the category lists products');
  assert.deepEqual(await seriousViolations(page), [], 'category: axe');
  await screenshots(page, 'category');

  await page.selectOption('#sort', 'price_asc');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/sort=price_asc/);
  const prices = await page.locator('.card-price').allTextContents();
  const numbers = prices.map((p) => Number(p.replace(/[^0-9.]/g, '')));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'sorted by price');

  await page.locator('.card a').first().click();
  await page.waitForURL(/\/products\//);
  assert.ok(await page.locator('h1#product-title').isVisible());
  assert.deepEqual(await seriousViolations(page), [], 'product: axe');
  await screenshots(page, 'product');

  await page.goto(shop.base + '/search?q=chair');
  assert.ok((await page.locator('.card').count()) > 0, 'search finds chairs');
  assert.equal(await page.locator('#sort').inputValue(), 'relevance', 'a search is sorted by best match');
  await page.goto(shop.base + '/search?q=chiar');
  assert.ok((await page.locator('.card').count()) > 0, 'a typo still finds chairs');
  await page.goto(shop.base + '/search?q=chair');
  await screenshots(page, 'search');

  assert.deepEqual(browser.problems, [], 'no console errors or CSP violations');
  const missing = await page.goto(shop.base + '/products/no-such-thing');
  assert.equal(missing?.status(), 404);
  await screenshots(page, 'not-found');
  browser.problems.length = 0; // the 404 above is logged by the browser on purpose
});

test('the viewer draws the model over the poster and follows the picked colour', { timeout: 180_000 }, async () => {
  const { page } = browser;
  const list = await (await fetch(`${shop.base}/api/v1/products?category=furniture&limit=50`)).json();
  const product = await (await fetch(`${shop.base}/api/v1/products/${list.items[0].slug}`)).json();
  assert.ok(product.variants.length >= 2, 'a product with at least two colours');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${shop.base}/products/${product.slug}`);

  const poster = await posterFrame(page);
  assert.ok(coverage(poster).share > 0.03, 'the poster shows the product');
  const posterSrc = await page.locator('[data-poster] img').getAttribute('src');
  assert.match(posterSrc ?? '', /poster-.*-\d+\.png$/);

  // SwiftShader needs 10–14 s to the first frame: the page reaches for the viewer on idle.
  await page.locator('.stage-frame.viewer-live').waitFor({ timeout: 90_000 });
  const first = await eventually(async () => {
    const rgba = await viewerFrame(page);
    const { share, colours } = coverage(rgba);
    return share > 0.03 && colours > 8 ? rgba : null;
  }, 60_000, 'the viewer to draw the model');
  assert.ok(difference(first, poster) > 1, 'the canvas is drawn live, not a copy of the poster');
  await page.waitForFunction(() => getComputedStyle(/** @type {Element} */ (document.querySelector('[data-poster]'))).opacity === '0', null, { timeout: 5_000 });

  const iosBefore = await page.locator('[data-ar-ios]').getAttribute('href');
  const chip = page.locator('.chip:not([aria-current])').first();
  const colour = (await chip.textContent())?.trim();
  await chip.click();
  await page.waitForURL(/variant=/);
  const second = await eventually(async () => {
    const rgba = await viewerFrame(page);
    return difference(rgba, first) > 1.5 ? rgba : null;
  }, 60_000, `the canvas to show ${colour}`);
  assert.ok(coverage(second).share > 0.03, 'the new colour is drawn');
  const posterAfter = await page.locator('[data-poster] img').getAttribute('src');
  assert.notEqual(posterAfter, posterSrc, 'the poster follows the colour');
  const iosAfter = await page.locator('[data-ar-ios]').getAttribute('href');
  const perLook = /model-[a-z0-9-]+\.usdz$/.test(iosAfter ?? '');
  if (perLook) assert.notEqual(iosAfter, iosBefore, 'Quick Look opens the picked colour');
  else console.log('skipping: this build has one USDZ package for all looks; the AR link stays on it');
  const viewerVariant = await page.evaluate(() => /** @type {any} */ (document.querySelector('model-viewer'))?.variantName);
  const picked = product.variants.find((/** @type {any} */ v) => v.option_values.Color === colour);
  assert.equal(viewerVariant, picked.material_variant, 'the viewer shows the picked material variant');
  await screenshots(page, 'product-viewer');
  assert.deepEqual(browser.problems, [], 'no console errors or CSP violations');
});

test('without JavaScript the poster and the variant links still work', { timeout: 60_000 }, async () => {
  const plain = await openBrowser({ javaScriptEnabled: false, width: 390, height: 844 });
  try {
    const list = await (await fetch(`${shop.base}/api/v1/products?limit=5`)).json();
    await plain.page.goto(`${shop.base}/products/${list.items[0].slug}`);
    const before = await plain.page.locator('[data-poster] img').getAttribute('src');
    const chip = plain.page.locator('.chip:not([aria-current])').first();
    await chip.click();
    await plain.page.waitForURL(/variant=/);
    const after = await plain.page.locator('[data-poster] img').getAttribute('src');
    assert.notEqual(after, before, 'the linked variant page shows its own poster');
    assert.equal(await plain.page.locator('.chip[aria-current="true"]').count(), 1);
  } finally {
    await plain.close();
  }
});
