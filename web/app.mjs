// The page: wires the controls to the WASM core (vendor/forewarn.mjs, copied there by
// scripts/build-web.mjs) and to the chosen pattern store. Classification runs as you type; the
// prompt preview follows the scope, target, base prompt, limits and store. Every text is checked
// before the core sees it, and what is wrong is said next to its field; nothing is recorded from
// input the page could not read as a run.

import Forewarn from './vendor/forewarn.mjs';
import { $, el, show, debounce } from './lib/dom.mjs';
import { classificationView, runView } from './lib/classify-view.mjs';
import { mountLearningCurve } from './lib/chart.mjs';
import {
  describeError, endpointProblem, failureProblem, fieldError, openInto, readInput, readLimit, readSpec,
  readTextFile, sentence, specSource, targetProblem, textProblem, uriProblem,
} from './lib/input-checks.mjs';
import { setRaw, wireRaw } from './lib/raw-view.mjs';
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
  specError: false,  // the spec box holds something that is not a usable spec
  drawCurve: null,   // shows a run history as the learning curve (lib/chart.mjs)
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
  for (const name of ['result', 'record', 'prompt']) wireRaw(name);
  wireFailure();
  wireSpec();
  wirePrompt();
  wireStore();
  state.drawCurve = mountLearningCurve($('#curve'));
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
  $('#failure-text').addEventListener('input', () => {
    fieldError('#failure-file', null); // the text is the user's own again, not the file's
    later();
  });
  $('#endpoint').addEventListener('input', later);
  $('#stack').addEventListener('change', () => {
    classifyNow();
    previewPrompt();
  });
  $('#failure-file').addEventListener('change', (event) => openInto(event.target, '#failure-text', classifyNow));
  $('#record').addEventListener('click', recordInput);
}

// The stack the user picked for the lessons, or null for the one detected (or the spec's).
function chosenStack() {
  return $('#stack').value || null;
}

function classifyNow() {
  const text = $('#failure-text').value;
  const body = $('#result-body');
  state.input = null;
  setRaw('result', null);
  setRaw('record', null);
  status('#record-status', '');
  let problem = failureProblem(text);
  const input = problem || !text ? null : readInput(text);
  if (input?.kind === 'bad') problem = input.message;
  fieldError('#failure-text', problem);
  const endpoint = checkEndpoint();
  if (problem) {
    show(body, el('p', { class: 'error', 'data-testid': 'classify-error' }, sentence(problem)));
  } else if (!input) {
    show(body, el('p', { class: 'hint' }, 'Paste a failure above; the classification follows as you type.'));
  } else if (input.kind === 'error' && endpoint === undefined) {
    show(body, el('p', { class: 'hint' }, 'Fix the endpoint marked above to see the classification.'));
  } else {
    classifyInput(input, endpoint, body);
  }
  updateRecord();
}

// Classifies what readInput() accepted; a run the core refuses (a bad violation, XML that is not
// well-formed) is an error of the text box, said next to it.
function classifyInput(input, endpoint, body) {
  try {
    if (input.kind === 'run') {
      const changeset = state.fw.changeset(input.doc, state.ir, null);
      show(body, runView(changeset));
      setRaw('result', changeset);
    } else {
      const c = state.fw.classify(input.text, { ir: state.ir, endpoint, stack: chosenStack() });
      input.classification = c;
      input.endpoint = endpoint;
      show(body, classificationView(c));
      setRaw('result', c);
    }
    state.input = input;
    suggestTarget(input);
  } catch (err) {
    const message = input.kind === 'run' ? `Not a valid run: ${describeError(err)}` : describeError(err);
    if (input.kind === 'run') fieldError('#failure-text', message);
    show(body, el('p', { class: 'error', 'data-testid': 'classify-error' }, message));
  }
}

// The endpoint field: null when empty, the endpoint when it is "METHOD /path", else undefined
// with the expected form said next to it.
function checkEndpoint() {
  const value = $('#endpoint').value.trim();
  const problem = endpointProblem(value);
  fieldError('#endpoint', problem);
  return problem ? undefined : value || null;
}

// Why what the box holds is not recorded ('' when it holds nothing to record), or null. A run is
// recorded only from a valid SmokeTestResult or JUnit report, or from one error a rule recognised
// (made a one-violation run); never with a spec the page could not read (it would miss its mapping).
function recordBlocker() {
  const input = state.input;
  if (!input) return '';
  if (state.specError) return 'Not recordable until the spec marked above is fixed or cleared.';
  if (input.kind === 'error' && input.classification.category === 'unknown') {
    return 'Not recordable: no rule recognises this text. Only a classified error or a whole smoke run (a SmokeTestResult or a JUnit report) is recorded.';
  }
  return null;
}

function updateRecord() {
  const blocker = recordBlocker();
  $('#record').disabled = blocker !== null;
  if (blocker) status('#record-status', blocker);
}

// Record what the box holds as one run of the store's history: a SmokeTestResult as it is, a
// single error as a one-violation run of its endpoint.
async function recordInput() {
  const input = state.input;
  if (!input || recordBlocker() !== null) return;
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
    setRaw('record', result);
    await refreshStore();
  } catch (err) {
    setRaw('record', null);
    status('#record-status', describeError(err), true);
  }
}

// ---- the spec ----------------------------------------------------------------------------

function wireSpec() {
  $('#ir-text').addEventListener('input', debounce(() => {
    fieldError('#ir-file', null);
    setSpec($('#ir-text').value);
  }, 200));
  $('#use-example-ir').addEventListener('click', () => {
    const text = JSON.stringify(state.examples?.ir ?? {}, null, 2);
    $('#ir-text').value = text;
    fieldError('#ir-file', null);
    setSpec(text);
  });
  $('#clear-ir').addEventListener('click', () => {
    $('#ir-text').value = '';
    fieldError('#ir-file', null);
    setSpec('');
  });
  $('#ir-file').addEventListener('change', (event) => openInto(event.target, '#ir-text', () => setSpec($('#ir-text').value)));
}

function setSpec(text) {
  state.ir?.delete();
  state.ir = null;
  state.irDoc = null;
  let { doc, problem } = readSpec(text);
  if (doc) {
    try {
      state.ir = new state.fw.IR(text);
      state.irDoc = state.ir.toJSON();
    } catch (err) {
      problem = describeError(err);
    }
  }
  // a spec file that could not be opened counts too: the run would be recorded without it
  state.specError = Boolean(problem) || $('#ir-file').getAttribute('aria-invalid') === 'true';
  fieldError('#ir-text', problem ? `This spec is not used: ${problem}` : null);
  const ir = state.irDoc;
  $('#spec-status').textContent = ir
    ? `${ir.name ?? 'unnamed'} (${ir.entities?.length ?? 0} entities, ${ir.endpoints?.length ?? 0} endpoints${specSource(doc)})`
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

// A limit from its field (within the field's own min and max), else null with the allowed range
// said next to the field.
function limit(id) {
  const input = $(id);
  const { value, problem } = readLimit(input.value.trim(), Number(input.min), Number(input.max));
  fieldError(id, problem);
  return value;
}

const checkTarget = (scope, target) => fieldError('#target', targetProblem(scope, target));

// Why no preview can be made yet, as {message, isError}, or null. Every field is checked (not
// only the first bad one), so that each says what is wrong with it at once.
function previewBlocker(options, scope, target, prompt) {
  const limitsOk = options.maxPatterns !== null && options.minOccurrences !== null && options.budget !== null;
  const targetOk = checkTarget(scope, target);
  const promptOk = fieldError('#base-prompt', textProblem(prompt, 'The base prompt'));
  if (!limitsOk) return { message: 'Fix the limits marked above to see the warnings.', isError: true };
  if (!targetOk || !promptOk) return { message: 'Fix the fields marked above to see the warnings.', isError: true };
  if (state.specError) return { message: 'Fix the spec marked above (or clear it) to see the warnings.', isError: true };
  if (!target) return { message: 'Choose a target to see the warnings it would get.', isError: false };
  return null;
}

async function previewPrompt() {
  const seq = ++state.promptSeq;
  const out = $('#prompt-out');
  const scope = $('#scope').value;
  const target = $('#target').value.trim();
  const prompt = $('#base-prompt').value;
  if (!state.fw) return;
  setRaw('prompt', null);
  const options = {
    ir: state.ir,
    maxPatterns: limit('#max-patterns'),
    minOccurrences: limit('#min-occurrences'),
    budget: limit('#budget'),
    stack: chosenStack() ?? undefined,
  };
  const blocker = previewBlocker(options, scope, target, prompt);
  if (blocker) {
    out.textContent = prompt;
    status('#prompt-status', blocker.message, blocker.isError);
    return;
  }
  try {
    const result = await state.store.enhance(prompt, { scope, target }, options);
    if (seq !== state.promptSeq) return;
    out.textContent = result.prompt;
    setRaw('prompt', result);
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

// The connection fields, each checked (and said next to it) before anything is sent.
function neo4jFieldsOk() {
  const checks = [fieldError('#neo4j-uri', uriProblem($('#neo4j-uri').value.trim()))];
  for (const id of ['#neo4j-database', '#neo4j-user', '#neo4j-password']) checks.push(fieldError(id, textProblem($(id).value, 'This field')));
  return checks.every(Boolean);
}

async function connectNeo4j() {
  const button = $('#neo4j-connect');
  if (!neo4jFieldsOk()) {
    status('#store-status', 'Not connected: fix the fields marked above.', true);
    return;
  }
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
    const n = state.browser.importText(await readTextFile(file, Infinity));
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
    state.drawCurve(stats.runs ?? []);
  } catch (err) {
    status('#store-status', describeError(err), true);
  }
  previewPrompt();
}

// ---- offline -----------------------------------------------------------------------------

// Once loaded, the page works offline: the service worker keeps a copy of every file.
function registerOfflineCache() {
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {
      // Only offline use is lost; the page itself works.
    });
  }
}

main();
