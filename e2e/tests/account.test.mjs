// The customer's account in a real browser: register → sign out → a wrong password comes back
// with the error and the email kept (never the password) → sign in → buy through the storefront
// → the order is listed under /account and its page opens; the password change works (the old
// one is refused after it); the header names the account on cached pages too; axe on every
// account page; screenshots.
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

const EMAIL = 'grace@example.com';
const PASSWORD = 'cobol compiles fine 59';
const NEW_PASSWORD = 'a fresher passphrase 60';

/**
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function assertAccessible(page, label) {
  assert.deepEqual(await seriousViolations(page), [], `${label}: axe`);
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 * @param {string} password
 */
async function signIn(page, email, password) {
  await page.goto(`${shop.base}/account/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.locator('[data-account-form] button[type=submit]').click();
  await page.waitForLoadState();
}

/** @param {import('playwright-core').Page} page */
async function signOut(page) {
  await page.goto(`${shop.base}/account`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/account\/login\?signed_out=1$/);
}

test('register, sign out, a refused sign-in, sign in, buy, see the order, change the password', { timeout: 120_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;

    // Register.
    await page.goto(`${shop.base}/account/register`);
    await assertAccessible(page, 'register');
    await screenshots(page, 'account-register');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/account$/);
    assert.equal(await page.locator('h1').textContent(), 'Your account');
    assert.match(await page.locator('.account-email').textContent() ?? '', /grace@example\.com/);
    assert.match(await page.locator('[data-orders], main').first().textContent() ?? '', /No orders yet/);

    // The home page is the same for everyone; the header still names the account.
    await page.goto(`${shop.base}/`);
    assert.equal(await page.locator('.account-nav a').first().textContent(), 'Your account');

    // Sign out, then a wrong password.
    await signOut(page);
    assert.match(await page.locator('.notice').textContent() ?? '', /signed out/i);
    await assertAccessible(page, 'sign in');
    await screenshots(page, 'account-sign-in');
    await page.goto(`${shop.base}/`);
    assert.equal(await page.locator('.account-nav a').first().textContent(), 'Sign in');
    await signIn(page, EMAIL, 'certainly not it 00');
    await page.locator('#password-error').waitFor();
    assert.match(await page.locator('#password-error').textContent() ?? '', /not right/);
    assert.equal(await page.inputValue('#email'), EMAIL, 'the email comes back');
    assert.equal(await page.inputValue('#password'), '', 'the password never does');
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    await assertAccessible(page, 'refused sign-in');
    await screenshots(page, 'account-sign-in-refused');

    // Sign in and buy through the storefront.
    await signIn(page, EMAIL, PASSWORD);
    await page.waitForURL(/\/account$/);
    const list = await (await fetch(`${shop.base}/api/v1/products?in_stock=true&limit=1`)).json();
    const product = list.items[0];
    await page.goto(`${shop.base}/products/${product.slug}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForURL(/\/cart$/);
    const cartLink = await page.locator('.line .line-title a').getAttribute('href');
    assert.match(cartLink ?? '', new RegExp(`^/products/${product.slug}\\?variant=`), 'the line links to its product');
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/checkout$/);
    assert.equal(await page.inputValue('#email'), EMAIL, 'the account\'s email is filled in');
    await page.fill('#name', 'Grace Hopper');
    await page.fill('#line1', '1 Harvard Mark Way');
    await page.fill('#postal_code', '02138');
    await page.fill('#city', 'Cambridge');
    await page.fill('#country', 'US');
    await page.fill('#card_number', '4242 4242 4242 4242');
    await page.locator('[data-place-order]').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+\?token=/);
    const heading = await page.locator('h1').textContent() ?? '';
    const number = heading.match(/order (\S+) is placed/i)?.[1];
    assert.ok(number, `an order number in “${heading}”`);

    // The order is listed under the account, and its page opens.
    await page.goto(`${shop.base}/account`);
    const row = page.locator('[data-orders] tbody tr', { hasText: number });
    assert.equal(await row.count(), 1, 'the order is listed');
    assert.match(await row.textContent() ?? '', /Paid/);
    await assertAccessible(page, 'account');
    await screenshots(page, 'account');
    await row.getByRole('link', { name: number }).click();
    await page.waitForURL(/\/account\/orders\/[0-9a-f-]+$/);
    assert.equal(await page.locator('h1').textContent(), `Order ${number}`);
    assert.match(await page.locator('main').textContent() ?? '', /1 Harvard Mark Way/);
    await assertAccessible(page, 'account order');
    await screenshots(page, 'account-order');

    // Change the password: the old one is refused afterwards, the new one works.
    await page.goto(`${shop.base}/account/password`);
    await assertAccessible(page, 'password');
    await page.fill('#current_password', PASSWORD);
    await page.fill('#new_password', NEW_PASSWORD);
    await page.fill('#new_password_confirm', NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/account$/);
    assert.match(await page.locator('.notice').textContent() ?? '', /password is changed/);
    await signOut(page);
    await signIn(page, EMAIL, PASSWORD);
    await page.locator('#password-error').waitFor();
    await signIn(page, EMAIL, NEW_PASSWORD);
    await page.waitForURL(/\/account$/);
    assert.equal(await page.locator('[data-orders] tbody tr').count(), 1);
    // The two refused sign-ins are answered 401 on purpose (the page is the re-filled form), and
    // Chromium logs every document with an error status; anything else is a problem.
    const refusals = browser.problems.filter((p) => p.includes('status of 401'));
    assert.equal(refusals.length, 2, 'the two wrong passwords');
    assert.deepEqual(browser.problems.filter((p) => !p.includes('status of 401')), [], 'no console errors');
  } finally {
    await browser.close();
  }
});

test('without JavaScript: the header offers to sign in, and an account page sends a stranger to sign in and back', { timeout: 60_000 }, async () => {
  const email = 'nojs@example.com';
  const registered = await fetch(`${shop.base}/api/v1/account/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(registered.status, 201);
  const browser = await openBrowser({ javaScriptEnabled: false });
  try {
    const { page } = browser;
    await page.goto(`${shop.base}/cart`);
    assert.equal(await page.locator('.account-nav a').first().textContent(), 'Sign in');
    await page.goto(`${shop.base}/account/password`);
    await page.waitForURL(/\/account\/login\?next=%2Faccount%2Fpassword$/);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.locator('[data-account-form] button[type=submit]').click();
    await page.waitForURL(/\/account\/password$/);
    assert.equal(await page.locator('h1').textContent(), 'Change your password');
  } finally {
    await browser.close();
  }
});
