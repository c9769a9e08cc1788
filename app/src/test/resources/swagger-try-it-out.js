// Drives Swagger UI as a person would: opens an operation, presses "Try it out", then "Execute", and reads the
// answer it shows. Authorises with the API key first for the operation that needs one. Returns JSON text.
(async () => {
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  async function waitFor(find, what, ms = 30000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const found = find();
      if (found) return found;
      await sleep(200);
    }
    throw new Error('timed out waiting for ' + what);
  }
  function type(input, value) {
    // React keeps its own copy of an input's value: set it the way a keystroke would
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  async function tryOut(id) {
    const block = await waitFor(() => document.getElementById(id), 'the operation ' + id);
    await waitFor(() => {
      if (block.classList.contains('is-open')) return true;
      block.querySelector('.opblock-summary-control').click();
      return false;
    }, 'opening ' + id);
    (await waitFor(() => block.querySelector('.try-out__btn'), '"Try it out" on ' + id)).click();
    (await waitFor(() => block.querySelector('button.execute'), '"Execute" on ' + id)).click();
    const status = await waitFor(() => block.querySelector('.live-responses-table tbody .response-col_status'),
        'the answer on ' + id);
    const body = await waitFor(() => block.querySelector('.live-responses-table .response-col_description pre'),
        'the body on ' + id);
    return { status: status.textContent.trim(), body: body.textContent };
  }
  const health = await tryOut('operations-service-health');
  (await waitFor(() => document.querySelector('.auth-wrapper .authorize'), '"Authorize"')).click();
  type(await waitFor(() => document.querySelector('.auth-container input'), 'the API key field'), '__API_KEY__');
  (await waitFor(() => document.querySelector('.auth-btn-wrapper .authorize'), '"Authorize" in the dialog')).click();
  (await waitFor(() => document.querySelector('.auth-btn-wrapper .btn-done'), '"Close" in the dialog')).click();
  const stats = await tryOut('operations-service-getStats');
  return JSON.stringify({ health, stats });
})()
