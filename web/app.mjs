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
  readTextFile, runIdProblem, sentence, specSource, targetProblem, textProblem, uriProblem,
} from './lib/input-checks.mjs';
import { setRaw, wireRaw } from './lib/raw-view.mjs';
import { BrowserPatterns, Neo4jPatterns } from './lib/stores.mjs';
import { highlighted, matchSpans } from './lib/highlight.mjs';
import { Manifests } from './lib/manifests.mjs';
import { mountPatternBrowser } from './lib/pattern-browser.mjs';
import { decodeShare, encodeShare } from './lib/share-link.mjs';

const state = {
  fw: null,
  ir: null,          // the parsed IR (fw.IR) or null
  irDoc: null,       // its normalised JSON
  examples: null,    // vendor/examples.json
  input: null,       // what the failure box holds: {kind: 'error'|'run', ...}
  browser: null,     // BrowserPatterns
  neo4j: null,       // Neo4jPatterns, once connected
  store: null,       // the store in use (browser or Neo4j); null: Neo4j chosen, not connected
  manifests: null,   // the manifests of the page's enhance step (lib/manifests.mjs)
  preview: null,     // the last prompt preview's result (its injections go into a manifest)
  previewKey: null,  // the inputs it was made from
  specSeq: 0,        // counts spec changes (a preview of another spec is another preview)
  promptSeq: 0,      // drops answers of outdated prompt requests (Neo4j is asynchronous)
  storeSeq: 0,       // the same for the store's summary, patterns and curve
  specError: false,  // the spec box holds something that is not a usable spec
  drawCurve: null,   // shows a run history as the learning curve (lib/chart.mjs)
  showPatterns: null, // shows the store's patterns in the browser (lib/pattern-browser.mjs)
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
  state.manifests = new Manifests();
  status('#load-status', `Classifier ready (forewarn ${state.fw.version}).`);
  if (state.browser.notice) status('#store-status', state.browser.notice, true);

  fillExamples();
  for (const name of ['result', 'record', 'prompt']) wireRaw(name);
  wireFailure();
  wireSpec();
  wirePrompt();
  wireStore();
  wireShare();
  state.drawCurve = mountLearningCurve($('#curve'));
  state.showPatterns = mountPatternBrowser($('#pattern-browser'), {
    store: () => state.store,
    confirm: (text) => confirm(text),
    onChange: refreshStore,
    status: (text, isError) => status('#store-status', text, isError),
  });
  await restoreShared();
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
  showMatch(null);
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
      showMatch(input.text, c);
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

// The pasted text as forewarn keeps it (redacted), with the part each rule matched marked.
function showMatch(text, classification) {
  const box = $('#match');
  if (text === null || !classification || classification.category === 'unknown') {
    box.hidden = true;
    $('#match-view').replaceChildren();
    return;
  }
  const shown = state.fw.redact(text);
  const spans = matchSpans(shown, classification);
  show($('#match-view'), highlighted(shown, spans));
  const n = spans.filter((x) => x.kind === 'match').length;
  $('#match-note').textContent = n
    ? `Marked: the message the rule matched${n > 1 ? ` (${n} errors)` : ''}, and in it the values it extracted. Secrets are shown as placeholders, as they are stored.`
    : `The rule matched a normalised form of this text: ${classification.message}`;
  box.hidden = false;
}

// A text field checked by problemOf: null when empty, the value when usable, else undefined
// with what is wrong said next to it.
function checkedField(id, problemOf) {
  const value = $(id).value.trim();
  const problem = problemOf(value);
  fieldError(id, problem);
  return problem ? undefined : value || null;
}

// The endpoint field: "METHOD /path".
const checkEndpoint = () => checkedField('#endpoint', endpointProblem);

// Why what the box holds is not recorded ('' when it holds nothing to record), or null. A run is
// recorded only from a valid SmokeTestResult or JUnit report, or from one error a rule recognised
// (made a one-violation run); never with a spec the page could not read (it would miss its mapping).
function recordBlocker() {
  const input = state.input;
  if (!input) return '';
  if (!state.store) return 'Not recordable until Neo4j is connected (section 4), or the patterns are kept in this browser.';
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
      // named by its content: the same text recorded again is the same run, and changes nothing
      run_id: `pasted-${contentId(`${endpoint}\n${input.text}`)}`,
      violations: [{ endpoint, status_code: 500, expected_status: 200, error_type: input.classification.error_type, message: 'pasted error' }],
      stack_traces: [{ endpoint, traceback: input.text }],
    };
  }
  const manifest = typeof smoke.run_id === 'string' ? state.manifests.get(smoke.run_id) : null;
  try {
    const result = await state.store.collect(smoke, state.ir, manifest);
    const measured = manifest && !result.already_ingested
      ? ` With the manifest of ${Manifests.describe(manifest)}: ${result.prevented} prevented, ${result.not_prevented} recurred.` : '';
    const label = state.store.label;
    setRaw('record', result);
    await refreshStore(); // the message comes once the summary, patterns and curve show the run
    status('#record-status', result.already_ingested
      ? `Run ${result.run_id} was already recorded in ${label}: nothing changed.`
      : `Recorded run ${result.run_id} in ${label}: ${result.patterns_created} new, ${result.patterns_updated} updated pattern(s).${measured}`);
  } catch (err) {
    setRaw('record', null);
    status('#record-status', describeError(err), true);
  }
}

// A short name for a text: FNV-1a 64, in hex (a name, not a secret's protection).
function contentId(text) {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
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
  state.specSeq++;
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
  $('#run-id').addEventListener('input', updateManifestButtons);
  $('#add-manifest').addEventListener('click', addToManifest);
  $('#download-manifest').addEventListener('click', downloadManifest);
}

// The run id field: the run the previewed prompts are for.
const runId = () => checkedField('#run-id', runIdProblem);

function updateManifestButtons() {
  const id = runId();
  $('#add-manifest').disabled = !id || !state.preview?.injected.length;
  $('#download-manifest').disabled = !id || !state.manifests.get(id);
}

// The preview's warnings go into the manifest of the run that will use this prompt.
function addToManifest() {
  const id = runId();
  if (!id || !state.preview) return;
  const added = state.manifests.add(id, state.preview.injected);
  const m = state.manifests.get(id);
  status('#manifest-status', `Manifest of run ${id}: ${Manifests.describe(m)}${added ? '' : ' (these were already in it)'}. ` +
    `Record that run's smoke result (its run_id "${id}") here, and what the warnings prevented is counted.`);
  updateManifestButtons();
}

function downloadManifest() {
  const id = runId();
  const m = id ? state.manifests.get(id) : null;
  if (m) download(JSON.stringify(m, null, 2), `manifest-${id.replace(/[^\w.-]+/g, '_')}.json`);
}

// Save text as a file the browser downloads.
function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
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
  if (!state.store) return { message: 'Connect to Neo4j (section 4) to see the warnings it holds.', isError: false };
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
  const options = {
    ir: state.ir,
    maxPatterns: limit('#max-patterns'),
    minOccurrences: limit('#min-occurrences'),
    budget: limit('#budget'),
    stack: chosenStack() ?? undefined,
  };
  // The last preview stays usable (for a manifest) while the same inputs are previewed again
  // after a store change; any other input change drops it at once.
  const key = JSON.stringify([scope, target, prompt, options.maxPatterns, options.minOccurrences, options.budget,
    options.stack, state.specSeq, state.store?.label]);
  if (key !== state.previewKey) {
    state.previewKey = key;
    state.preview = null;
    setRaw('prompt', null);
    updateManifestButtons();
  }
  const blocker = previewBlocker(options, scope, target, prompt);
  if (blocker) {
    state.preview = null;
    state.previewKey = null;
    setRaw('prompt', null);
    updateManifestButtons();
    out.textContent = prompt;
    status('#prompt-status', blocker.message, blocker.isError);
    return;
  }
  try {
    const result = await state.store.enhance(prompt, { scope, target }, options);
    if (seq !== state.promptSeq) return;
    out.textContent = result.prompt;
    setRaw('prompt', result);
    state.preview = result;
    updateManifestButtons();
    const n = result.injected.length;
    status('#prompt-status', n
      ? `${n} warning${n === 1 ? '' : 's'} injected from ${state.store.label}.`
      : `No known issue in ${state.store.label} for this target yet (at least ${options.minOccurrences} occurrences needed).`);
  } catch (err) {
    if (seq !== state.promptSeq) return;
    state.preview = null;
    state.previewKey = null;
    setRaw('prompt', null);
    updateManifestButtons();
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

// The store actions work on the store in use; clearing is for this browser's store only (a
// shared Neo4j is not emptied from a page).
function updateStoreActions() {
  const ready = Boolean(state.store);
  for (const id of ['#load-history', '#export-store', '#import-store']) $(id).disabled = !ready;
  $('#clear-store').hidden = state.store !== state.browser;
}

async function useSource(source) {
  $('#neo4j-panel').hidden = source !== 'neo4j';
  state.store = source === 'browser' ? state.browser : state.neo4j;
  status('#store-status', source === 'browser' || state.neo4j ? '' : 'Enter the Neo4j URL and credentials, then Connect.');
  updateRecord();
  await refreshStore();
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
    state.neo4j = store;
    if ($('input[name="source"][value="neo4j"]').checked) state.store = store;
    status('#store-status', `Connected to ${store.label}.`);
    updateRecord();
    await refreshStore();
  } catch (err) {
    status('#store-status', `Not connected: ${describeError(err)}`, true);
  } finally {
    button.disabled = false;
  }
}

async function loadHistory() {
  const store = state.store;
  const runs = state.examples?.runs ?? [];
  if (!store) return;
  let recorded = 0, message, failed = false;
  try {
    for (const { run, manifest } of runs) {
      const result = await store.collect(run, state.examples.ir, manifest ?? null);
      if (!result.already_ingested) recorded++;
    }
    message = `Example history: ${recorded} of ${runs.length} runs recorded in ${store.label}${recorded < runs.length ? ' (the others were already there: nothing changed for them)' : ''}.`;
  } catch (err) {
    [message, failed] = [describeError(err), true];
  }
  await refreshStore(); // the message comes once the page shows what it says
  status('#store-status', message, failed);
}

async function exportStore() {
  const store = state.store;
  if (!store) return;
  try {
    const text = await store.exportText();
    download(text, `forewarn-patterns-${new Date().toISOString().slice(0, 10)}.json`);
    const doc = JSON.parse(text);
    status('#store-status', `Exported ${doc.patterns.length} patterns and ${doc.runs.length} runs from ${store.label}.`);
  } catch (err) {
    status('#store-status', `Not exported: ${describeError(err)}`, true);
  }
}

async function importStore(event) {
  const store = state.store;
  const file = event.target.files?.[0];
  event.target.value = '';
  if (!file || !store) return;
  const warning = store.importWarning(file.name);
  if (warning && !confirm(warning)) return;
  let message, failed = false;
  try {
    message = `Imported ${file.name}: ${await store.importText(await readTextFile(file, Infinity))}.`;
  } catch (err) {
    [message, failed] = [`Not imported, nothing changed: ${describeError(err)}`, true];
  }
  await refreshStore();
  status('#store-status', message, failed);
}

async function refreshStore() {
  updateStoreActions();
  const store = state.store;
  if (!store) {
    $('#store-summary').textContent = 'Not connected to Neo4j: no patterns shown.';
    state.drawCurve([]);
    state.showPatterns([]);
    previewPrompt();
    return;
  }
  const seq = ++state.storeSeq;
  try {
    const [stats, patterns] = await Promise.all([store.stats(), store.patterns()]);
    // a later refresh (or another source) supersedes this one: a read sent before a write may
    // answer after the read that follows it (Neo4j), and must not show the older state
    if (seq !== state.storeSeq || store !== state.store) return;
    const t = stats.totals ?? {};
    $('#store-summary').textContent = `${t.patterns ?? 0} patterns from ${t.runs ?? 0} runs in ${store.label}; ${t.occurrences ?? 0} occurrences, ${t.prevented ?? 0} prevented.`;
    state.drawCurve(stats.runs ?? []);
    state.showPatterns(patterns);
  } catch (err) {
    status('#store-status', describeError(err), true);
  }
  previewPrompt();
}

// ---- the shareable link ------------------------------------------------------------------

const SHARED_FIELDS = {
  failure: '#failure-text', endpoint: '#endpoint', stack: '#stack', spec: '#ir-text', scope: '#scope', target: '#target',
  prompt: '#base-prompt', maxPatterns: '#max-patterns', minOccurrences: '#min-occurrences', budget: '#budget', runId: '#run-id',
};

function wireShare() {
  $('#share-state').addEventListener('click', shareState);
}

async function shareState() {
  const inputs = Object.fromEntries(Object.entries(SHARED_FIELDS).map(([key, id]) => [key, $(id).value]));
  try {
    const { fragment, redactions, dropped } = await encodeShare(inputs, (t) => state.fw.redact(t));
    const link = `${location.href.split('#')[0]}${fragment}`;
    const box = $('#share-link');
    box.value = link;
    box.hidden = false;
    box.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // no clipboard here: the link is selected in its box
    }
    status('#share-status', `${copied ? 'Link copied' : 'Link ready (selected below)'}: ${link.length} characters.` +
      `${redactions ? ` Secrets in ${redactions} field${redactions === 1 ? '' : 's'} were replaced by placeholders.` : ''}` +
      `${dropped.length ? ` Left out: ${dropped.join(', ')}.` : ''} The Neo4j connection is never in it.`);
  } catch (err) {
    status('#share-status', `No link: ${describeError(err)}`, true);
  }
}

// A link made by shareState(): its inputs put back, then classified and previewed.
async function restoreShared() {
  if (!location.hash) return;
  try {
    const inputs = await decodeShare(location.hash);
    if (!inputs) return;
    for (const [key, id] of Object.entries(SHARED_FIELDS)) {
      if (inputs[key] !== undefined) $(id).value = inputs[key];
    }
    if ($('#scope').selectedIndex < 0) $('#scope').value = 'entity';
    if ($('#stack').selectedIndex < 0) $('#stack').value = '';
    setSpec($('#ir-text').value); // classifies and previews too
    status('#share-status', 'Restored from a shared link.');
  } catch (err) {
    status('#share-status', `The shared link was not used: ${describeError(err)}`, true);
  }
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
