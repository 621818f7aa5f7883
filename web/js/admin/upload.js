// @ts-check
/**
 * The model upload, enhanced: drag and drop onto the drop zone, an upload progress bar (bytes
 * sent, from `XMLHttpRequest`'s upload events), then a processing progress bar (the job's stage
 * and percentage, polled from the admin API's asset status with this same session), then the
 * model's page with its report.
 *
 * Without this file the form posts normally and the server answers with the model's page. With
 * it, the same form is sent by `XMLHttpRequest` to the same address with the same fields (the
 * CSRF token first, also sent as `X-CSRF-Token`). A refused file comes back as the upload page
 * with its message in `[data-upload-error]`, which is copied here; nothing else changes.
 */

const POLL_MS = 500;

/**
 * @param {HTMLFormElement} form
 * @param {string} selector
 * @returns {HTMLElement}
 */
function part(form, selector) {
  return /** @type {HTMLElement} */ (form.querySelector(selector));
}

/**
 * @param {HTMLFormElement} form
 * @param {string} message
 */
function showError(form, message) {
  const slot = part(form, '[data-upload-error]');
  slot.textContent = message;
  slot.hidden = false;
  part(form, '[data-progress]').hidden = true;
  /** @type {HTMLButtonElement} */ (part(form, '[data-upload-button]')).disabled = false;
}

/**
 * Polls the asset's status until it is ready or failed, drawing the processing bar.
 * @param {HTMLFormElement} form
 * @param {string} hash
 * @returns {Promise<string>} the final status
 */
async function followProcessing(form, hash) {
  const bar = /** @type {HTMLProgressElement} */ (part(form, '[data-processing-bar]'));
  const text = part(form, '[data-processing-text]');
  for (;;) {
    const response = await fetch(`/api/v1/admin/assets/${hash}`, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const asset = await response.json();
    const progress = asset.status === 'ready' ? 100 : Number(asset.progress) || 0;
    bar.value = progress;
    text.textContent = asset.status === 'ready'
      ? '100 % · ready'
      : asset.status === 'failed' ? 'failed' : `${progress} % · ${asset.stage}`;
    if (asset.status === 'ready' || asset.status === 'failed') return asset.status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {File} file
 */
function send(form, file) {
  const data = new FormData();
  const token = /** @type {HTMLInputElement} */ (form.elements.namedItem('csrf_token')).value;
  data.append('csrf_token', token);
  data.append('model', file, file.name);
  const uploadBar = /** @type {HTMLProgressElement} */ (part(form, '[data-upload-bar]'));
  const uploadText = part(form, '[data-upload-text]');
  part(form, '[data-upload-error]').hidden = true;
  part(form, '[data-progress]').hidden = false;
  /** @type {HTMLButtonElement} */ (part(form, '[data-upload-button]')).disabled = true;
  uploadBar.value = 0;

  const request = new XMLHttpRequest();
  request.open('POST', form.action);
  request.setRequestHeader('X-CSRF-Token', token);
  request.upload.addEventListener('progress', (event) => {
    if (!event.lengthComputable) return;
    const percent = Math.floor((event.loaded / event.total) * 100);
    uploadBar.value = percent;
    uploadText.textContent = `${percent} %`;
  });
  request.addEventListener('error', () => showError(form, 'The connection dropped during the upload. Check your connection and try again.'));
  request.addEventListener('load', async () => {
    if (request.status >= 400) {
      const page = new DOMParser().parseFromString(request.responseText, 'text/html');
      const message = page.querySelector('[data-upload-error]')?.textContent?.trim()
        || (request.status === 413 ? 'This file is larger than the shop takes.' : '')
        || page.querySelector('h1')?.textContent?.trim()
        || `The upload was refused (${request.status}).`;
      showError(form, message);
      return;
    }
    uploadBar.value = 100;
    uploadText.textContent = '100 % · uploaded';
    // The server answered 303 to the model's page; the request followed it.
    const landed = request.responseURL;
    const hash = landed.match(/\/model\/([0-9a-f]{64})/)?.[1];
    if (!hash) {
      window.location.assign(landed || form.action);
      return;
    }
    try {
      await followProcessing(form, hash);
    } catch {
      // The page itself shows where processing stands.
    }
    setTimeout(() => window.location.assign(landed), 800);
  });
  request.send(data);
}

for (const form of /** @type {NodeListOf<HTMLFormElement>} */ (document.querySelectorAll('form[data-upload]'))) {
  const input = /** @type {HTMLInputElement} */ (form.querySelector('input[type=file]'));
  const zone = part(form, '[data-drop-zone]');
  form.addEventListener('submit', (event) => {
    const file = input.files?.[0];
    if (!file) return;
    event.preventDefault();
    send(form, file);
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('dragging'));
  }
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    const files = /** @type {DragEvent} */ (event).dataTransfer?.files;
    if (!files || files.length === 0) return;
    input.files = files;
    send(form, files[0]);
  });
}
