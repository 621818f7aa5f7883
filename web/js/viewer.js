// @ts-check
/**
 * The live 3D viewer. The product page paints the poster first; this module loads Google's
 * `<model-viewer>` (vendored, served by our binary) only when the browser is idle or the shopper
 * reaches for the picture, at the poster's camera, and swaps it in once it has drawn a frame —
 * inside the same fixed-size frame, so nothing moves. Without WebGL the poster stays, with a line
 * saying why.
 *
 * The decoders model-viewer needs (meshopt, Draco, KTX2) come from our own hashed URLs, given in
 * the frame's `data-*` attributes; no third-party host is contacted.
 */

/**
 * @typedef {HTMLElement & {
 *   variantName: string | null,
 *   loaded: boolean,
 *   modelIsVisible: boolean,
 *   availableVariants: string[],
 * }} ModelViewerElement
 */

/** @returns {boolean} whether this browser can draw WebGL */
function hasWebGL() {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') || canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

/**
 * @param {HTMLElement} stage the `[data-stage]` frame
 * @param {string} text
 */
function note(stage, text) {
  const line = stage.closest('.stage')?.querySelector('[data-viewer-note]');
  if (line) line.textContent = text;
}

/** @type {Promise<ModelViewerElement> | null} */
let started = null;

/**
 * Loads the library and builds the viewer over the poster. Safe to call more than once.
 * @param {HTMLElement} stage
 * @returns {Promise<ModelViewerElement>}
 */
export function startViewer(stage) {
  if (started) return started;
  started = (async () => {
    const data = stage.dataset;
    /** @type {any} */ (self).ModelViewerElement = {
      meshoptDecoderLocation: data.meshopt,
      dracoDecoderLocation: data.draco,
      ktx2TranscoderLocation: data.ktx2,
    };
    await import(/* @vite-ignore */ String(data.modelViewer));
    const viewer = /** @type {ModelViewerElement} */ (document.createElement('model-viewer'));
    /** @type {Record<string, string | undefined>} */
    const attributes = {
      src: data.modelSrc,
      alt: data.alt,
      'camera-orbit': data.cameraOrbit,
      'camera-target': data.cameraTarget,
      'field-of-view': data.fieldOfView,
      'min-field-of-view': '10deg',
      'max-field-of-view': '45deg',
      'max-camera-orbit': 'Infinity 180deg auto',
      'camera-controls': '',
      'touch-action': 'pan-y',
      'interaction-prompt': 'none',
      'shadow-intensity': '1',
      loading: 'eager',
      reveal: 'auto',
      ar: '',
      'ar-modes': 'webxr scene-viewer quick-look',
      'ios-src': data.iosSrc,
      'variant-name': data.variantName,
    };
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined && value !== '') viewer.setAttribute(name, value);
    }
    viewer.className = 'viewer';
    // Invisible until it has drawn: keep it out of the tab order and the accessibility tree.
    viewer.inert = true;
    viewer.addEventListener('load', () => {
      // model-viewer fires `load` before the first frame is on screen; wait two frames so the
      // swap never shows an empty canvas.
      requestAnimationFrame(() => requestAnimationFrame(() => {
        stage.classList.add('viewer-live');
        viewer.inert = false;
        note(stage, 'Drag to turn, pinch or scroll to zoom.');
        stage.dispatchEvent(new CustomEvent('viewer:live', { bubbles: true }));
      }));
    });
    viewer.addEventListener('error', () => {
      note(stage, 'The 3D view could not load; the pictures show every colour.');
    });
    stage.append(viewer);
    return viewer;
  })();
  return started;
}

/**
 * Starts the viewer when the page is idle or on the first interaction with the picture.
 * @param {HTMLElement} stage
 */
export function scheduleViewer(stage) {
  if (!stage.dataset.modelSrc) return;
  if (!hasWebGL()) {
    note(stage, 'Your browser cannot show 3D here (WebGL is off); the pictures show every colour.');
    return;
  }
  const go = () => void startViewer(stage);
  for (const type of ['pointerdown', 'focusin', 'mouseenter', 'touchstart']) {
    stage.addEventListener(type, go, { once: true, passive: true });
  }
  const idle = /** @type {any} */ (window).requestIdleCallback;
  const afterLoad = () => (idle ? idle(go, { timeout: 2500 }) : setTimeout(go, 1200));
  if (document.readyState === 'complete') afterLoad();
  else window.addEventListener('load', afterLoad, { once: true });
}
