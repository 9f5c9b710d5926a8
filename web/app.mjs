// The page: wires the controls to the WASM core (vendor/forewarn.mjs, copied there by
// scripts/build-web.mjs) and to the chosen pattern store. Classification runs as you type; the
// prompt preview follows the scope, target, base prompt, limits and store.

import Forewarn from './vendor/forewarn.mjs';
import { $, el, show, debounce } from './lib/dom.mjs';
import { classificationView, runView } from './lib/classify-view.mjs';
import { learningCurve } from './lib/chart.mjs';
import { BrowserPatterns, Neo4jPatterns } from './lib/stores.mjs';

const state = {
  fw: null,
  ir: null,          // the parsed IR (fw.IR) or null
  irDoc: null,       // its normalised JSON
  examples: null,    // vendor/examples.json
  input: null,       // what the failure box holds: {kind: 'error'|'run', ...}
  browser: null,     // BrowserPatterns
  store: null,       // the store in use (browser or Neo4j)
  promptSeq: 0,      // drops answers of outdated prompt requests (Neo4j is asynchronous)
};

const status = (id, text, isError = false) => {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle('error', isError);
};

async function main() {
  try {
    const [fw, examples] = await Promise.all([
      Forewarn.load(new URL('./vendor/forewarn.wasm', import.meta.url)),
      fetch(new URL('./vendor/examples.json', import.meta.url)).then((r) => (r.ok ? r.json() : null)),
    ]);
    state.fw = fw;
    state.examples = examples;
  } catch (err) {
    status('#load-status', `The classifier could not be loaded: ${err.message}`, true);
    return;
  }
  state.browser = new BrowserPatterns(state.fw);
  state.store = state.browser;
  status('#load-status', `Classifier ready (forewarn ${state.fw.version}).`);
  if (state.browser.notice) status('#store-status', state.browser.notice, true);

  fillExamples();
  wireFailure();
  wireSpec();
  wirePrompt();
  wireStore();
  await refreshStore();
  registerOfflineCache();
  document.body.dataset.ready = 'true';
}

// ---- 1. the failure ----------------------------------------------------------------------

function fillExamples() {
  const select = $('#example-error');
  for (const [i, example] of (state.examples?.errors ?? []).entries()) {
    select.append(el('option', { value: `error:${i}` }, example.title));
  }
  for (const [i, run] of (state.examples?.runs ?? []).entries()) {
    select.append(el('option', { value: `run:${i}` }, `Smoke run ${run.run.run_id} (whole SmokeTestResult)`));
  }
  select.addEventListener('change', () => {
    const [kind, index] = select.value.split(':');
    if (!kind) return;
    const example = kind === 'error' ? state.examples.errors[index] : null;
    $('#failure-text').value = example ? example.text : JSON.stringify(state.examples.runs[index].run, null, 2);
    $('#endpoint').value = example?.endpoint ?? '';
    classifyNow();
  });
}

function wireFailure() {
  const later = debounce(classifyNow, 120);
  $('#failure-text').addEventListener('input', later);
  $('#endpoint').addEventListener('input', later);
  $('#stack').addEventListener('change', () => {
    classifyNow();
    previewPrompt();
  });
  $('#record').addEventListener('click', recordInput);
}

// The stack the user picked for the lessons, or null for the one detected (or the spec's).
function chosenStack() {
  return $('#stack').value || null;
}

// A whole smoke run is a SmokeTestResult (recognised by its violations) or a JUnit XML report
// (pytest --junitxml, jest-junit, Surefire: the core reads it); any other text is one error.
function readInput(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('<') && /<testsuites?[\s>/]/.test(trimmed.slice(0, 4096))) return { kind: 'run', doc: text };
  if (trimmed.startsWith('{')) {
    let doc;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      doc = null; // not JSON after all: classify it as text
    }
    if (doc && typeof doc === 'object' && Array.isArray(doc.violations)) return { kind: 'run', doc };
  }
  return { kind: 'error', text };
}

function classifyNow() {
  const text = $('#failure-text').value;
  const body = $('#result-body');
  state.input = null;
  $('#record').disabled = true;
  status('#record-status', '');
  if (!text.trim()) {
    show(body, el('p', { class: 'hint' }, 'Paste a failure above; the classification follows as you type.'));
    return;
  }
  const input = readInput(text);
  try {
    if (input.kind === 'run') {
      const changeset = state.fw.changeset(input.doc, state.ir, null);
      show(body, runView(changeset));
    } else {
      const endpoint = $('#endpoint').value.trim() || null;
      const c = state.fw.classify(text, { ir: state.ir, endpoint, stack: chosenStack() });
      input.classification = c;
      input.endpoint = endpoint;
      show(body, classificationView(c));
    }
    state.input = input;
    $('#record').disabled = false;
    suggestTarget(input);
  } catch (err) {
    show(body, el('p', { class: 'error', role: 'alert', 'data-testid': 'classify-error' }, describeError(err)));
  }
}

// Record what the box holds as one run of the store's history: a SmokeTestResult as it is, a
// single error as a one-violation run of its endpoint.
async function recordInput() {
  const input = state.input;
  if (!input) return;
  let smoke = input.doc;
  if (input.kind === 'error') {
    const endpoint = input.endpoint ?? input.classification.ir?.endpoint ?? 'POST /unknown';
    smoke = {
      run_id: `pasted-${new Date().toISOString()}`,
      violations: [{ endpoint, status_code: 500, expected_status: 200, error_type: input.classification.error_type, message: 'pasted error' }],
      stack_traces: [{ endpoint, traceback: input.text }],
    };
  }
  try {
    const result = await state.store.collect(smoke, state.ir, null);
    status('#record-status', result.already_ingested
      ? `Run ${result.run_id} was already recorded: nothing changed.`
      : `Recorded run ${result.run_id}: ${result.patterns_created} new, ${result.patterns_updated} updated pattern(s).`);
    await refreshStore();
  } catch (err) {
    status('#record-status', describeError(err), true);
  }
}

// ---- the spec ----------------------------------------------------------------------------

function wireSpec() {
  $('#ir-text').addEventListener('input', debounce(() => setSpec($('#ir-text').value), 200));
  $('#use-example-ir').addEventListener('click', () => {
    const text = JSON.stringify(state.examples?.ir ?? {}, null, 2);
    $('#ir-text').value = text;
    setSpec(text);
  });
  $('#clear-ir').addEventListener('click', () => {
    $('#ir-text').value = '';
    setSpec('');
  });
  $('#ir-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    $('#ir-text').value = text;
    setSpec(text);
  });
}

// ", from OpenAPI 3.1.0" when the spec is an OpenAPI (or Swagger) document the core derived the
// IR from; "" for an ApplicationIR.
function specSource(text) {
  try {
    const doc = JSON.parse(text);
    if (typeof doc?.openapi === 'string') return `, from OpenAPI ${doc.openapi}`;
    if (typeof doc?.swagger === 'string') return `, from Swagger ${doc.swagger}`;
  } catch {
    // the core accepted it, so it is JSON; nothing to add otherwise
  }
  return '';
}

function setSpec(text) {
  state.ir?.delete();
  state.ir = null;
  state.irDoc = null;
  status('#ir-error', '');
  if (text.trim()) {
    try {
      state.ir = new state.fw.IR(text);
      state.irDoc = state.ir.toJSON();
    } catch (err) {
      status('#ir-error', `This spec is not used: ${describeError(err)}`, true);
    }
  }
  const doc = state.irDoc;
  $('#spec-status').textContent = doc
    ? `${doc.name ?? 'unnamed'} (${doc.entities?.length ?? 0} entities, ${doc.endpoints?.length ?? 0} endpoints${specSource(text)})`
    : 'none';
  fillTargets();
  classifyNow();
  previewPrompt();
}

// ---- 3. prompt preview -------------------------------------------------------------------

function wirePrompt() {
  const later = debounce(previewPrompt, 150);
  for (const id of ['#target', '#base-prompt', '#max-patterns', '#min-occurrences', '#budget']) {
    $(id).addEventListener('input', later);
  }
  $('#scope').addEventListener('change', () => {
    fillTargets();
    previewPrompt();
  });
  $('#copy-prompt').addEventListener('click', copyPrompt);
}

// Suggestions for the target: what the spec names for the chosen scope.
function fillTargets() {
  const scope = $('#scope').value;
  const doc = state.irDoc;
  let names = [];
  if (doc && scope === 'entity') names = (doc.entities ?? []).map((e) => e.name);
  if (doc && scope === 'endpoint') names = (doc.endpoints ?? []).map((e) => `${e.method} ${e.path}`);
  if (doc && scope === 'schema') {
    names = [...new Set((doc.endpoints ?? []).flatMap((e) => [e.request_schema, e.response_schema]).filter(Boolean))];
  }
  show($('#targets'), names.map((n) => el('option', { value: n })));
  $('#target').placeholder = names[0] ?? { entity: 'Product', endpoint: 'POST /products', schema: 'ProductCreate' }[scope];
}

// After a classification, point the preview at what the error was about, unless the user chose.
function suggestTarget(input) {
  if ($('#target').value.trim()) return;
  const entity = input.kind === 'error' ? input.classification.ir?.entity_name ?? input.classification.anti_pattern?.entity_pattern : null;
  if (entity && $('#scope').value === 'entity') {
    $('#target').value = entity;
    previewPrompt();
  }
}

// A limit from its field: a whole number within the field's own min and max, else null with the
// allowed range said next to the field (the preview waits for a valid value, never guesses one).
function limit(id) {
  const input = $(id);
  const min = Number(input.min), max = Number(input.max), raw = input.value.trim();
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  const ok = Number.isSafeInteger(n) && n >= min && n <= max;
  input.setAttribute('aria-invalid', String(!ok));
  $(`${id}-error`).textContent = ok ? '' : `A whole number from ${min} to ${max}.`;
  return ok ? n : null;
}

async function previewPrompt() {
  const seq = ++state.promptSeq;
  const out = $('#prompt-out');
  const target = $('#target').value.trim();
  const prompt = $('#base-prompt').value;
  if (!state.fw) return;
  const options = {
    ir: state.ir,
    maxPatterns: limit('#max-patterns'),
    minOccurrences: limit('#min-occurrences'),
    budget: limit('#budget'),
    stack: chosenStack() ?? undefined,
  };
  if (options.maxPatterns === null || options.minOccurrences === null || options.budget === null) {
    out.textContent = prompt;
    status('#prompt-status', 'Fix the limits marked above to see the warnings.', true);
    return;
  }
  if (!target) {
    out.textContent = prompt;
    status('#prompt-status', 'Choose a target to see the warnings it would get.');
    return;
  }
  try {
    const result = await state.store.enhance(prompt, { scope: $('#scope').value, target }, options);
    if (seq !== state.promptSeq) return;
    out.textContent = result.prompt;
    const n = result.injected.length;
    status('#prompt-status', n
      ? `${n} warning${n === 1 ? '' : 's'} injected from ${state.store.label}.`
      : `No known issue in ${state.store.label} for this target yet (at least ${options.minOccurrences} occurrences needed).`);
  } catch (err) {
    if (seq !== state.promptSeq) return;
    out.textContent = prompt;
    status('#prompt-status', describeError(err), true);
  }
}

async function copyPrompt() {
  const text = $('#prompt-out').textContent;
  try {
    await navigator.clipboard.writeText(text);
    status('#prompt-status', `Copied ${text.length} characters.`);
  } catch {
    // No clipboard permission (an embedded or insecure page): select it for Ctrl+C instead.
    const range = document.createRange();
    range.selectNodeContents($('#prompt-out'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status('#prompt-status', 'The browser refused the clipboard: the prompt is selected, press Ctrl+C.');
  }
}

// ---- 4. the store ------------------------------------------------------------------------

function wireStore() {
  for (const radio of document.querySelectorAll('input[name="source"]')) {
    radio.addEventListener('change', () => useSource(radio.value));
  }
  $('#load-history').addEventListener('click', loadHistory);
  $('#export-store').addEventListener('click', exportStore);
  $('#import-store').addEventListener('change', importStore);
  $('#clear-store').addEventListener('click', () => {
    if (state.browser.size && !confirm(`Delete the ${state.browser.size} patterns kept in this browser?`)) return;
    state.browser.clear();
    status('#store-status', 'The browser store is empty.');
    refreshStore();
  });
  $('#neo4j-connect').addEventListener('click', connectNeo4j);
}

async function useSource(source) {
  $('#browser-panel').hidden = source !== 'browser';
  $('#neo4j-panel').hidden = source !== 'neo4j';
  if (source === 'browser') {
    state.store = state.browser;
    status('#store-status', '');
    await refreshStore();
  } else {
    status('#store-status', 'Enter the Neo4j URL and credentials, then Connect.');
  }
}

async function connectNeo4j() {
  const button = $('#neo4j-connect');
  button.disabled = true;
  status('#store-status', 'Connecting…');
  try {
    const store = await new Neo4jPatterns(state.fw, {
      uri: $('#neo4j-uri').value.trim(),
      username: $('#neo4j-user').value.trim() || 'neo4j',
      password: $('#neo4j-password').value,
      database: $('#neo4j-database').value.trim() || 'neo4j',
    }).connect();
    state.store = store;
    status('#store-status', `Connected to ${store.label}.`);
    await refreshStore();
  } catch (err) {
    status('#store-status', `Not connected: ${describeError(err)}`, true);
  } finally {
    button.disabled = false;
  }
}

async function loadHistory() {
  const runs = state.examples?.runs ?? [];
  let recorded = 0;
  try {
    for (const { run, manifest } of runs) {
      const result = await state.store.collect(run, state.examples.ir, manifest ?? null);
      if (!result.already_ingested) recorded++;
    }
    status('#store-status', `Example history: ${recorded} of ${runs.length} runs recorded${recorded < runs.length ? ' (the others were already there)' : ''}.`);
  } catch (err) {
    status('#store-status', describeError(err), true);
  }
  await refreshStore();
}

function exportStore() {
  const blob = new Blob([state.browser.exportText()], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: `forewarn-patterns-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  status('#store-status', `Exported ${state.browser.size} patterns.`);
}

async function importStore(event) {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (!file) return;
  if (state.browser.size && !confirm(`Replace the ${state.browser.size} patterns kept in this browser with the content of ${file.name}?`)) return;
  try {
    const n = state.browser.importText(await file.text());
    status('#store-status', `Imported ${n} patterns from ${file.name}.`);
  } catch (err) {
    status('#store-status', `Not imported, nothing changed: ${describeError(err)}`, true);
  }
  await refreshStore();
}

async function refreshStore() {
  try {
    const stats = await state.store.stats();
    const t = stats.totals ?? {};
    if (state.store === state.browser) {
      $('#store-summary').textContent = `${t.patterns ?? 0} patterns from ${t.runs ?? 0} runs in this browser; ${t.occurrences ?? 0} occurrences, ${t.prevented ?? 0} prevented.`;
    }
    show($('#curve'), learningCurve(stats.runs ?? []));
  } catch (err) {
    status('#store-status', describeError(err), true);
  }
  previewPrompt();
}

// ---- shared ------------------------------------------------------------------------------

// The core's messages already start with the JSON path of a schema error.
function describeError(err) {
  return String(err.message ?? err);
}

// Once loaded, the page works offline: the service worker keeps a copy of every file.
function registerOfflineCache() {
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {
      // Only offline use is lost; the page itself works.
    });
  }
}

main();
