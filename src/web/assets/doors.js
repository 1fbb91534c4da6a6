// The doors page, live: Open and Close post the same forms in place (asking for JSON) and the cards
// follow each door as it moves, polling the page's state. Without this script the forms post and
// redirect as usual. Plain browser JavaScript, no dependencies; loaded by the CSP's script-src 'self'.
(() => {
  const list = document.querySelector('ul.doors[data-state-url]');
  if (!list || !window.fetch) return;
  const stateUrl = list.getAttribute('data-state-url');
  const FAST_MS = 1000;
  const SLOW_MS = 15000;
  let timer = 0;
  let stopped = false;

  function cardOf(doorId) {
    return list.querySelector(`li[data-door-id="${doorId}"]`);
  }

  function buttonsOf(card) {
    return Array.from(card.querySelectorAll('form[action="/doors/toggle"] button'));
  }

  /** Shows a door's state (see DoorLiveState in src/web/pages/door-live-state.ts) in its card. */
  function showDoor(door) {
    const card = cardOf(door.id);
    if (!card) return;
    const label = card.querySelector('.state');
    const kind = door.movingTo ? 'moving' : door.state === 'OPEN' ? 'open' : 'closed';
    if (label.textContent !== door.label) label.textContent = door.label;
    label.className = `state ${kind}`;
    card.querySelector('.door-state .badge.warn').hidden = door.isOnline;
    const lastUsed = card.querySelector('.last-used');
    if (lastUsed && lastUsed.textContent !== door.lastUsed) lastUsed.textContent = door.lastUsed;
    const heading = door.movingTo || door.state;
    for (const button of buttonsOf(card)) {
      const wanted = button.form.elements.state.value;
      button.disabled = door.isMoving;
      // The button that changes the door's state stands out.
      button.classList.toggle('secondary', wanted === heading);
    }
  }

  /** Replaces the card's notice: a status in words, or why an attempt failed. */
  function showNotice(card, message, isError) {
    const region = card.querySelector('.door-live');
    const old = region.querySelector('.notice, .error');
    if (old) old.remove();
    const p = document.createElement('p');
    p.className = isError ? 'error' : 'notice';
    p.textContent = message;
    region.appendChild(p);
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(poll, ms);
  }

  async function poll() {
    let answer;
    try {
      const response = await fetch(stateUrl, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        stopped = true; // Signed out: the next form post leads to the login page.
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      schedule(SLOW_MS);
      return;
    }
    let moving = false;
    for (const door of answer.doors) {
      showDoor(door);
      if (door.isMoving) moving = true;
    }
    schedule(moving ? FAST_MS : SLOW_MS);
  }

  /** Why a post from the page did not answer with an outcome, in words. */
  function failureOf(status) {
    if (status === 0) return 'ParqEx could not be reached. Check your connection and try again.';
    if (status === 403) return 'This page has expired. Please reload it and try again.';
    if (status === 404) return 'This door is no longer yours to use. Please reload the page.';
    return 'Something went wrong. Please try again.';
  }

  async function toggle(form) {
    const card = form.closest('li[data-door-id]');
    for (const b of buttonsOf(card)) b.disabled = true;
    let answer;
    let status = 0;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        body: new URLSearchParams(new FormData(form)),
      });
      status = response.status;
      if (response.ok) answer = await response.json();
    } catch {
      answer = undefined;
    }
    if (!answer?.door) {
      showNotice(card, failureOf(status), true);
      for (const b of buttonsOf(card)) b.disabled = false;
      return;
    }
    showDoor(answer.door);
    showNotice(card, answer.message, answer.isError);
    schedule(answer.door.isMoving ? FAST_MS : SLOW_MS);
  }

  list.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.getAttribute('action') !== '/doors/toggle') return;
    event.preventDefault();
    toggle(form);
  });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else schedule(0);
  });

  schedule(list.querySelector('button[disabled]') ? FAST_MS : SLOW_MS);
})();
