// @ts-check
/**
 * Enhancements every page shares. The pages work without this file; with it, the header's cart
 * link shows how many items the cart holds. The count comes from the `showroom_cart_count`
 * cookie, which the server sets whenever a cart page or form changes the cart (the session
 * cookie itself is HttpOnly), so showing it costs no request. Other scripts dispatch
 * `cart:changed` on `document` after changing the cart in place.
 */

/** @returns {number} the item count the server last reported, 0 when none */
export function cartCount() {
  const match = document.cookie.match(/(?:^|;\s*)showroom_cart_count=(\d+)/);
  return match ? Number(match[1]) : 0;
}

/** Writes the count into the header's `[data-cart-count]` badge. */
export function showCartCount() {
  const badge = /** @type {HTMLElement | null} */ (document.querySelector('[data-cart-count]'));
  if (!badge) return;
  const count = cartCount();
  badge.textContent = String(count);
  badge.hidden = count === 0;
  badge.setAttribute('aria-label', `${count} item${count === 1 ? '' : 's'} in your cart`);
}

document.addEventListener('cart:changed', showCartCount);
showCartCount();

/**
 * Pages that are the same for everyone cannot say who is shopping; the server marks their
 * header link `[data-account-link]` and leaves a `showroom_signed_in=1` hint cookie while a
 * customer is signed in (a hint only: the account pages check the session themselves).
 */
export function showAccountLink() {
  const link = /** @type {HTMLAnchorElement | null} */ (document.querySelector('[data-account-link]'));
  if (!link) return;
  const signedIn = /(?:^|;\s*)showroom_signed_in=1(?:;|$)/.test(document.cookie);
  link.textContent = signedIn ? 'Your account' : 'Sign in';
  link.href = signedIn ? '/account' : '/account/login';
}

showAccountLink();
