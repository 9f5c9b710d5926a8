// The page: wires the controls to the WASM core (vendor/forewarn.mjs, copied there by
// scripts/build-web.mjs) and to the chosen pattern store. Classification runs as you type; the
// prompt preview follows the scope, target, base prompt, limits and store. Every text is checked
// before the core sees it, and what is wrong is said next to its field; nothing is recorded from
// input the page could not read as a run.

import Forewarn from './vendor/forewarn.mjs';
import { $, el, svg, show, debounce } from './lib/dom.mjs';
import { classificationView, runView } from './lib/classify-view.mjs';
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
  runs: [],          // the store's run history, as the learning curve last drew it
  curveWidth: 0,     // the width the curve was drawn at
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
  wireCurve();
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

// What the failure box holds. A whole smoke run is JUnit XML (an XML declaration, or '<' and a
// <testsuite(s)> tag) or JSON that names a SmokeTestResult's keys (the page has always read an
// object with "violations" as a run). Such a text must be a valid run: it is never classified as
// one error instead, which is how pasted garbage got recorded as an "unknown" run. Any other
// text, JSON error bodies included (FastAPI 422, a Pydantic error list), is one error.
const RUN_KEYS = /"(?:run_id|violations|stack_traces)"\s*:/;

function readInput(text) {
  const trimmed = text.trim();
  if (/^<\?xml[\s?]/.test(trimmed) || (trimmed.startsWith('<') && /<testsuites?[\s>/]/.test(trimmed.slice(0, 4096)))) {
    return { kind: 'run', doc: text };
  }
  if (!/^[[{]/.test(trimmed) || !RUN_KEYS.test(trimmed)) return { kind: 'error', text };
  let doc;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    return { kind: 'bad', message: `Not a SmokeTestResult: the JSON does not parse (${err.message}).` };
  }
  if (Array.isArray(doc)) {
    return { kind: 'bad', message: 'Not a SmokeTestResult: this is a JSON array; a SmokeTestResult is one object, {"run_id": "…", "violations": […]}. Paste one run at a time.' };
  }
  const missing = missingRunField(doc);
  if (missing) return { kind: 'bad', message: `Not a SmokeTestResult: ${missing}.` };
  return { kind: 'run', doc };
}

// The first required SmokeTestResult field that is absent or of the wrong type (docs/formats.md);
// the core checks the rest (each violation's endpoint, statuses…) and names the JSON path.
function missingRunField(doc) {
  if (typeof doc?.run_id !== 'string' || !doc.run_id) {
    return doc?.run_id === undefined ? 'the required field "run_id" (a string) is missing' : '"run_id" must be a non-empty string';
  }
  if (!Array.isArray(doc.violations)) {
    return doc.violations === undefined ? 'the required field "violations" (an array) is missing' : '"violations" must be an array';
  }
  return null;
}

// Why the failure box cannot be read at all, or null: white space only, not encodable as UTF-8,
// or over the core's limit. Checked before the text is parsed.
function failureProblem(text) {
  if (!text.trim()) return text ? 'The text is empty (only white space): paste an error, a SmokeTestResult or a JUnit report.' : null;
  return textProblem(text, 'The text');
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
  const problem = textProblem(value, 'The endpoint') ?? (!value || ENDPOINT.test(value) ? null
    : 'Expected "METHOD /path", e.g. POST /products (an upper-case method, a path starting with /).');
  fieldError('#endpoint', problem);
  return problem ? undefined : value || null;
}

const ENDPOINT = /^[A-Z]+ \/\S*$/;

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

// ", from OpenAPI 3.1.0" when the spec is an OpenAPI (or Swagger) document the core derived the
// IR from; "" for an ApplicationIR.
function specSource(doc) {
  if (typeof doc?.openapi === 'string') return `, from OpenAPI ${doc.openapi}`;
  if (typeof doc?.swagger === 'string') return `, from Swagger ${doc.swagger}`;
  return '';
}

// The spec box's document, or {problem}: what the page can say before the core (which names the
// JSON path of anything deeper) reads it. An empty box is "no spec", never a problem.
function readSpec(text) {
  if (!text.trim()) return { problem: text ? 'it is empty (only white space); clear it with "No spec" or paste a spec' : null };
  const problem = textProblem(text, 'it');
  if (problem) return { problem };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problem: `it is not JSON (${err.message})` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { problem: `it is a JSON ${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc}; expected an object: an ApplicationIR ({"name", "entities": […]}) or an OpenAPI document ({"openapi": "3.x", …})` };
  }
  if (!('entities' in doc) && !('openapi' in doc) && !('swagger' in doc)) {
    return { problem: 'the required field "entities" (an ApplicationIR) is missing, and it has no "openapi" or "swagger" version (an OpenAPI document) either' };
  }
  return { doc };
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

// A limit from its field: a whole number within the field's own min and max, else null with the
// allowed range said next to the field (the preview waits for a valid value, never guesses one).
function limit(id) {
  const input = $(id);
  const min = Number(input.min), max = Number(input.max), raw = input.value.trim();
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  const ok = Number.isSafeInteger(n) && n >= min && n <= max;
  fieldError(id, ok ? null : `A whole number from ${min} to ${max}.`);
  return ok ? n : null;
}

// The target field: any name for an entity or a schema, "METHOD /path" for an endpoint.
function checkTarget(scope, target) {
  const problem = textProblem(target, 'The target') ?? (scope !== 'endpoint' || !target || ENDPOINT.test(target) ? null
    : 'Expected "METHOD /path" for an endpoint, e.g. POST /orders.');
  return fieldError('#target', problem);
}

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

// Why the Neo4j URL cannot be used, or null. Never repeats the URL: it may hold a password.
function uriProblem(uri) {
  if (!uri) return 'Enter the URL of the Neo4j Query API, e.g. http://127.0.0.1:7474.';
  const problem = textProblem(uri, 'The URL');
  if (problem) return problem;
  let url;
  try {
    url = new URL(uri);
  } catch {
    return 'Not a URL: expected http://host:7474 (or https://).';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? null
    : `The page talks to Neo4j's HTTP Query API: the URL starts with http:// or https://, not ${url.protocol}//.`;
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
    state.runs = stats.runs ?? [];
    drawCurve();
  } catch (err) {
    status('#store-status', describeError(err), true);
  }
  previewPrompt();
}

// ---- the learning curve ------------------------------------------------------------------
// Drawn at the width it gets on screen (one SVG unit is one CSS pixel), so that its text stays
// 12 px on a 375 px phone as on a 1280 px screen: lib/chart.mjs draws in a fixed 640-unit box,
// which shrinks its text with the chart (to 6 px on a phone). Redrawn when that width changes.

const CURVE = { char: 7, title: 18, gap: 6, top: 14, bottom: 42, minLabel: 44 };

function wireCurve() {
  new ResizeObserver(() => {
    if (Math.round($('#curve').clientWidth) !== state.curveWidth) drawCurve();
  }).observe($('#curve'));
}

function drawCurve() {
  const box = $('#curve');
  const open = box.querySelector('details')?.open ?? false; // the table stays as the user left it
  state.curveWidth = Math.round(box.clientWidth);
  if (!state.runs.length) {
    show(box, el('p', { class: 'hint', 'data-testid': 'chart-empty' },
      'No runs yet: record a smoke run or load the example history to see the learning curve.'));
    return;
  }
  show(box, el('figure', { class: 'curve' }, curveChart(state.runs, state.curveWidth || 640), curveLegend(), historyTable(state.runs, open)));
}

// The plot's geometry for n runs at this width: margins sized for the tick labels and axis titles.
function curveFrame(runs, width) {
  const maxErrors = Math.max(1, ...runs.map((r) => Number(r.violations) || 0));
  const yMax = 2 * Math.ceil(maxErrors / 2); // so that the middle tick is a whole number too
  const left = CURVE.title + CURVE.gap + CURVE.char * String(yMax).length + CURVE.gap;
  const right = CURVE.title + CURVE.gap + CURVE.char * 4 + CURVE.gap; // "100%"
  const plotW = Math.max(80, width - left - right);
  const plotH = Math.round(Math.min(240, Math.max(150, plotW * 0.45)));
  return { yMax, left, plotW, plotH, width, height: CURVE.top + plotH + CURVE.bottom, step: plotW / runs.length };
}

function curveChart(runs, width) {
  const f = curveFrame(runs, width);
  const y = (frac) => CURVE.top + f.plotH * (1 - frac);
  const x = (i) => f.left + f.step * (i + 0.5);
  const barW = Math.max(2, Math.min(28, f.step * 0.3));
  const chart = svg('svg', {
    class: 'chart', width: f.width, height: f.height, viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'data-testid': 'chart',
    'aria-label': `Learning curve over ${runs.length} run${runs.length === 1 ? '' : 's'}: errors and repeated errors per run, prevention rate`,
  }, svg('title', {}, 'Errors, repeated errors and prevention rate per run'));
  for (const frac of [0, 0.5, 1]) {
    chart.append(svg('line', { x1: f.left, x2: f.left + f.plotW, y1: y(frac), y2: y(frac), class: 'grid' }),
      svg('text', { x: f.left - CURVE.gap, y: y(frac) + 4, class: 'axis tick', 'text-anchor': 'end' }, String(frac * f.yMax)),
      svg('text', { x: f.left + f.plotW + CURVE.gap, y: y(frac) + 4, class: 'axis tick' }, `${frac * 100}%`));
  }
  const every = Math.ceil(CURVE.minLabel / f.step); // label every n-th run when they are dense
  runs.forEach((run, i) => {
    const errors = Number(run.violations) || 0, repeated = Number(run.repeated_errors) || 0;
    chart.append(
      svg('rect', { x: x(i) - barW, y: y(errors / f.yMax), width: barW, height: y(0) - y(errors / f.yMax), class: 'bar-errors' },
        svg('title', {}, `${run.run_id}: ${errors} errors`)),
      svg('rect', { x: x(i), y: y(repeated / f.yMax), width: barW, height: y(0) - y(repeated / f.yMax), class: 'bar-repeated' },
        svg('title', {}, `${run.run_id}: ${repeated} repeated`)));
    if (i % every === 0) {
      chart.append(svg('text', { x: x(i), y: y(0) + 16, class: 'axis run-label', 'text-anchor': 'middle' }, runLabel(run.run_id, f.step * every)));
    }
  });
  const rate = (run) => y(Number(run.prevention_rate) || 0);
  chart.append(svg('polyline', { points: runs.map((run, i) => `${x(i)},${rate(run)}`).join(' '), class: 'line-rate' }),
    ...runs.map((run, i) => svg('circle', { cx: x(i), cy: rate(run), r: 4, class: 'dot-rate' },
      svg('title', {}, `${run.run_id}: ${pct(run.prevention_rate)} prevented`))),
    ...axisTitles(f));
  return chart;
}

// Rotated titles read bottom-up on the left and top-down on the right, beside their tick labels.
function axisTitles(f) {
  const mid = CURVE.top + f.plotH / 2;
  return [
    svg('text', { class: 'axis-title', 'data-testid': 'chart-y-title', 'text-anchor': 'middle', transform: `translate(${CURVE.title - 4} ${mid}) rotate(-90)` }, 'Errors per run'),
    svg('text', { class: 'axis-title', 'data-testid': 'chart-y2-title', 'text-anchor': 'middle', transform: `translate(${f.width - CURVE.title + 4} ${mid}) rotate(90)` }, 'Prevention rate'),
    svg('text', { class: 'axis-title', 'data-testid': 'chart-x-title', 'text-anchor': 'middle', x: f.left + f.plotW / 2, y: f.height - 6 }, 'Run, oldest first'),
  ];
}

// Long run ids keep their end (where ids differ) and fit the room of their run; the table has them whole.
function runLabel(id, room) {
  const max = Math.max(3, Math.floor((room - 6) / CURVE.char));
  const s = String(id);
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}

const pct = (r) => `${(100 * (Number(r) || 0)).toFixed(1)}%`;

function curveLegend() {
  const key = (kind, text) => el('span', { class: 'legend-item' }, el('span', { class: `key key-${kind}` }), text);
  return el('p', { class: 'legend', 'data-testid': 'chart-legend' },
    key('errors', 'Errors per run'), key('repeated', 'Repeated errors (a known pattern again)'), key('rate', 'Prevention rate (right axis)'));
}

// The numbers in a box of their own that scrolls (by keyboard too: it is focusable) when the
// table is wider than the page's column: long run ids do not widen the page.
function historyTable(runs, open) {
  const table = el('table', { 'data-testid': 'history' },
    el('caption', {}, 'Run history'),
    el('thead', {}, el('tr', {}, ['Run', 'Errors', 'Repeated', 'Injected', 'Prevented', 'Prevention rate'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, runs.map((r) => el('tr', {},
      el('th', { scope: 'row' }, r.run_id), el('td', {}, r.violations), el('td', {}, r.repeated_errors),
      el('td', {}, r.injected), el('td', {}, r.prevented), el('td', {}, pct(r.prevention_rate))))));
  return el('details', { open }, el('summary', {}, 'Numbers'),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Run history (scrolls when wider than the page)', 'data-testid': 'history-wrap' }, table));
}

// ---- raw JSON ----------------------------------------------------------------------------
// Each result (classification, record, prompt preview) has a button that shows or hides the
// value the API returned, pretty-printed, as text in a <pre>.

function wireRaw(name) {
  const button = $(`#${name}-raw-toggle`);
  button.addEventListener('click', () => openRaw(name, button.getAttribute('aria-expanded') !== 'true'));
}

function openRaw(name, open) {
  $(`#${name}-raw-toggle`).setAttribute('aria-expanded', String(open));
  $(`#${name}-raw`).hidden = !open;
}

// The value to show, or null when there is no result: the toggle is then disabled and closed.
function setRaw(name, value) {
  $(`#${name}-raw`).textContent = value == null ? '' : JSON.stringify(value, null, 2);
  $(`#${name}-raw-toggle`).disabled = value == null;
  if (value == null) openRaw(name, false);
}

// ---- input checks ------------------------------------------------------------------------

// The core's input limit (FW_DEFAULT_MAX_INPUT): texts over it are refused by the page first,
// with their size, so that the message says what to do.
const MAX_BYTES = 4 * 1024 * 1024;

// Marks a field valid (message null) or invalid with the message next to it; returns validity.
function fieldError(id, message) {
  $(id).setAttribute('aria-invalid', String(Boolean(message)));
  $(`${id}-error`).textContent = message ? sentence(message) : '';
  return !message;
}

// Messages are built from parts (the core's among them): each is shown as one full sentence.
const sentence = (s) => (/[.!?]$/.test(s) ? s : `${s}.`);

const size = (n) => `${n.toLocaleString('en')} bytes${n >= 1024 * 1024 ? ` (${(n / 1048576).toFixed(1)} MiB)` : ''}`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Why a text cannot go to the core, or null. A lone UTF-16 surrogate (a broken copy and paste,
// or a script) has no UTF-8 form: the encoder would silently turn it into U+FFFD, so the core
// would read another text than the one shown. `what` starts the sentence ("The text").
function textProblem(text, what) {
  if (!(text.isWellFormed?.() ?? !LONE_SURROGATE.test(text))) {
    const at = text.search(LONE_SURROGATE);
    const before = text.slice(0, at).split('\n');
    const code = text.charCodeAt(at).toString(16).toUpperCase();
    return `${what} holds a lone surrogate (U+${code}) at line ${before.length}, column ${before.at(-1).length + 1}, which has no UTF-8 form: delete it, or copy the text again from its source`;
  }
  const bytes = new Blob([text]).size;
  return bytes > MAX_BYTES ? `${what} is ${size(bytes)} of UTF-8, over the limit of ${size(MAX_BYTES)}` : null;
}

// A file's text: refused when empty, over `max` bytes (before it is read), or not UTF-8. File.text()
// would turn bad bytes into U+FFFD without a word; the strict decoder refuses them.
async function readTextFile(file, max = MAX_BYTES) {
  if (file.size === 0) throw new Error(`${file.name} is empty (0 bytes).`);
  if (file.size > max) throw new Error(`${file.name} is ${size(file.size)}, over the limit of ${size(max)}.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = badUtf8(bytes);
    throw new Error(`${file.name} is not UTF-8 text: byte ${at.toLocaleString('en')} (0x${bytes[at].toString(16).padStart(2, '0')}) starts no valid character. Save it as UTF-8 and open it again.`);
  }
}

// Offset of the first byte that does not begin a well-formed UTF-8 sequence (no overlongs, no
// surrogates, nothing past U+10FFFF: what the strict TextDecoder refuses).
function badUtf8(b) {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80, hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length; // not reached when the decoder refused the bytes
}

// Opens the file chosen in `input` into the text box `target`, then runs `then`. A file that
// cannot be read empties the box (opening replaces its content): the error says why, next to
// the file field, and nothing of the file is used.
async function openInto(input, target, then) {
  const file = input.files?.[0];
  input.value = ''; // choosing the same file again is a new change
  if (!file) return;
  try {
    $(target).value = await readTextFile(file);
    fieldError(`#${input.id}`, null);
  } catch (err) {
    $(target).value = '';
    fieldError(`#${input.id}`, `Not opened: ${describeError(err)}`);
  }
  then();
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
