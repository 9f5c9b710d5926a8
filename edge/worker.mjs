// edge/worker.mjs - forewarn as an edge function: a module worker (workerd / Cloudflare Workers)
// serving POST /classify and POST /enhance, JSON in and out, over the same forewarn.wasm as the
// JavaScript API. edge/config.capnp serves it with workerd (`npm run edge`); the imports below
// are repository paths, so a bundler (wrangler, esbuild) resolves them too. The runtime hands
// over the module precompiled: compiling WebAssembly from bytes is refused in workerd.
//
// Settings (env bindings, all optional):
//   TOKEN            requests need "Authorization: Bearer TOKEN" (401 otherwise)
//   ALLOWED_ORIGIN   the origin (or comma-separated origins) that gets CORS headers
//   MAX_BODY_BYTES   request body limit in bytes (default 1 MiB; 413 above)
//   NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
//                    a Neo4j pattern store (HTTP Query API) for /enhance requests without
//                    "patterns": read with fw.Neo4jStore over fetch, see README "Edge function"
//
// Errors are {"error": {"code", "message", "path"?, "rule_id"?}} with 400 (malformed JSON, bad
// fields), 401, 404, 405, 413, 415, 422 (the core refused the input: invalid UTF-8, empty text,
// a schema error in ir/patterns/rules...), 502 (Neo4j refused: authentication, unknown database,
// Cypher error), 503 (Neo4j unreachable), 500 (internal faults only).

import { Forewarn, ForewarnError, readBounded } from '../wasm/forewarn.mjs';
import wasmModule from '../wasm/dist/forewarn.wasm';

const DEFAULT_MAX_BODY = 1024 * 1024;
const SCOPES = new Set(['entity', 'endpoint', 'schema']);
const ENHANCE_OPTIONS = ['maxPatterns', 'minOccurrences', 'budget', 'quoteCap'];
// the holdout (issue 15): a fraction of slots withheld per run, and when lessons retire
const HOLDOUT_OPTIONS = ['holdout', 'runId', 'lifecycle'];
const LIFECYCLE_OPTIONS = ['minLift', 'minExposures', 'unseenRuns', 'retireAfter'];
const ROUTES = new Set(['/classify', '/enhance']);
const RULES_CACHE_SIZE = 8;

// ---- The module instance: one per isolate ---------------------------------------------------

let fwPromise = null;
let rulesCache = new Map(); // rule pack text -> compiled Rules of the current instance (LRU)

function instance() {
  // Forewarn.load memoises per Module; after a trap the instance is replaced (see reset()).
  fwPromise ??= Forewarn.load(wasmModule).catch((e) => {
    fwPromise = null;
    throw e;
  });
  return fwPromise;
}

// A trap (RuntimeError) may leave the instance's memory inconsistent: start a fresh one.
function reset() {
  fwPromise = Forewarn.instantiate(wasmModule).catch((e) => {
    fwPromise = null;
    throw e;
  });
  rulesCache = new Map();
}

function compiledRules(fw, pack) {
  const key = typeof pack === 'string' ? pack : JSON.stringify(pack);
  let rules = rulesCache.get(key);
  if (rules) {
    rulesCache.delete(key); // most recently used last
  } else {
    rules = new fw.Rules(key);
    if (rulesCache.size >= RULES_CACHE_SIZE) {
      const [oldKey, old] = rulesCache.entries().next().value;
      rulesCache.delete(oldKey);
      old.delete();
    }
  }
  rulesCache.set(key, rules);
  return rules;
}

// ---- Responses ------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, code, message, { headers, path, ruleId } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.path = path;
    this.ruleId = ruleId;
  }
}

const fieldError = (path, message) => new HttpError(400, 'field', `${path}: ${message}`, { path });

function json(status, body, headers = {}) {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
  });
}

function errorResponse(e) {
  const error = { code: e.code, message: e.message };
  if (e.path) error.path = e.path;
  if (e.ruleId) error.rule_id = e.ruleId;
  return json(e.status, { error }, e.headers);
}

// ---- Settings -------------------------------------------------------------------------------

function maxBodyBytes(env) {
  const v = env.MAX_BODY_BYTES;
  if (v === undefined || v === null || v === '') return DEFAULT_MAX_BODY;
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new HttpError(500, 'config', `MAX_BODY_BYTES must be a positive integer, not ${JSON.stringify(v)}`);
  }
  return n;
}

const allowedOrigins = (env) =>
  String(env.ALLOWED_ORIGIN ?? '').split(',').map((s) => s.trim()).filter(Boolean);

// CORS headers for an allowed Origin; nothing for any other (the browser then blocks the call).
function corsHeaders(request, env) {
  const origin = request.headers.get('origin');
  const allowed = allowedOrigins(env);
  if (allowed.length === 0) return {};
  const vary = { vary: 'Origin' }; // the answer depends on Origin: caches must not mix them
  if (!origin || !allowed.includes(origin)) return vary;
  return { ...vary, 'access-control-allow-origin': origin };
}

const neo4jSettings = (env) =>
  Object.keys(env).filter((k) => k.startsWith('NEO4J_') && env[k] !== null && env[k] !== undefined && env[k] !== '');

// The Neo4j store of the settings (credentials stay in it; messages name settings, not values).
// An edge request should fail fast: 2 retries, 10 s per request.
function neo4jStore(fw, env) {
  const set = neo4jSettings(env);
  if (!set.includes('NEO4J_URI')) {
    throw new HttpError(500, 'config', `NEO4J_URI is not set, but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'}`);
  }
  try {
    return new fw.Neo4jStore({
      uri: String(env.NEO4J_URI), username: env.NEO4J_USERNAME || undefined,
      password: env.NEO4J_PASSWORD ?? undefined, database: env.NEO4J_DATABASE || undefined,
      retries: 2, backoffMs: 200, timeoutMs: 10000,
    });
  } catch (e) {
    if (e instanceof ForewarnError) throw new HttpError(500, 'config', e.message.replace(/^Neo4jStore: uri/, 'NEO4J_URI'));
    throw e;
  }
}

// Compares every byte whatever the first difference (no early exit on a wrong prefix).
function sameToken(a, b) {
  const enc = new TextEncoder();
  const x = enc.encode(a), y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0, n = Math.max(x.length, y.length); i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function checkToken(request, env) {
  const token = env.TOKEN;
  if (token === undefined || token === null || token === '') return;
  const auth = request.headers.get('authorization');
  const m = auth && /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
  if (!m) {
    throw new HttpError(401, 'unauthorized', 'a bearer token is required (Authorization: Bearer TOKEN)', {
      headers: { 'www-authenticate': 'Bearer realm="forewarn"' },
    });
  }
  if (!sameToken(m[1], String(token))) {
    throw new HttpError(401, 'unauthorized', 'the bearer token is not valid', {
      headers: { 'www-authenticate': 'Bearer realm="forewarn", error="invalid_token"' },
    });
  }
}

// ---- The request body -----------------------------------------------------------------------

function checkContentType(request) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
    throw new HttpError(415, 'content_type',
      `expected Content-Type: application/json, not ${type ? JSON.stringify(type) : 'none'}`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers.get('content-type'))?.[1];
  if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw new HttpError(415, 'content_type', `expected UTF-8 JSON, not charset ${charset}`);
  }
}

const tooLarge = (limit) =>
  new HttpError(413, 'too_large', `the request body is larger than ${limit} bytes (MAX_BODY_BYTES)`);

// The body's bytes, refusing more than `limit` (by Content-Length at once, else while reading).
async function readBody(request, limit) {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) {
    request.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
  if (!request.body) return new Uint8Array(0);
  const bytes = await readBounded(request.body, limit);
  if (!bytes) throw tooLarge(limit);
  return bytes;
}

async function readJson(request, env) {
  checkContentType(request);
  const bytes = await readBody(request, maxBodyBytes(env));
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(422, 'utf8', 'the request body is not valid UTF-8');
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'json', `malformed JSON: ${e.message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'json', 'the request body must be a JSON object');
  }
  // JSON.parse keeps the last of a key given twice and lets a NUL through; the core refuses
  // both, so the edge reads every body as the CLI reads the same document
  try {
    (await instance()).checkJson(text);
  } catch (e) {
    if (e instanceof ForewarnError) throw new HttpError(400, 'json', e.message);
    throw e;
  }
  return body;
}

// ---- Fields ---------------------------------------------------------------------------------

function checkKeys(obj, known, where) {
  for (const k of Object.keys(obj)) if (!known.includes(k)) throw fieldError(`${where}.${k}`, 'unknown field');
}

function stringField(body, key, { required = false, nullable = false, nonEmpty = false } = {}) {
  const v = body[key];
  if (v === undefined || (v === null && nullable)) {
    if (required) throw fieldError(`$.${key}`, 'required');
    return null;
  }
  if (typeof v !== 'string') throw fieldError(`$.${key}`, 'expected a string');
  if (nonEmpty && v === '') throw fieldError(`$.${key}`, 'must not be empty');
  if (!v.isWellFormed()) {
    throw new HttpError(422, 'utf8', `$.${key}: contains a lone surrogate (not encodable as UTF-8)`, { path: `$.${key}` });
  }
  return v;
}

// A document field (ir, rules): a JSON object, or JSON text of one; the core parses and checks it.
function documentField(body, key) {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || (typeof v === 'object' && !Array.isArray(v))) return v;
  throw fieldError(`$.${key}`, 'expected a JSON object (or its JSON text)');
}

// WTF-8 bytes of a string with lone surrogates: the core's UTF-8 check then refuses them (422)
// as it refuses any invalid UTF-8, instead of TextEncoder quietly replacing them with U+FFFD.
function wtf8(s) {
  const out = new Uint8Array(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
    else if (c < 0x10000) { out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
    else {
      out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
    }
  }
  return out.subarray(0, n);
}

// ---- Routes ---------------------------------------------------------------------------------

async function classify(body) {
  checkKeys(body, ['text', 'ir', 'endpoint', 'rules'], '$');
  const v = body.text;
  if (v === undefined || v === null) throw fieldError('$.text', 'required');
  if (typeof v !== 'string') throw fieldError('$.text', 'expected a string');
  const text = v.isWellFormed() ? v : wtf8(v);
  const endpoint = stringField(body, 'endpoint', { nullable: true });
  const ir = documentField(body, 'ir');
  const pack = documentField(body, 'rules');
  const fw = await instance();
  const rules = pack === null ? undefined : compiledRules(fw, pack);
  return fw.raw.classify(text, { ir, endpoint, rules });
}

// options.holdout (0..1, with options.runId) and options.lifecycle, checked as the CLI checks
// --holdout, --run-id and the lifecycle options.
function checkHoldout(options) {
  const { holdout, runId, lifecycle } = options;
  if (holdout !== undefined && holdout !== null && !(typeof holdout === 'number' && holdout >= 0 && holdout <= 1))
    throw fieldError('$.options.holdout', 'expected a fraction from 0 to 1');
  if (runId !== undefined && runId !== null && !(typeof runId === 'string' && runId.length > 0 && runId.length <= 256))
    throw fieldError('$.options.runId', 'expected a non-empty string');
  if (holdout > 0 && !runId) throw fieldError('$.options.runId', 'required with a holdout: its slots are drawn per run');
  if (lifecycle === undefined || lifecycle === null) return;
  if (typeof lifecycle !== 'object' || Array.isArray(lifecycle)) throw fieldError('$.options.lifecycle', 'expected an object');
  checkKeys(lifecycle, LIFECYCLE_OPTIONS, '$.options.lifecycle');
  const { minLift, minExposures, unseenRuns, retireAfter } = lifecycle;
  if (minLift !== undefined && minLift !== null && !(typeof minLift === 'number' && minLift >= -1 && minLift <= 1))
    throw fieldError('$.options.lifecycle.minLift', 'expected a number from -1 to 1');
  const whole = (n) => Number.isSafeInteger(n) && n >= 1 && n <= 0x7fffffff;
  if (minExposures !== undefined && minExposures !== null && !whole(minExposures))
    throw fieldError('$.options.lifecycle.minExposures', 'expected an integer of at least 1');
  if (unseenRuns !== undefined && unseenRuns !== null && unseenRuns !== 'never' && !whole(unseenRuns))
    throw fieldError('$.options.lifecycle.unseenRuns', 'expected an integer of at least 1, or "never"');
  if (retireAfter !== undefined && retireAfter !== null && !whole(retireAfter))
    throw fieldError('$.options.lifecycle.retireAfter', 'expected an integer of at least 1');
}

async function enhance(body, env) {
  checkKeys(body, ['prompt', 'scope', 'target', 'ir', 'patterns', 'options'], '$');
  const prompt = stringField(body, 'prompt', { required: true });
  const scope = stringField(body, 'scope', { required: true });
  if (!SCOPES.has(scope)) throw fieldError('$.scope', `expected entity, endpoint or schema, not ${JSON.stringify(scope)}`);
  const target = stringField(body, 'target', { required: true, nonEmpty: true });
  const ir = documentField(body, 'ir');
  const options = body.options ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) throw fieldError('$.options', 'expected an object');
  checkKeys(options, [...ENHANCE_OPTIONS, ...HOLDOUT_OPTIONS], '$.options');
  for (const k of ENHANCE_OPTIONS) {
    const n = options[k];
    if (n !== undefined && n !== null && !(Number.isSafeInteger(n) && n >= 0 && n <= 0x7fffffff)) {
      throw fieldError(`$.options.${k}`, 'expected a non-negative integer');
    }
  }
  checkHoldout(options);
  let doc = body.patterns;
  if (doc === undefined || doc === null) {
    if (neo4jSettings(env).length === 0) {
      throw fieldError('$.patterns', 'required: no pattern store is configured (a store document or an array of patterns)');
    }
    const fw = await instance();
    const store = neo4jStore(fw, env);
    return store.enhance(prompt, { scope, target }, { ir, ...options });
  }
  if (Array.isArray(doc)) doc = { format: 'forewarn-store', version: 1, patterns: doc, unclassified: [], runs: [] };
  else if (typeof doc !== 'object') throw fieldError('$.patterns', 'expected a store document or an array of patterns');
  const fw = await instance();
  const store = new fw.MemoryStore(doc);
  try {
    return fw.raw.enhance(prompt, { scope, target }, store, { ir, ...options });
  } finally {
    store.delete();
  }
}

// Core statuses: the input was refused (422), or a fault of this worker (500).
const CORE_STATUS = {
  json: 422, schema: 422, utf8: 422, empty: 422, too_large: 422, rule_compile: 422, rule_limit: 422, budget: 422,
  argument: 400,
};

async function handle(request, env) {
  const url = new URL(request.url);
  const cors = corsHeaders(request, env);
  try {
    if (!ROUTES.has(url.pathname)) throw new HttpError(404, 'not_found', `no route ${url.pathname} (POST /classify, POST /enhance)`);
    if (request.method === 'OPTIONS') {
      const headers = { allow: 'POST, OPTIONS', ...cors };
      if (cors['access-control-allow-origin'] && request.headers.get('access-control-request-method')) {
        headers['access-control-allow-methods'] = 'POST, OPTIONS';
        headers['access-control-allow-headers'] = 'Authorization, Content-Type';
        headers['access-control-max-age'] = '600';
      }
      return new Response(null, { status: 204, headers });
    }
    if (request.method !== 'POST') {
      throw new HttpError(405, 'method', `${url.pathname} takes POST, not ${request.method}`, { headers: { allow: 'POST, OPTIONS' } });
    }
    checkToken(request, env);
    const body = await readJson(request, env);
    const out = url.pathname === '/classify' ? await classify(body) : await enhance(body, env);
    return json(200, out, cors);
  } catch (e) {
    let err = e;
    if (e instanceof ForewarnError && e.code === 'neo4j') {
      // the store's messages never hold credentials: unreachable (503) or refused (502)
      err = e.status === 0
        ? new HttpError(503, 'neo4j_unavailable', e.message, { headers: { 'retry-after': '5' } })
        : new HttpError(502, 'neo4j', e.message);
    } else if (e instanceof ForewarnError) {
      const status = CORE_STATUS[e.code] ?? 500;
      err = new HttpError(status, e.code, e.message, { path: e.path, ruleId: e.ruleId });
    } else if (!(e instanceof HttpError)) {
      if (e instanceof WebAssembly.RuntimeError) reset();
      console.error('forewarn edge: internal error', e);
      err = new HttpError(500, 'internal', 'internal error');
    }
    if (err.status === 500 && e instanceof ForewarnError) console.error('forewarn edge: core error', e);
    return errorResponse(Object.assign(err, { headers: { ...cors, ...err.headers } }));
  }
}

export default { fetch: handle };
