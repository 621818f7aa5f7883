// @ts-check
/**
 * The product page's enhancements. Without this file the page still works: each colour is a
 * link to `?variant=<id>`, the cart form posts and redirects, both units of size are shown.
 * With it:
 * - picking a variant switches price, compare-at price, stock, SKU, the poster, the viewer's
 *   material variant, the AR links and the URL in place;
 * - the 3D viewer is scheduled (see `viewer.js`);
 * - the size shows one unit at a time with a cm / in toggle.
 */
import { scheduleViewer, startViewer } from './viewer.js';

/**
 * @typedef {{ webp_srcset: string, png_srcset: string, fallback: string, alt: string }} Poster
 * @typedef {{
 *   id: string, options: Record<string, string>, price: string, compare_at: string | null,
 *   stock: string, stock_class: string, sold_out: boolean, sku: string,
 *   variant_name: string | null, poster: Poster | null, ios_src: string | null,
 *   scene_viewer: string | null
 * }} VariantData
 */

const dataElement = document.getElementById('product-data');
/** @type {{ slug: string, variants: VariantData[] }} */
const product = JSON.parse(dataElement?.textContent || '{"slug":"","variants":[]}');
const stage = /** @type {HTMLElement | null} */ (document.querySelector('[data-stage]'));

/**
 * @param {string} selector
 * @returns {HTMLElement | null}
 */
const one = (selector) => document.querySelector(selector);

/** @param {VariantData} variant */
function showPoster(variant) {
  const picture = one('[data-poster]');
  if (!picture || !variant.poster) return;
  const source = picture.querySelector('source');
  const image = picture.querySelector('img');
  if (source) source.srcset = variant.poster.webp_srcset;
  if (image) {
    image.srcset = variant.poster.png_srcset;
    image.src = variant.poster.fallback;
    image.alt = variant.poster.alt;
  }
}

/** @param {VariantData} variant */
async function showInViewer(variant) {
  if (!stage) return;
  stage.dataset.variantName = variant.variant_name ?? '';
  stage.dataset.iosSrc = variant.ios_src ?? '';
  if (!stage.classList.contains('viewer-live') && !stage.querySelector('model-viewer')) return;
  const viewer = await startViewer(stage);
  viewer.variantName = variant.variant_name || null;
  if (variant.ios_src) viewer.setAttribute('ios-src', variant.ios_src);
}

/** @param {VariantData} variant */
function select(variant) {
  const price = one('[data-price]');
  if (price) price.textContent = variant.price;
  const compare = one('[data-compare]');
  if (compare) {
    compare.textContent = variant.compare_at ?? '';
    compare.hidden = !variant.compare_at;
  }
  const stock = one('[data-stock]');
  if (stock) {
    stock.textContent = variant.stock;
    stock.className = `stock stock-${variant.stock_class}`;
  }
  const sku = one('[data-sku]');
  if (sku) sku.textContent = variant.sku;
  const field = /** @type {HTMLInputElement | null} */ (one('[data-variant-field]'));
  if (field) field.value = variant.id;
  const button = /** @type {HTMLButtonElement | null} */ (one('[data-add-button]'));
  if (button) {
    button.disabled = variant.sold_out;
    button.textContent = variant.sold_out ? 'Sold out' : 'Add to cart';
  }
  for (const [name, value] of Object.entries(variant.options)) {
    const label = document.querySelector(`[data-option-value="${CSS.escape(name)}"]`);
    if (label) label.textContent = value;
  }
  for (const chip of document.querySelectorAll('[data-variant-id]')) {
    if (chip.getAttribute('data-variant-id') === variant.id) chip.setAttribute('aria-current', 'true');
    else chip.removeAttribute('aria-current');
  }
  const ios = /** @type {HTMLAnchorElement | null} */ (one('[data-ar-ios]'));
  if (ios && variant.ios_src) ios.href = variant.ios_src;
  const android = /** @type {HTMLAnchorElement | null} */ (one('[data-ar-android]'));
  if (android && variant.scene_viewer) android.href = variant.scene_viewer;
  showPoster(variant);
  void showInViewer(variant);
  const url = new URL(location.href);
  url.searchParams.set('variant', variant.id);
  history.replaceState(null, '', url);
}

document.addEventListener('click', (event) => {
  const target = /** @type {Element | null} */ (event.target instanceof Element ? event.target : null);
  const chip = target?.closest('[data-variant-id]');
  if (!chip) return;
  const variant = product.variants.find((v) => v.id === chip.getAttribute('data-variant-id'));
  if (!variant) return;
  event.preventDefault();
  select(variant);
});

/** Shows one unit of size at a time, with a toggle. */
function setUpUnitToggle() {
  const toggle = one('[data-unit-toggle]');
  const cm = one('[data-size-cm]');
  const inches = one('[data-size-in]');
  if (!toggle || !cm || !inches) return;
  toggle.hidden = false;
  const metric = !/^en-US\b/.test(navigator.language);
  /** @param {'cm' | 'in'} unit */
  const show = (unit) => {
    cm.hidden = unit !== 'cm';
    inches.hidden = unit !== 'in';
    inches.textContent = (inches.textContent ?? '').replace(/^\(|\)$/g, '');
    for (const button of toggle.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.unit === unit));
    }
  };
  toggle.addEventListener('click', (event) => {
    const button = event.target instanceof HTMLElement ? event.target.closest('button') : null;
    if (button?.dataset.unit === 'cm' || button?.dataset.unit === 'in') show(button.dataset.unit);
  });
  show(metric ? 'cm' : 'in');
}

setUpUnitToggle();
if (stage) scheduleViewer(stage);
