// Reading what the 3D viewer really drew. model-viewer fires `load` even when nothing reaches
// the screen, so the tests look at pixels: `toDataURL()` renders the current frame, which is
// decoded in the page and summarised.

/**
 * The viewer's current frame as RGBA bytes, downscaled to 64 × 64 so frames compare cheaply.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number[]>}
 */
export async function viewerFrame(page) {
  return page.evaluate(async () => {
    const viewer = /** @type {any} */ (document.querySelector('model-viewer'));
    if (!viewer) return [];
    const url = viewer.toDataURL('image/png');
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    context.drawImage(image, 0, 0, 64, 64);
    return Array.from(context.getImageData(0, 0, 64, 64).data);
  });
}

/**
 * Share of pixels that are drawn (not fully transparent) and how many distinct colours they
 * use, rounded to 5 bits per channel.
 * @param {number[]} rgba
 */
export function coverage(rgba) {
  let drawn = 0;
  const colours = new Set();
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] > 8) {
      drawn += 1;
      colours.add(((rgba[i] >> 3) << 10) | ((rgba[i + 1] >> 3) << 5) | (rgba[i + 2] >> 3));
    }
  }
  return { share: drawn / (rgba.length / 4), colours: colours.size };
}

/**
 * Mean absolute difference per channel, 0–255.
 * @param {number[]} a
 * @param {number[]} b
 */
export function difference(a, b) {
  if (a.length !== b.length || a.length === 0) return 255;
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/**
 * Waits until `check()` is truthy, polling; returns its value.
 * @template T
 * @param {() => Promise<T>} check
 * @param {number} timeoutMs
 * @param {string} what
 * @returns {Promise<T>}
 */
export async function eventually(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The poster image the page shows, as RGBA bytes at 64 × 64.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number[]>}
 */
export async function posterFrame(page) {
  return page.evaluate(async () => {
    const image = /** @type {HTMLImageElement | null} */ (document.querySelector('[data-poster] img'));
    if (!image) return [];
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    context.drawImage(image, 0, 0, 64, 64);
    return Array.from(context.getImageData(0, 0, 64, 64).data);
  });
}
