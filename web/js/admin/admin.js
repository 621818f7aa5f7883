// @ts-check
/**
 * Enhancements every back-office page shares. The pages work without this file.
 *
 * - A form's submit button is disabled once the form is sent, so an impatient second click does
 *   not send it again (the server is idempotent anyway: refunds carry their key).
 * - The one-shot secret of a new API token is selected when clicked, ready to copy.
 */

document.addEventListener('submit', (event) => {
  const form = /** @type {HTMLFormElement} */ (event.target);
  if (form.method.toLowerCase() !== 'post' || form.hasAttribute('data-upload')) return;
  const submitter = /** @type {HTMLButtonElement | null} */ (
    /** @type {SubmitEvent} */ (event).submitter
  );
  // Disabled after the browser has read the form, or the button's own value would be lost.
  if (submitter) setTimeout(() => { submitter.disabled = true; }, 0);
});

for (const secret of document.querySelectorAll('[data-secret]')) {
  secret.addEventListener('click', () => {
    const range = document.createRange();
    range.selectNodeContents(secret);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  });
}
