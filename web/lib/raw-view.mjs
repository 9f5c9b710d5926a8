// The raw JSON toggles: each result (classification, record, prompt preview) has a button
// #<name>-raw-toggle that shows or hides #<name>-raw, the value the API returned, pretty-printed
// as text (textContent, never HTML). A toggle with nothing to show is disabled and closed.

import { $ } from './dom.mjs';

export function wireRaw(name) {
  const button = $(`#${name}-raw-toggle`);
  button.addEventListener('click', () => openRaw(name, button.getAttribute('aria-expanded') !== 'true'));
}

function openRaw(name, open) {
  $(`#${name}-raw-toggle`).setAttribute('aria-expanded', String(open));
  $(`#${name}-raw`).hidden = !open;
}

// The value to show, or null when there is no result.
export function setRaw(name, value) {
  $(`#${name}-raw`).textContent = value == null ? '' : JSON.stringify(value, null, 2);
  $(`#${name}-raw-toggle`).disabled = value == null;
  if (value == null) openRaw(name, false);
}
