// What the page shows for one classified error and for a whole smoke run. Everything is text
// (lib/dom.mjs); the data attributes name each value for the browser tests and for people who
// script the page.

import { el, facts, code } from './dom.mjs';

export const CONTEXT_KEYS = ['table', 'column', 'constraint', 'field', 'loc', 'module', 'name', 'attribute', 'object_type', 'value'];

export function classificationView(c) {
  const known = c.category !== 'unknown';
  return el('article', { class: 'classification', 'data-testid': 'classification' },
    el('p', { class: 'headline' },
      el('span', { class: `badge ${known ? 'badge-known' : 'badge-unknown'}`, 'data-testid': 'category' }, c.category),
      ' ',
      el('span', { class: 'muted', 'data-testid': 'error-type' }, c.error_type)),
    facts([
      ['Exception', c.exception_class, { 'data-testid': 'exception' }],
      ['Wrapped exception', c.inner_exception_class, { 'data-testid': 'inner-exception' }],
      ['Rule', c.rule_id],
      ['Message', c.message, { 'data-testid': 'message', class: 'pre' }],
      ['Message template', c.message_template, { 'data-testid': 'template', class: 'pre' }],
      ['pattern_id', c.pattern_id, { 'data-testid': 'pattern-id', class: 'mono' }],
    ]),
    contextView(c.context),
    c.ir ? specView(c.ir) : el('p', { class: 'hint' }, 'Give a spec (ApplicationIR) to map this error onto its entity, field and endpoint.'),
    antiPatternView(c.anti_pattern),
    errorsView(c.errors));
}

// A text holding several errors (a 422 body): each one as the classifier reports it, and each
// is recorded (the first is the one shown above).
function errorsView(errors) {
  if (!Array.isArray(errors) || errors.length < 2) return null;
  return el('section', { 'aria-label': 'Every error of the text', 'data-testid': 'errors' },
    el('h3', {}, `${errors.length} errors in this text: each is classified and recorded`),
    el('ol', { class: 'observations' }, errors.map((e) =>
      el('li', { 'data-testid': 'error-item', 'data-pattern-id': e.pattern_id ?? '' },
        el('details', {},
          el('summary', {},
            el('span', { class: `badge ${e.category !== 'unknown' ? 'badge-known' : 'badge-unknown'}`, 'data-testid': 'category' }, e.category), ' ',
            el('span', { class: 'mono' }, e.anti_pattern?.field_pattern ?? e.context?.loc ?? ''), ' ',
            el('span', {}, e.ir?.entity_name ?? '')),
          facts([
            ['Message', e.message, { class: 'pre' }],
            ['pattern_id', e.pattern_id, { class: 'mono' }],
          ]),
          e.anti_pattern ? antiPatternView(e.anti_pattern, { heading: 'Its anti-pattern' }) : null)))));
}

function contextView(context) {
  const keys = CONTEXT_KEYS.filter((k) => context?.[k] !== undefined);
  if (!keys.length) return el('p', { class: 'hint' }, 'The text names no table, column, field or module.');
  return el('section', { 'aria-label': 'Extracted context' },
    el('h3', {}, 'What the text shows'),
    facts(keys.map((k) => [k, context[k], { 'data-testid': `context-${k}`, class: 'mono' }]), { 'data-testid': 'context' }));
}

function specView(ir) {
  return el('section', { 'aria-label': 'Mapping to the spec' },
    el('h3', {}, ir.mapped ? 'In the spec' : 'In the spec (nothing matched)'),
    facts([
      ['Entity', ir.entity_name, { 'data-testid': 'ir-entity' }],
      ['Field', ir.field_name, { 'data-testid': 'ir-field' }],
      ['Constraint', ir.constraint_type, { 'data-testid': 'ir-constraint' }],
      ['Relationship', ir.relationship_type && `${ir.relationship_type}${ir.related_entity ? ` → ${ir.related_entity}` : ''}`],
      ['Table', ir.table, { class: 'mono' }],
      ['Schema', ir.schema, { class: 'mono' }],
      ['Endpoint', ir.endpoint_pattern ?? ir.endpoint, { 'data-testid': 'ir-endpoint', class: 'mono' }],
    ], { 'data-testid': 'ir' }));
}

export function antiPatternView(ap, { heading = 'The anti-pattern' } = {}) {
  return el('section', { class: 'anti-pattern', 'aria-label': heading },
    el('h3', {}, heading),
    el('p', { 'data-testid': 'remediation' }, ap.remediation),
    facts([
      ...(ap.stack ? [['Lesson in', `${ap.stack} (${ap.stack_source})`, { class: 'mono', 'data-testid': 'lesson-stack' }]] : []),
      ['Entity', ap.entity_pattern, { class: 'mono' }],
      ['Endpoint', ap.endpoint_pattern, { class: 'mono' }],
      ['Field', ap.field_pattern, { class: 'mono', 'data-testid': 'field-pattern' }],
      ['Message regex', ap.error_message_pattern, { class: 'mono pre' }],
    ]),
    el('div', { class: 'snippets' },
      el('figure', { class: 'bad' }, el('figcaption', {}, 'Do not write'), code(ap.bad_code_snippet, { 'data-testid': 'bad-code' })),
      el('figure', { class: 'good' }, el('figcaption', {}, 'Write instead'), code(ap.correct_code_snippet, { 'data-testid': 'good-code' }))));
}

// A smoke run's change set: what each distinct error became, and what nothing explained.
export function runView(changeset) {
  const observations = changeset.observations ?? [];
  const unclassified = changeset.unclassified ?? [];
  return el('article', { class: 'run', 'data-testid': 'run' },
    el('p', { class: 'headline' },
      el('strong', {}, `Run ${changeset.run_id}`), ': ',
      `${changeset.violations} violation${changeset.violations === 1 ? '' : 's'}, `,
      el('span', { 'data-testid': 'run-patterns' }, `${observations.length} anti-pattern${observations.length === 1 ? '' : 's'}`),
      unclassified.length ? `, ${unclassified.length} not classified` : '',
      changeset.tests ? el('span', { 'data-testid': 'run-tests' },
        ` (JUnit report: ${changeset.tests.total} tests, ${changeset.tests.passed} passed, ${changeset.tests.skipped} skipped)`) : ''),
    el('ol', { class: 'observations' }, observations.map(({ pattern, count, endpoints }) =>
      el('li', { 'data-testid': 'observation', 'data-pattern-id': pattern.pattern_id },
        el('details', {},
          el('summary', {},
            el('span', { class: 'badge badge-known', 'data-testid': 'category' }, pattern.category), ' ',
            el('span', { class: 'mono' }, pattern.field_pattern || pattern.exception_class), ' on ',
            el('span', {}, pattern.entity_pattern || '?'), ` × ${count}`),
          facts([
            ['Endpoints', (endpoints ?? []).join(', '), { class: 'mono' }],
            ['Exception', pattern.exception_class],
            ['Message template', pattern.message_template, { class: 'pre' }],
            ['pattern_id', pattern.pattern_id, { class: 'mono' }],
          ]),
          antiPatternView(pattern))))),
    unclassified.length ? el('section', { 'aria-label': 'Not classified' },
      el('h3', {}, 'Not classified'),
      el('ul', {}, (changeset.unclassifiable_errors ?? []).map((t) => el('li', { class: 'pre', 'data-testid': 'unclassified' }, t)))) : null);
}
