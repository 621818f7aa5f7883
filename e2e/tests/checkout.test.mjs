// Buying: add to cart → checkout with the 4242 test card → confirmation → the order is in the
// admin API; the same with JavaScript disabled; a declined card shows the error next to the card
// field and keeps the cart; a double submit makes one order. Screenshots of cart and checkout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seriousViolations } from '../lib/axe.mjs';
import { openBrowser, screenshots } from '../lib/browser.mjs';
import { startShop } from '../lib/server.mjs';

/** @type {Awaited<ReturnType<typeof startShop>>} */
let shop;

before(async () => {
  shop = await startShop();
});

after(async () => {
  await shop?.stop();
});

/** A product with stock, by its API entry. */
async function productInStock() {
  const list = await (await fetch(`${shop.base}/api/v1/products?in_stock=true&limit=1`)).json();
  return list.items[0];
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 * @param {string} card
 */
async function fillCheckout(page, email, card) {
  await page.fill('#email', email);
  await page.fill('#name', 'Ada Lovelace');
  await page.fill('#line1', '12 Analytical Row');
  await page.fill('#postal_code', '94107');
  await page.fill('#city', 'San Francisco');
  await page.fill('#country', 'US');
  await page.fill('#card_number', card);
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} slug
 */
async function addToCart(page, slug) {
  await page.goto(`${shop.base}/products/${slug}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.waitForURL(/\/cart$/);
  assert.equal(await page.locator('.line').count(), 1, 'the cart holds the item');
}

/** @param {string} email */
async function ordersFor(email) {
  const orders = await shop.admin(`/api/v1/admin/orders?q=${encodeURIComponent(email)}`);
  return Array.isArray(orders) ? orders : orders.items;
}

for (const javaScriptEnabled of [true, false]) {
  test(`add to cart → pay with 4242 → confirmation → admin sees the order (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { timeout: 90_000 }, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    try {
      const { page } = browser;
      const product = await productInStock();
      await addToCart(page, product.slug);
      if (javaScriptEnabled) {
        assert.equal(await page.locator('[data-cart-count]').textContent(), '1', 'the header counts the item');
        assert.deepEqual(await seriousViolations(page), [], 'cart: axe');
        await screenshots(page, 'cart');
      }
      await page.getByRole('link', { name: 'Check out' }).click();
      await page.waitForURL(/\/checkout$/);
      if (javaScriptEnabled) {
        assert.deepEqual(await seriousViolations(page), [], 'checkout: axe');
        await screenshots(page, 'checkout');
      }
      const email = `buyer-${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
      await fillCheckout(page, email, '4242 4242 4242 4242');
      await page.locator('[data-place-order]').click();
      await page.waitForURL(/\/orders\/[0-9a-f-]+\?token=/);
      assert.match(await page.locator('h1').textContent() ?? '', /order .* is placed/i);
      const link = await page.locator('[data-order-link]').getAttribute('href');
      assert.match(link ?? '', /\/orders\/[0-9a-f-]+\?token=[0-9a-f]+$/);
      if (javaScriptEnabled) await screenshots(page, 'confirmation');
      const orders = await ordersFor(email);
      assert.equal(orders.length, 1, 'the admin API lists the order');
      assert.equal(orders[0].state, 'paid');
      await page.goto(`${shop.base}/cart`);
      assert.equal(await page.locator('.line').count(), 0, 'the paid cart is empty');
      assert.deepEqual(browser.problems, [], 'no console errors');
    } finally {
      await browser.close();
    }
  });
}

test('a declined card shows the error by the card field and keeps the cart', { timeout: 60_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await addToCart(page, (await productInStock()).slug);
    await page.goto(`${shop.base}/checkout`);
    await fillCheckout(page, 'declined@example.com', '4000 0000 0000 0002');
    await page.locator('[data-place-order]').click();
    await page.locator('#card-error').waitFor();
    assert.match(await page.locator('#card-error').textContent() ?? '', /declined/i);
    assert.equal(await page.inputValue('#email'), 'declined@example.com', 'the form comes back filled in');
    assert.equal(await page.inputValue('#line1'), '12 Analytical Row');
    await screenshots(page, 'checkout-declined');
    await page.goto(`${shop.base}/cart`);
    assert.equal(await page.locator('.line').count(), 1, 'the cart is kept');
    assert.equal((await ordersFor('declined@example.com')).filter((/** @type {any} */ o) => o.state === 'paid').length, 0);
  } finally {
    await browser.close();
  }
});

test('a double submit of the checkout form makes one order', { timeout: 60_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await addToCart(page, (await productInStock()).slug);
    await page.goto(`${shop.base}/checkout`);
    await fillCheckout(page, 'twice@example.com', '4242424242424242');
    // Two submissions of the same form at once, as a double click or a resubmit sends them.
    const finals = await page.evaluate(async () => {
      const form = /** @type {HTMLFormElement} */ (document.querySelector('[data-checkout-form]'));
      const body = new URLSearchParams(/** @type {any} */ (new FormData(form)));
      const send = () => fetch('/checkout', { method: 'POST', body, redirect: 'follow' }).then((r) => r.url);
      return Promise.all([send(), send()]);
    });
    const orderUrls = finals.map((url) => new URL(url).pathname);
    assert.equal(orderUrls[0], orderUrls[1], 'both submissions land on the same order');
    const orders = await ordersFor('twice@example.com');
    assert.equal(orders.length, 1, 'one order');
  } finally {
    await browser.close();
  }
});
