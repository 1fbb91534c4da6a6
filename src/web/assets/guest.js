// The guest link page, live: Open posts the same form in place (asking for JSON) and the cards
// follow each door as it moves, polling the page's state. Without this script the forms post and
// redirect as usual. Plain browser JavaScript, no dependencies; loaded by the CSP's script-src 'self'.
(() => {
  const list = document.querySelector('ul.guest-doors[data-state-url]');
  if (!list || !window.fetch) return;
  const stateUrl = list.getAttribute('data-state-url');
  const FAST_MS = 1000;
  const SLOW_MS = 10000;
  let timer = 0;
  let stopped = false;

  function cardOf(doorId) {
    return list.querySelector(`li[data-door-id="${doorId}"]`);
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
    for (const actions of list.querySelectorAll('.door-actions')) actions.remove();
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
    if (answer.status !== 'active') {
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
    let status = 0;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
      });
      status = response.status;
      answer = await response.json().catch(() => undefined);
    } catch {
      answer = undefined;
    }
    if (!answer?.message) {
      showNotice(card, failureOf(status), true);
      button.disabled = false;
      return;
    }
    showNotice(card, answer.message, answer.isError);
    if (status === 410) {
      endPass();
      return;
    }
    if (answer.door_state) showDoor(answer.door_state);
    else button.disabled = false;
    schedule(answer.door_state?.isMoving ? FAST_MS : SLOW_MS);
  }

  list.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.action.endsWith('/open')) return;
    event.preventDefault();
    open(form);
  });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else schedule(0);
  });

  schedule(list.querySelector('button[disabled]') ? FAST_MS : SLOW_MS);
})();
