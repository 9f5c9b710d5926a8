// What the page checks in every text before the core sees it, so that what is wrong is said next
// to its field in words the user can act on. The checks are pure: each returns the problem (a
// sentence, or the part of one) or null. Only fieldError and openInto touch the page.

import { $ } from './dom.mjs';

// The core's input limit (FW_DEFAULT_MAX_INPUT): texts over it are refused by the page first,
// with their size, so that the message says what to do.
const MAX_BYTES = 4 * 1024 * 1024;

// "METHOD /path", as the core reads an endpoint.
const ENDPOINT = /^[A-Z]+ \/\S*$/;

// ---- messages ----------------------------------------------------------------------------

// Messages are built from parts (the core's among them): each is shown as one full sentence.
export const sentence = (s) => (/[.!?]$/.test(s) ? s : `${s}.`);

// The core's messages already start with the JSON path of a schema error.
export function describeError(err) {
  return String(err.message ?? err);
}

// Marks a field valid (message null) or invalid with the message next to it; returns validity.
export function fieldError(id, message) {
  $(id).setAttribute('aria-invalid', String(Boolean(message)));
  $(`${id}-error`).textContent = message ? sentence(message) : '';
  return !message;
}

const size = (n) => `${n.toLocaleString('en')} bytes${n >= 1024 * 1024 ? ` (${(n / 1048576).toFixed(1)} MiB)` : ''}`;

// ---- any text ----------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Why a text cannot go to the core, or null. A lone UTF-16 surrogate (a broken copy and paste,
// or a script) has no UTF-8 form: the encoder would silently turn it into U+FFFD, so the core
// would read another text than the one shown. `what` starts the sentence ("The text").
export function textProblem(text, what) {
  if (!(text.isWellFormed?.() ?? !LONE_SURROGATE.test(text))) {
    const at = text.search(LONE_SURROGATE);
    const before = text.slice(0, at).split('\n');
    const code = text.charCodeAt(at).toString(16).toUpperCase();
    return `${what} holds a lone surrogate (U+${code}) at line ${before.length}, column ${before.at(-1).length + 1}, which has no UTF-8 form: delete it, or copy the text again from its source`;
  }
  const bytes = new Blob([text]).size;
  return bytes > MAX_BYTES ? `${what} is ${size(bytes)} of UTF-8, over the limit of ${size(MAX_BYTES)}` : null;
}

// ---- the failure box ---------------------------------------------------------------------

// Why the failure box cannot be read at all, or null: white space only, not encodable as UTF-8,
// or over the core's limit. Checked before the text is parsed.
export function failureProblem(text) {
  if (!text.trim()) return text ? 'The text is empty (only white space): paste an error, a SmokeTestResult or a JUnit report.' : null;
  return textProblem(text, 'The text');
}

// What the failure box holds. A whole smoke run is JUnit XML (an XML declaration, or '<' and a
// <testsuite(s)> tag) or JSON that names a SmokeTestResult's keys (the page has always read an
// object with "violations" as a run). Such a text must be a valid run: it is never classified as
// one error instead, which is how pasted garbage got recorded as an "unknown" run. Any other
// text, JSON error bodies included (FastAPI 422, a Pydantic error list), is one error.
// Returns {kind: 'run', doc}, {kind: 'error', text} or {kind: 'bad', message}.
const RUN_KEYS = /"(?:run_id|violations|stack_traces)"\s*:/;

export function readInput(text) {
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

// The endpoint beside an error: empty, or "METHOD /path".
export function endpointProblem(value) {
  return textProblem(value, 'The endpoint') ?? (!value || ENDPOINT.test(value) ? null
    : 'Expected "METHOD /path", e.g. POST /products (an upper-case method, a path starting with /).');
}

// ---- the spec ----------------------------------------------------------------------------

// The spec box's document, or {problem}: what the page can say before the core (which names the
// JSON path of anything deeper) reads it. An empty box is "no spec", never a problem.
export function readSpec(text) {
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

// ", from OpenAPI 3.1.0" when the spec is an OpenAPI (or Swagger) document the core derived the
// IR from; "" for an ApplicationIR.
export function specSource(doc) {
  if (typeof doc?.openapi === 'string') return `, from OpenAPI ${doc.openapi}`;
  if (typeof doc?.swagger === 'string') return `, from Swagger ${doc.swagger}`;
  return '';
}

// ---- the prompt preview ------------------------------------------------------------------

// A limit field's value: a whole number within the field's own min and max, else null with the
// allowed range as the problem (the preview waits for a valid value, never guesses one).
export function readLimit(raw, min, max) {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  const ok = Number.isSafeInteger(n) && n >= min && n <= max;
  return ok ? { value: n, problem: null } : { value: null, problem: `A whole number from ${min} to ${max}.` };
}

// The target field: any name for an entity or a schema, "METHOD /path" for an endpoint.
export function targetProblem(scope, target) {
  return textProblem(target, 'The target') ?? (scope !== 'endpoint' || !target || ENDPOINT.test(target) ? null
    : 'Expected "METHOD /path" for an endpoint, e.g. POST /orders.');
}

// ---- the Neo4j connection ----------------------------------------------------------------

// Why the Neo4j URL cannot be used, or null. Never repeats the URL: it may hold a password.
export function uriProblem(uri) {
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

// ---- files -------------------------------------------------------------------------------

// A file's text: refused when empty, over `max` bytes (before it is read), or not UTF-8. File.text()
// would turn bad bytes into U+FFFD without a word; the strict decoder refuses them.
export async function readTextFile(file, max = MAX_BYTES) {
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
export async function openInto(input, target, then) {
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

// The run id a manifest is kept for: empty (no manifest), or up to 200 printable characters
// without spaces, as generation pipelines name their runs.
export function runIdProblem(value) {
  if (!value) return null;
  if (value.length > 200) return `A run id is at most 200 characters; this one has ${value.length}`;
  return /^[^\s\p{Cc}]+$/u.test(value) ? null : 'A run id has no spaces or control characters, e.g. gen-42';
}
