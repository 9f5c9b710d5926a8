// Where the rule matched, shown in the pasted text: the text as forewarn keeps it (secrets
// replaced by placeholders, so nothing the page shows here is more than it stores), with the
// message each classified error came from marked, and inside it the values the rule extracted
// (table, column, field, ...). The classifier reads a normalised copy of the text; a message it
// reports is found again by its exact characters, else by its words with any spacing between
// them, else it is said that it matched a normalised form.

import { el } from './dom.mjs';
import { CONTEXT_KEYS } from './classify-view.mjs';

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// [start, end) of message in text: the last exact occurrence (a traceback ends with its
// message), else the words separated by any whitespace; null when neither is there.
export function findMessage(text, message) {
  if (!message) return null;
  const at = text.lastIndexOf(message);
  if (at >= 0) return [at, at + message.length];
  const words = message.trim().split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 200) return null;
  let last = null;
  for (const m of text.matchAll(new RegExp(words.map(escapeRegex).join('\\s+'), 'g'))) last = [m.index, m.index + m[0].length];
  return last;
}

// The spans to mark: each error's message ('match') and its context values within it
// ('match-value'), sorted and without overlaps.
export function matchSpans(text, classification) {
  const errors = Array.isArray(classification?.errors) && classification.errors.length > 1
    ? classification.errors : [classification];
  const spans = [];
  for (const e of errors) {
    if (!e || e.category === 'unknown') continue;
    const span = findMessage(text, e.message);
    if (!span) continue;
    spans.push({ start: span[0], end: span[1], kind: 'match' });
    const inside = text.slice(span[0], span[1]);
    for (const key of CONTEXT_KEYS) {
      const value = e.context?.[key];
      if (typeof value !== 'string' || value.length < 2) continue;
      const at = inside.indexOf(value);
      if (at >= 0) spans.push({ start: span[0] + at, end: span[0] + at + value.length, kind: 'match-value', key });
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

// The text as nodes: plain text, <mark class="match"> around a message, and within it
// <mark class="match-value"> around an extracted value (nested, never overlapping).
export function highlighted(text, spans) {
  const outer = spans.filter((s) => s.kind === 'match');
  const nodes = [];
  let pos = 0;
  for (const m of outer) {
    if (m.start < pos) continue; // two errors with one message: marked once
    nodes.push(text.slice(pos, m.start));
    const mark = el('mark', { class: 'match', 'data-testid': 'match' });
    let inner = m.start;
    for (const v of spans.filter((s) => s.kind === 'match-value' && s.start >= m.start && s.end <= m.end)) {
      if (v.start < inner) continue;
      mark.append(text.slice(inner, v.start), el('mark', { class: 'match-value', 'data-testid': 'match-value', title: v.key }, text.slice(v.start, v.end)));
      inner = v.end;
    }
    mark.append(text.slice(inner, m.end));
    nodes.push(mark);
    pos = m.end;
  }
  nodes.push(text.slice(pos));
  return nodes.filter((n) => n !== '');
}
