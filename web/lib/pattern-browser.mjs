// The stored patterns, to browse: filter by entity, category, stack and state; sort by
// occurrences, last seen or measured lift; open one to read its lesson and the message it was
// learnt from (stored redacted); retire, activate or delete it. The same view for the browser
// store and for Neo4j: it only calls the store's patterns / decide / deletePattern.

import { el, facts, show, code } from './dom.mjs';

const FILTERS = [
  ['entity', 'Entity', (p) => p.entity_pattern],
  ['category', 'Category', (p) => p.category],
  ['stack', 'Stack', (p) => p.stack ?? 'neutral'],
  ['state', 'State', (p) => p.state],
];

// Every state is offered, present or not: "none retired" is an answer too.
const STATES = ['active', 'escalated', 'retired'];

// Sorts: the highest first; lessons without a measured lift last, then by occurrences.
const SORTS = {
  occurrences: (a, b) => b.occurrence_count - a.occurrence_count || a.pattern_id.localeCompare(b.pattern_id),
  last_seen: (a, b) => String(b.last_seen).localeCompare(String(a.last_seen)) || SORTS.occurrences(a, b),
  lift: (a, b) => (b.effect?.lift ?? -Infinity) - (a.effect?.lift ?? -Infinity) || SORTS.occurrences(a, b),
};

const pct = (x) => `${Math.round(x * 100)}%`;
const lift = (p) => (p.effect?.lift === null || p.effect?.lift === undefined ? 'not measured'
  : `${p.effect.lift >= 0 ? '+' : ''}${pct(p.effect.lift)} (95% ${pct(p.effect.ci95[0])} to ${pct(p.effect.ci95[1])})`);

export function mountPatternBrowser(root, { store, confirm, onChange, status }) {
  const selects = {};
  const controls = el('div', { class: 'row browser-controls' });
  for (const [key, label] of FILTERS) {
    selects[key] = el('select', { id: `filter-${key}`, 'data-testid': `filter-${key}` });
    controls.append(el('div', { class: 'field' }, el('label', { for: `filter-${key}` }, label), selects[key]));
  }
  const sort = el('select', { id: 'sort-patterns', 'data-testid': 'sort-patterns' },
    el('option', { value: 'occurrences' }, 'Occurrences'), el('option', { value: 'last_seen' }, 'Last seen'),
    el('option', { value: 'lift' }, 'Measured lift'));
  controls.append(el('div', { class: 'field' }, el('label', { for: 'sort-patterns' }, 'Sort by'), sort));
  const count = el('p', { 'data-testid': 'pattern-count', role: 'status' });
  const list = el('ul', { class: 'pattern-list', 'data-testid': 'pattern-list' });
  const detail = el('div', { class: 'pattern-detail', 'data-testid': 'pattern-detail', 'aria-live': 'polite' });
  show(root, controls, count, list, detail);

  let patterns = [];
  let openId = null;

  const fillFilter = (key, values) => {
    const select = selects[key];
    const chosen = select.value;
    show(select, el('option', { value: '' }, 'Any'), [...values].sort().map((v) => el('option', { value: v }, v)));
    select.value = values.has(chosen) ? chosen : '';
  };

  function render() {
    const chosen = Object.fromEntries(FILTERS.map(([key]) => [key, selects[key].value]));
    const shown = patterns.filter((p) => FILTERS.every(([key, , get]) => !chosen[key] || get(p) === chosen[key]))
      .sort(SORTS[sort.value]);
    count.textContent = patterns.length
      ? `${shown.length} of ${patterns.length} patterns shown.`
      : 'No pattern stored yet: record a failure or load the example history.';
    show(list, shown.map((p) => el('li', { 'data-testid': 'pattern-row', 'data-pattern-id': p.pattern_id },
      el('button', { type: 'button', class: 'link', 'aria-expanded': String(p.pattern_id === openId), 'data-action': 'open' },
        `${p.entity_pattern} · ${p.category}`),
      ' ', el('span', { class: 'mono' }, p.field_pattern ?? ''),
      ' ', el('span', { class: `state state-${p.state}`, 'data-testid': 'pattern-state' }, p.state),
      el('span', { class: 'numbers' }, `${p.occurrence_count}×, last ${String(p.last_seen).slice(0, 10)}, lift ${lift(p)}`))));
    const open = patterns.find((p) => p.pattern_id === openId);
    show(detail, open ? detailView(open) : null);
  }

  function detailView(p) {
    const retire = p.state === 'retired' && p.state_reason === 'person';
    return el('article', { 'aria-label': `Pattern ${p.pattern_id}` },
      el('h4', {}, `${p.entity_pattern} · ${p.category}`),
      facts([
        ['Pattern id', p.pattern_id, { class: 'mono', 'data-testid': 'detail-id' }],
        ['State', `${p.state}${p.state_reason ? ` (${p.state_reason})` : ''}`, { 'data-testid': 'detail-state' }],
        ['Endpoint', p.endpoint_pattern, { class: 'mono' }],
        ['Field', p.field_pattern, { class: 'mono' }],
        ['Stack', p.stack],
        ['Occurrences', p.occurrence_count],
        ['Prevented', `${p.times_prevented} (${pct(p.prevention_rate ?? 0)})`],
        ['Measured lift', lift(p)],
        ['First seen', p.first_seen], ['Last seen', p.last_seen],
        ['Lesson', p.remediation, { 'data-testid': 'detail-lesson', class: 'pre' }],
        ['Sample (as stored, secrets redacted)', p.message_template, { 'data-testid': 'detail-sample', class: 'pre' }],
      ]),
      p.bad_code_snippet ? el('p', {}, 'Code that caused it:') : null,
      p.bad_code_snippet ? code(p.bad_code_snippet) : null,
      p.correct_code_snippet ? el('p', {}, 'Write instead:') : null,
      p.correct_code_snippet ? code(p.correct_code_snippet) : null,
      el('div', { class: 'row' },
        el('button', { type: 'button', 'data-action': retire ? 'activate' : 'retire', 'data-testid': 'detail-decide' },
          retire ? 'Activate (inject it again)' : 'Retire (stop injecting it)'),
        el('button', { type: 'button', 'data-action': 'delete', 'data-testid': 'detail-delete' }, 'Delete')));
  }

  // The store changes, the list is read again, then the message says what happened.
  async function act(action, id) {
    const s = store();
    if (!s) return;
    let message, failed = false;
    try {
      if (action === 'retire' || action === 'activate') {
        await s.decide(id, action === 'retire' ? 'retired' : 'active');
        message = `Pattern ${id} ${action === 'retire' ? 'retired: it is no longer injected' : 'activated: it is injected again'} (${s.label}).`;
      } else if (action === 'delete') {
        if (!confirm(`Delete pattern ${id} from ${s.label}? Its counters and lesson are lost; retiring keeps them.`)) return;
        await s.deletePattern(id);
        openId = null;
        message = `Pattern ${id} deleted from ${s.label}.`;
      }
    } catch (err) {
      [message, failed] = [`Not changed: ${err.message}`, true];
    }
    await onChange();
    status(message, failed);
  }

  for (const select of [...Object.values(selects), sort]) select.addEventListener('change', render);
  root.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.action === 'open') {
      const id = button.closest('[data-pattern-id]').dataset.patternId;
      openId = openId === id ? null : id;
      render();
    } else {
      act(button.dataset.action, openId);
    }
  });

  // Show these patterns (the store's patterns(): each with its state and effect).
  return (next) => {
    patterns = next ?? [];
    for (const [key, , get] of FILTERS) fillFilter(key, new Set([...(key === 'state' ? STATES : []), ...patterns.map(get)]));
    if (!patterns.some((p) => p.pattern_id === openId)) openId = null;
    render();
  };
}
