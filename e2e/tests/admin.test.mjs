// The back office in a real browser, as a merchant uses it: sign in as the admin made by
// `showroom admin create`; create a product with two options and four variants; upload a
// fixture model and watch both progress bars reach 100 %, then the posters and the real size;
// show it on the product and link variants to looks; publish and find it in the shop; refund
// part of an order placed through the shop's checkout (sending the refund twice refunds once)
// and see it in the order's history; a `staff` member cannot open the staff page and is signed
// out at once when switched off; a refused upload and a failed model explain themselves.
// axe-core on every main page; screenshots saved with the storefront's.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { seriousViolations } from '../lib/axe.mjs';
import { openBrowser, screenshots } from '../lib/browser.mjs';
import { binaryPath, startShop } from '../lib/server.mjs';

const FIXTURES = process.env.SHOWROOM_FIXTURES || resolve(import.meta.dirname, '../../../shared/fixtures');
const ADMIN = { email: 'owner@example.com', password: 'correct horse battery 42' };
const STAFF = { email: 'helper@example.com', password: 'packing tape 9 rolls' };

/** @type {Awaited<ReturnType<typeof startShop>>} */
let shop;
/** @type {Awaited<ReturnType<typeof openBrowser>>} */
let admin;
let dir = '';
let databaseUrl = '';
/** Filled by the product test, used by the next ones. */
const made = { id: '', slug: '', title: 'Harbour Runner' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'showroom-admin-e2e-'));
  databaseUrl = `sqlite://${dir}/shop.db`;
  shop = await startShop({ env: { SHOWROOM_DATABASE_URL: databaseUrl } });
  // The first admin, the way the README says: `showroom admin create`.
  execFileSync(binaryPath(), ['admin', 'create', '--email', ADMIN.email, '--role', 'admin'], {
    env: { ...process.env, SHOWROOM_DATABASE_URL: databaseUrl, SHOWROOM_ADMIN_PASSWORD: ADMIN.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  admin = await openBrowser();
});

after(async () => {
  await admin?.close();
  await shop?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * @param {import('playwright-core').Page} page
 * @param {{ email: string, password: string }} who
 */
async function signIn(page, who) {
  await page.goto(`${shop.base}/admin`);
  await page.waitForURL(/\/admin\/login/);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/login'));
}

/**
 * axe-core finds no serious or critical violation on the current page.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function accessible(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: axe`);
}

/** @param {import('playwright-core').Page} page */
async function flash(page) {
  return (await page.locator('[data-flash]').textContent())?.trim() ?? '';
}

test('the admin made by `showroom admin create` signs in; a wrong password is refused with the email kept', { timeout: 60_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/orders`);
  await page.waitForURL(/\/admin\/login\?next=%2Fadmin%2Forders/);
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', 'not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error').waitFor();
  assert.match(await page.locator('#sign-in-error').textContent() ?? '', /not right/);
  assert.equal(await page.inputValue('#email'), ADMIN.email, 'the email comes back filled in');
  await accessible(page, 'sign-in');
  await screenshots(page, 'admin-sign-in');
  await page.fill('#password', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/orders$/);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL(/\/admin$/);
  assert.ok(await page.locator('[data-chart="orders-per-day"]').isVisible(), 'the orders chart is drawn');
  assert.ok(await page.locator('[data-chart-table="orders-per-day"] tbody tr').count() === 30, 'its numbers are a 30-row table');
  await accessible(page, 'dashboard');
});

test('a product with two options and four variants; a bad price comes back with the message', { timeout: 90_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/products/new`);
  await accessible(page, 'new product');
  await page.fill('#title', made.title);
  await page.fill('#description', 'A light running shoe that packs flat. Three colourways.');
  await page.fill('#attributes', 'Material: Mesh\nSole: Rubber');
  await page.fill('#option_name_0', 'Color');
  await page.fill('#option_values_0', 'Beach, Midnight');
  await page.fill('#option_name_1', 'Size');
  await page.fill('#option_values_1', '42, 44');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.waitForURL(/\/admin\/products\/[0-9a-f-]{36}$/);
  made.id = page.url().split('/').pop() ?? '';
  assert.match(await flash(page), /created as a draft/);

  let n = 0;
  for (const color of ['Beach', 'Midnight']) {
    for (const size of ['42', '44']) {
      n += 1;
      await page.fill('#new-sku', `RUN-${color.toUpperCase()}-${size}`);
      await page.selectOption('#new-opt0', color);
      await page.selectOption('#new-opt1', size);
      await page.fill('#new-price', n === 1 ? 'twelve' : '89.00');
      await page.fill('#new-on-hand', '10');
      await page.getByRole('button', { name: 'Add variant' }).click();
      if (n === 1) {
        // Refused: the row comes back as typed, with the message.
        await page.locator('text=Write an amount like 12.50').first().waitFor();
        assert.equal(await page.inputValue('#new-sku'), 'RUN-BEACH-42');
        assert.equal(await page.inputValue('#new-opt0'), 'Beach');
        await page.fill('#new-price', '89.00');
        await page.getByRole('button', { name: 'Add variant' }).click();
      }
      await page.waitForURL(/#variants$/);
      assert.match(await flash(page), /added/);
    }
  }
  const rows = page.locator('table.variant-grid tbody tr:not(.new-row):not(.row-error)');
  assert.equal(await rows.count(), 4, 'four variants in the grid');
  // A stock adjustment with a reason.
  const firstId = (await rows.first().locator('input[name$=".sku"]').getAttribute('name'))?.split('.')[0];
  await page.fill(`#delta-${firstId}`, '-3');
  await page.fill(`#reason-${firstId}`, 'damaged in the warehouse');
  await page.locator(`button[form="stock-${firstId}"]`).click();
  await page.waitForURL(/#variants$/);
  assert.match(await flash(page), /removed 3 unit\(s\); 7 on hand/);
  const api = await shop.admin(`/api/v1/admin/products/${made.id}`);
  made.slug = api.slug;
  assert.equal(api.variants.length, 4);
  assert.equal(api.status, 'draft');
  await accessible(page, 'product editor');
  await screenshots(page, 'admin-product');
});

/** The MaterialsVariantsShoe fixture (a .gltf with its files) as the .zip a merchant uploads. */
function shoeZip() {
  const folder = join(FIXTURES, 'gltf/models/MaterialsVariantsShoe');
  const zip = join(dir, 'MaterialsVariantsShoe.zip');
  const made = spawnSync('python3', ['-c', `
import sys, zipfile, pathlib
folder = pathlib.Path(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(folder.iterdir()):
        z.write(f, f.name)
`, folder, zip]);
  assert.equal(made.status, 0, String(made.stderr));
  return zip;
}

test('uploading a model: both bars reach 100 %, then posters of every look, the real size, the preview; variants link to looks', { timeout: 240_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/products/${made.id}/model`);
  await accessible(page, 'model upload');
  // Watch the bars from inside the page, so no value between two polls is missed.
  await page.evaluate(() => {
    const seen = { upload: 0, processing: 0 };
    /** @type {any} */ (window).seenBars = seen;
    const watch = () => {
      const upload = /** @type {HTMLProgressElement | null} */ (document.querySelector('[data-upload-bar]'));
      const processing = /** @type {HTMLProgressElement | null} */ (document.querySelector('[data-processing-bar]'));
      if (upload) seen.upload = Math.max(seen.upload, upload.value);
      if (processing) seen.processing = Math.max(seen.processing, processing.value);
      requestAnimationFrame(watch);
    };
    watch();
  });
  await page.setInputFiles('#model-file', shoeZip());
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForFunction(() => /** @type {any} */ (window).seenBars?.processing >= 100, null, { timeout: 200_000 });
  const seen = await page.evaluate(() => /** @type {any} */ (window).seenBars);
  assert.equal(seen.upload, 100, 'the upload bar reached 100 %');
  assert.equal(seen.processing, 100, 'the processing bar reached 100 %');
  await page.waitForURL(/\/model\/[0-9a-f]{64}$/, { timeout: 30_000 });

  const posters = page.locator('[data-looks] img');
  assert.ok((await posters.count()) >= 3, 'a poster per look (default and each variant)');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-looks] img')].every((img) => /** @type {HTMLImageElement} */ (img).complete && /** @type {HTMLImageElement} */ (img).naturalWidth > 0));
  assert.match(await page.locator('[data-size-cm]').textContent() ?? '', /\d+ × \d+ × \d+ cm/);
  assert.match(await page.locator('[data-size-in]').textContent() ?? '', /in$/);
  assert.match(await page.locator('[data-triangles]').textContent() ?? '', /\d/);
  await page.locator('.admin-stage.viewer-live').waitFor({ timeout: 90_000 });

  await page.locator('[data-attach]').click();
  await page.waitForURL(/\/model\/[0-9a-f]{64}$/);
  assert.match(await flash(page), /on the product/);
  const selects = page.locator('select[data-look-select]');
  assert.equal(await selects.count(), 4, 'a look picker per variant');
  const looks = await selects.first().locator('option').allTextContents();
  assert.ok(looks.includes('beach') && looks.includes('midnight') && looks.includes('street'), looks.join());
  // The Beach variants were linked by their option value; send one to another look.
  const firstName = await selects.first().getAttribute('name');
  await selects.first().selectOption('street');
  await page.getByRole('button', { name: 'Save links' }).click();
  await page.waitForURL(/\/model\/[0-9a-f]{64}$/);
  assert.match(await flash(page), /1 link\(s\) saved/);
  const product = await shop.admin(`/api/v1/admin/products/${made.id}`);
  const changed = product.variants.find((/** @type {any} */ v) => `look.${v.id}` === firstName);
  assert.equal(changed.material_variant, 'street');
  const midnight = product.variants.find((/** @type {any} */ v) => v.option_values.Color === 'Midnight');
  assert.equal(midnight.material_variant, 'midnight', 'linked by its option value');
  await accessible(page, 'model report');
  await screenshots(page, 'admin-model-report');
});

test('a file that is not a model is refused in words; a broken model fails with advice and a retry', { timeout: 120_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/products/${made.id}/model`);
  const notAModel = join(dir, 'notes.glb');
  writeFileSync(notAModel, 'this is a shopping list, not a 3D model');
  await page.setInputFiles('#model-file', notAModel);
  await page.getByRole('button', { name: 'Upload' }).click();
  const error = page.locator('[data-upload-error]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent() ?? '', /not a 3D model the shop can read/);

  await page.setInputFiles('#model-file', join(FIXTURES, 'gltf/validator/test/base/data/glb/invalid_version.glb'));
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/\/model\/[0-9a-f]{64}$/, { timeout: 60_000 });
  await page.locator('[data-failure-advice]').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('[data-failure-advice]').textContent() ?? '', /not a valid 3D model/);
  assert.ok(await page.getByRole('button', { name: 'Process it again' }).isVisible(), 'a retry');
  assert.ok(await page.locator('form[data-upload]').isVisible(), 'and a new upload');
  await screenshots(page, 'admin-model-failed');
});

test('publishing through its confirmation puts the product in the shop', { timeout: 60_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/products/${made.id}`);
  await page.getByRole('link', { name: 'Publish…' }).click();
  await page.waitForURL(/\/status\?to=published$/);
  assert.match(await page.locator('h1').textContent() ?? '', /Publish Harbour Runner\?/);
  await accessible(page, 'confirmation');
  await page.locator('[data-confirm-button]').click();
  await page.waitForURL(/\/admin\/products\/[0-9a-f-]{36}$/);
  assert.match(await flash(page), /is published/);
  const shopper = await openBrowser();
  try {
    await shopper.page.goto(`${shop.base}/search?q=harbour`);
    await shopper.page.locator('.card a', { hasText: made.title }).first().click();
    await shopper.page.waitForURL(new RegExp(`/products/${made.slug}$`));
    assert.equal(await shopper.page.locator('h1#product-title').textContent(), made.title);
  } finally {
    await shopper.close();
  }
});

/**
 * Buys the product made above as a shopper, through the shop's cart and checkout pages.
 * @param {string} email
 */
async function placeOrder(email) {
  const buyer = await openBrowser();
  try {
    const { page } = buyer;
    await page.goto(`${shop.base}/products/${made.slug}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.fill('#email', email);
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#line1', '12 Analytical Row');
    await page.fill('#postal_code', '94107');
    await page.fill('#city', 'San Francisco');
    await page.fill('#country', 'US');
    await page.fill('#card_number', '4242 4242 4242 4242');
    await page.locator('[data-place-order]').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+\?token=/);
  } finally {
    await buyer.close();
  }
}

test('part of a storefront order is refunded once, even when the refund is sent twice, and shows in its history', { timeout: 120_000 }, async () => {
  const email = 'refund-me@example.com';
  await placeOrder(email);

  const { page } = admin;
  await page.goto(`${shop.base}/admin/orders`);
  await page.fill('#order-search', email);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/q=refund-me/);
  assert.equal(await page.locator('table.data tbody tr').count(), 1, 'found by email');
  await accessible(page, 'orders');
  await screenshots(page, 'admin-orders');
  await page.locator('table.data tbody tr a').first().click();
  await page.waitForURL(/\/admin\/orders\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('[data-order-state]').textContent(), 'Paid');

  // Too much: refused, the form comes back with the message and the amount as typed.
  await page.fill('#amount', '100000');
  await page.getByRole('button', { name: 'Refund…' }).click();
  await page.locator('#amount-error').waitFor();
  assert.match(await page.locator('#amount-error').textContent() ?? '', /left to refund/);
  assert.equal(await page.inputValue('#amount'), '100000');

  await page.fill('#amount', '15.00');
  await page.fill('#reason', 'box arrived dented');
  await page.getByRole('button', { name: 'Refund…' }).click();
  await page.waitForURL(/\/refund\?/);
  assert.match(await page.locator('h1').textContent() ?? '', /Refund \$15\.00 of order SR-/);
  // A double click, as two submissions of the confirming form at once.
  const landed = await page.evaluate(async () => {
    const form = /** @type {HTMLFormElement} */ (document.querySelector('form.confirm-actions'));
    const body = new URLSearchParams(/** @type {any} */ (new FormData(form)));
    const send = () => fetch(form.action, { method: 'POST', body, redirect: 'follow' }).then((r) => r.status);
    return Promise.all([send(), send()]);
  });
  assert.deepEqual(landed, [200, 200]);
  await page.goto(page.url().replace(/\/refund\?.*$/, ''));
  const refunds = page.locator('[data-refunds] tbody tr');
  assert.equal(await refunds.count(), 1, 'one refund, not two');
  assert.match(await refunds.first().textContent() ?? '', /\$15\.00.*succeeded.*box arrived dented/s);
  assert.match(await page.locator('[data-history]').textContent() ?? '', /refund/i);
  assert.equal(await page.locator('[data-order-state]').textContent(), 'Partly refunded');
  const orders = await shop.admin(`/api/v1/admin/orders?q=${encodeURIComponent(email)}`);
  const list = Array.isArray(orders) ? orders : orders.items;
  assert.equal(list[0].refunded.amount_minor, 1500);
  await accessible(page, 'order');
  await screenshots(page, 'admin-order');

  const csv = await page.evaluate(async (q) => (await fetch(`/admin/orders.csv?q=${q}`)).text(), encodeURIComponent(email));
  const lines = csv.trim().split('\r\n');
  assert.match(lines[0], /^order,placed_at,state,email/);
  assert.equal(lines.length, 2, 'the CSV holds the filtered order');
  assert.match(lines[1], /partially_refunded,refund-me@example\.com,1,.*,15\.00,USD/);
});

test('a staff member sees no staff or token pages, gets a 403 there, and is signed out at once when switched off', { timeout: 90_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/staff`);
  await page.fill('#member-email', STAFF.email);
  await page.selectOption('#member-role', 'staff');
  await page.fill('#member-password', 'short');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.locator('#member-password-error').waitFor();
  assert.equal(await page.inputValue('#member-email'), STAFF.email, 'kept as typed');
  await page.fill('#member-password', STAFF.password);
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.waitForURL(/\/admin\/staff$/);
  assert.match(await flash(page), /can now sign in/);
  await accessible(page, 'staff');
  await screenshots(page, 'admin-staff');

  const helper = await openBrowser();
  try {
    await signIn(helper.page, STAFF);
    const nav = await helper.page.locator('.admin-nav a').allTextContents();
    assert.ok(nav.includes('Products') && nav.includes('Orders'), nav.join());
    assert.ok(!nav.includes('Staff') && !nav.includes('API tokens') && !nav.includes('Discounts'), nav.join());
    const refused = await helper.page.goto(`${shop.base}/admin/staff`);
    assert.equal(refused?.status(), 403);
    assert.equal((await helper.page.goto(`${shop.base}/admin/tokens`))?.status(), 403);
    const api = await helper.page.evaluate(async () => (await fetch('/api/v1/admin/staff')).status);
    assert.equal(api, 403, 'the API agrees');

    // Switched off by the admin: the helper's very next page is the sign-in page.
    await page.goto(`${shop.base}/admin/staff`);
    const row = page.locator('tr', { hasText: STAFF.email });
    await row.getByRole('link', { name: 'Switch off…' }).click();
    await page.locator('[data-confirm-button]').click();
    await page.waitForURL(/\/admin\/staff$/);
    assert.match(await flash(page), /switched off and signed out/);
    await helper.page.goto(`${shop.base}/admin/products`);
    await helper.page.waitForURL(/\/admin\/login\?.*ended=1/);
    assert.match(await helper.page.locator('.notice').textContent() ?? '', /switched off/);
  } finally {
    await helper.close();
  }
});

test('tokens are shown once; discounts, categories and the product list pass axe', { timeout: 60_000 }, async () => {
  const { page } = admin;
  await page.goto(`${shop.base}/admin/tokens`);
  await page.fill('#token-name', 'Nightly stock import');
  await page.check('input[name="scope"][value="catalog"]');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.waitForURL(/\/admin\/tokens$/);
  const token = (await page.locator('[data-secret]').textContent())?.trim() ?? '';
  assert.match(token, /^srt_[0-9a-f]{64}$/);
  const call = await fetch(`${shop.base}/api/v1/admin/products?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(call.status, 200, 'the new token works');
  await page.reload();
  assert.equal(await page.locator('[data-secret]').count(), 0, 'and is never shown again');
  await accessible(page, 'tokens');

  await page.goto(`${shop.base}/admin/discounts`);
  await page.fill('#code', 'SPRING10');
  await page.fill('#percent', '10');
  await page.fill('#expires', '2031-04-30');
  await page.getByRole('button', { name: 'Create code' }).click();
  await page.waitForURL(/\/admin\/discounts$/);
  assert.match(await page.locator('table.data').textContent() ?? '', /SPRING10.*10 % off/s);
  await accessible(page, 'discounts');
  await screenshots(page, 'admin-discounts');

  // After the order above, the dashboard draws it.
  await page.goto(`${shop.base}/admin`);
  const heights = await page.locator('[data-chart="orders-per-day"] rect.bar').evaluateAll(
    (bars) => bars.map((bar) => Number(bar.getAttribute('height'))),
  );
  assert.equal(heights.length, 30);
  assert.ok(heights[29] > 0, 'today has a bar');
  assert.match(await page.locator('[data-chart-table="top-products"]').textContent() ?? '', /Harbour Runner/);
  await screenshots(page, 'admin-dashboard');

  for (const [path, name] of [['/admin/categories', 'categories'], ['/admin/products', 'products']]) {
    await page.goto(shop.base + path);
    await accessible(page, name);
    await screenshots(page, `admin-${name}`);
  }
  // The refusals this file provokes on purpose (a wrong password, refused forms and uploads)
  // are 401, 415 and 422 answers; anything else in the console is a fault.
  const faults = admin.problems.filter((line) => !/status of (401|415|422) /.test(line));
  assert.deepEqual(faults, [], 'no console errors or CSP violations in the back office');
});
