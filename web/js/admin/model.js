// @ts-check
/**
 * The model's page, enhanced: while the model is processed, the bar follows the job (polling
 * the admin API's asset status with this session) and the page reloads when it is done; once
 * ready, the live preview starts in the shop's own viewer (`../viewer.js`), and the look buttons
 * switch the preview to that look. Without this file the page refreshes itself while processing
 * and shows the posters.
 */
import { scheduleViewer, startViewer } from '../viewer.js';

const POLL_MS = 700;

const processing = /** @type {HTMLElement | null} */ (document.querySelector('[data-processing]'));
if (processing) {
  const bar = /** @type {HTMLProgressElement} */ (processing.querySelector('[data-processing-bar]'));
  const text = /** @type {HTMLElement} */ (processing.querySelector('[data-processing-text]'));
  const url = String(processing.dataset.statusUrl);
  const poll = async () => {
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok) {
        const asset = await response.json();
        const done = asset.status === 'ready' || asset.status === 'failed';
        bar.value = asset.status === 'ready' ? 100 : Number(asset.progress) || 0;
        text.textContent = done ? asset.status : `${asset.progress} % · ${asset.stage}`;
        if (done) {
          setTimeout(() => window.location.reload(), 600);
          return;
        }
      }
    } catch {
      // Try again on the next tick.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

const stage = /** @type {HTMLElement | null} */ (document.querySelector('[data-admin-preview]'));
if (stage) {
  scheduleViewer(stage);
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-look]'))) {
    button.addEventListener('click', async () => {
      const viewer = await startViewer(stage);
      viewer.variantName = button.dataset.look || null;
    });
  }
}
