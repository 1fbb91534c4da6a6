// GuestParq & GuestAccess in the browser, no dependencies; loaded by the CSP's script-src 'self'.
// - The hosts' page: "Copy the link" copies the new pass's link.
// - The guest link page: Open posts the same form in place (asking for JSON), the door cards follow
//   each door as it moves, and the page reloads itself when the pass starts, ends or is revoked.
// Without this script the forms post and redirect as usual.
(() => {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const field = document.getElementById(button.getAttribute('data-copy'));
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = 'Copied';
      } catch {
        field.select();
      }
    });
  }

  const root = document.querySelector('.guest-page[data-state-url]');
  if (!root || !window.fetch) return;
  const stateUrl = root.getAttribute('data-state-url');
  const status = root.getAttribute('data-status');
  const list = root.querySelector('ul.guest-doors');
  const FAST_MS = 1000;
  const SLOW_MS = status === 'active' ? 10000 : 30000;
  let timer = 0;
  let stopped = false;

  function cardOf(doorId) {
    return list?.querySelector(`li[data-door-id="${doorId}"]`);
  }

  function showDoor(door) {
    const card = cardOf(door.id);
    if (!card) return;
    const label = card.querySelector('.state');
    const kind = door.movingTo ? 'moving' : door.state === 'OPEN' ? 'open' : 'closed';
    if (label.textContent !== door.label) label.textContent = door.label;
    label.className = `state ${kind}`;
    card.querySelector('.door-state .badge.warn').hidden = door.isOnline;
    for (const button of card.querySelectorAll('button.open-door')) button.disabled = door.isMoving;
  }

  function showNotice(card, message, isError) {
    const region = card.querySelector('.door-live');
    const old = region.querySelector('.notice, .error');
    if (old) old.remove();
    const p = document.createElement('p');
    p.className = isError ? 'error' : 'notice';
    p.textContent = message;
    region.appendChild(p);
  }

  /** The pass ended while the page was open: no button is offered any more. */
  function endPass() {
    stopped = true;
    clearTimeout(timer);
    for (const actions of root.querySelectorAll('.door-actions')) actions.remove();
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(poll, ms);
  }

  async function poll() {
    let answer;
    try {
      const response = await fetch(stateUrl, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.status === 404 || response.status === 403) {
        stopped = true;
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      schedule(SLOW_MS);
      return;
    }
    if (answer.status !== status) {
      // Started, ended or revoked: the page as it is now.
      endPass();
      window.location.reload();
      return;
    }
    let moving = false;
    for (const door of answer.doors) {
      showDoor(door);
      if (door.isMoving) moving = true;
    }
    schedule(moving ? FAST_MS : SLOW_MS);
  }

  function failureOf(status) {
    if (status === 0) return 'ParqEx could not be reached. Check your connection and try again.';
    if (status === 403) return 'This page has expired. Please reload it and try again.';
    return 'Something went wrong. Please try again.';
  }

  async function open(form) {
    const card = form.closest('li[data-door-id]');
    const button = form.querySelector('button');
    button.disabled = true;
    let answer;
    let code = 0;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
      });
      code = response.status;
      answer = await response.json().catch(() => undefined);
    } catch {
      answer = undefined;
    }
    if (!answer?.message) {
      showNotice(card, failureOf(code), true);
      button.disabled = false;
      return;
    }
    showNotice(card, answer.message, answer.isError);
    if (code === 410) {
      endPass();
      return;
    }
    if (answer.door_state) showDoor(answer.door_state);
    else button.disabled = false;
    schedule(answer.door_state?.isMoving ? FAST_MS : SLOW_MS);
  }

  list?.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.action.endsWith('/open')) return;
    event.preventDefault();
    open(form);
  });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else schedule(0);
  });

  schedule(list?.querySelector('button[disabled]') ? FAST_MS : SLOW_MS);
})();
