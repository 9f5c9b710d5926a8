// forewarn.mjs - the JavaScript API over the standalone forewarn.wasm (built by
// scripts/build-wasm.sh; no Emscripten glue). Loads in Node, browsers and edge runtimes that hand
// over a precompiled WebAssembly.Module. Pointers stay inside: every string copied into WASM
// memory is freed in `finally`, every handle has delete() with a FinalizationRegistry backstop,
// and a failing core call throws a ForewarnError (an Error with the core's status name as `code`
// and the core's message). Hostile input stays bounded: numbers are checked before they reach the
// core, a handle deleted by user code running inside a call is freed when the call returns, and
// Neo4j answers are size-limited and never followed through a redirect.

// The built-in rule pack (core/rules/default.json): the module does not embed it, each instance
// gets it once at load. Generated beside the module by scripts/build-wasm.sh.
import builtinRules from './dist/forewarn-rules.mjs';

// Resolved on first use: edge runtimes such as workerd have no import.meta.url (null), and
// there the caller passes the WebAssembly.Module it imported.
const defaultWasm = () => new URL('./dist/forewarn.wasm', import.meta.url);
const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * An Error from the core: `code` is its status name ("json", "schema", "utf8", ..., "neo4j").
 * Neo4j failures also carry `status` (the HTTP status; 0 when Neo4j was unreachable) and
 * `serverCode` (Neo4j's error code, when it sent one).
 */
export class ForewarnError extends Error {
  constructor(code, message, { path, ruleId, serverCode, status } = {}) {
    super(message || code);
    this.name = 'ForewarnError';
    this.code = code;
    if (path) this.path = path;
    if (ruleId) this.ruleId = ruleId;
    if (serverCode) this.serverCode = serverCode;
    if (status !== undefined) this.status = status;
  }
}

// ---- Loading --------------------------------------------------------------------------------

async function readUrl(url) {
  if (url.protocol === 'file:' && IS_NODE) {
    const [{ readFile }, { fileURLToPath }] = await Promise.all([import('node:fs/promises'), import('node:url')]);
    return readFile(fileURLToPath(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`forewarn: cannot load ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

// A WebAssembly.Module from whatever the caller has.
async function compile(source) {
  if (source === undefined || source === null) return WebAssembly.compile(await readUrl(defaultWasm()));
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    return WebAssembly.compile(await source.arrayBuffer());
  }
  if (source instanceof URL) return WebAssembly.compile(await readUrl(source));
  if (typeof source === 'string') {
    let url;
    try {
      url = new URL(source); // absolute URL
    } catch {
      if (IS_NODE) {
        const { readFile } = await import('node:fs/promises');
        return WebAssembly.compile(await readFile(source)); // a path, from the working directory
      }
      url = new URL(source, globalThis.location?.href ?? import.meta.url);
    }
    return WebAssembly.compile(await readUrl(url));
  }
  throw new TypeError('Forewarn.load: expected nothing, a path or URL, bytes, a Response or a WebAssembly.Module');
}

const loaded = new Map(); // memoised loads: key -> Promise<Forewarn>
const loadedByObject = new WeakMap();

function memoKey(source) {
  if (source === undefined || source === null) return 'default';
  if (typeof source === 'string') return `s:${source}`;
  if (source instanceof URL) return `s:${source.href}`;
  return null;
}

// Dates and strings as the core's ISO 8601 UTC form (seconds precision).
function isoNow(now) {
  if (now === undefined) now = new Date();
  if (now === null) return null;
  if (now instanceof Date) return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof now === 'string') return now;
  throw new TypeError('now: expected a Date or an ISO 8601 string');
}

// Bytes are recognised and measured with the intrinsic getters: a Uint8Array subclass can
// override `length` and a Proxy passes `instanceof`, and copying by a length that lies writes
// past the buffer allocated for it.
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayProto, 'length').get;
const isBytes = (v) => typedArrayName.call(v) === 'Uint8Array';

const asText = (doc) => (typeof doc === 'string' || isBytes(doc) ? doc : JSON.stringify(doc));

// A JUnit XML report rather than a SmokeTestResult: its first character after a BOM and white
// space is '<' (as fw_junit_detect() decides; no JSON document starts with one).
function isJUnit(doc) {
  if (typeof doc === 'string') return /^\uFEFF?[ \t\r\n]*</.test(doc);
  if (!isBytes(doc)) return false;
  const n = typedArrayLength.call(doc);
  let i = n >= 3 && doc[0] === 0xef && doc[1] === 0xbb && doc[2] === 0xbf ? 3 : 0;
  while (i < n && (doc[i] === 0x20 || doc[i] === 0x09 || doc[i] === 0x0d || doc[i] === 0x0a)) i++;
  return i < n && doc[i] === 0x3c;
}

// Several reports (Surefire writes one per class) as one text for the core: NUL-separated, which
// no XML document can hold.
function joinReports(reports) {
  const parts = reports.map((r, i) => {
    if (typeof r === 'string') return encoder.encode(r);
    if (isBytes(r)) return r;
    throw new TypeError(`JUnit report ${i}: expected a string or a Uint8Array, got ${typeof r}`);
  });
  const total = parts.reduce((n, p) => n + typedArrayLength.call(p) + 1, 0) - 1;
  const out = new Uint8Array(Math.max(total, 0));
  let at = 0;
  for (const p of parts) {
    if (at) out[at++] = 0;
    out.set(p, at);
    at += typedArrayLength.call(p);
  }
  return out;
}

// A number for the core: an integer in [min, max], or `fallback` when absent (undefined or null).
// WASM takes numbers through ToInt32, so anything else would wrap silently (2^32 + 10 arrives as
// 10, -1 as 4 GiB for a size_t, NaN as 0); the core's int and size_t both hold 2^31 - 1.
const INT_MAX = 0x7fffffff;
// fn(store), then the store freed whatever fn did (fn is synchronous: the store is gone after).
function usingStore(store, fn) {
  try {
    return fn(store);
  } finally {
    store.delete();
  }
}

function intOption(name, value, fallback, min = 0, max = INT_MAX) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new TypeError(`${name}: expected an integer from ${min} to ${max}, not ${shown}`);
  }
  return value;
}

// Neo4jStore bounds. Retries and waits are capped so that a store gives up within about two
// minutes of backoff at worst (10 retries of at most 10 s); an answer is held in memory whole.
const NEO4J_MAX_RETRIES = 10;
const NEO4J_MAX_TIMEOUT_MS = 600000;
const NEO4J_MAX_BACKOFF_MS = 10000;
const NEO4J_DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;
const REDACT_CACHE_SIZE = 4; // compiled `redact` packs kept per instance (most recently used)

// {scope, target} from {scope, target} or one of the shorthands {entity}, {endpoint}, {schema}.
// The lifecycle thresholds ({minLift, minExposures, unseenRuns, retireAfter}) as the core's
// arguments: NaN and 0 are its defaults, -1 "never" for unseenRuns.
function lifecycleArgs(lifecycle) {
  if (lifecycle === undefined || lifecycle === null) return [NaN, 0, 0, 0];
  if (typeof lifecycle !== 'object') throw new TypeError('lifecycle: expected {minLift?, minExposures?, unseenRuns?, retireAfter?}');
  const { minLift, minExposures, unseenRuns, retireAfter } = lifecycle;
  if (minLift !== undefined && minLift !== null && !(typeof minLift === 'number' && minLift >= -1 && minLift <= 1))
    throw new TypeError('lifecycle.minLift: expected a number from -1 to 1');
  const unseen = unseenRuns === 'never' ? -1 : intOption('lifecycle.unseenRuns', unseenRuns, 0, 1);
  return [minLift ?? NaN, intOption('lifecycle.minExposures', minExposures, 0, 1), unseen,
    intOption('lifecycle.retireAfter', retireAfter, 0, 1)];
}

function holdoutOption(holdout) {
  if (holdout === undefined || holdout === null) return 0;
  if (!(typeof holdout === 'number' && holdout >= 0 && holdout <= 1))
    throw new TypeError('holdout: expected a fraction from 0 to 1');
  return holdout;
}

function stateOption(state) {
  if (state === undefined || state === null) return null;
  if (!['active', 'escalated', 'retired'].includes(state))
    throw new TypeError('state: expected "active", "escalated" or "retired"');
  return state;
}

function resolveTarget(target) {
  let { scope, target: name } = target ?? {};
  if (!scope) {
    scope = ['entity', 'endpoint', 'schema'].find((s) => target?.[s] !== undefined);
    name = scope && target[scope];
  }
  return { scope, name };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The bytes of a stream (a fetch body), at most `limit` of them: null once more arrive (the
 * stream is cancelled then, so memory stays bounded by the limit). Chunks are measured with the
 * intrinsic getters; a chunk that is not bytes is a TypeError. Shared by the Neo4j client and the
 * edge worker's request bodies.
 */
export async function readBounded(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!isBytes(value)) throw new TypeError('the body is not a stream of bytes');
    size += typedArrayLength.call(value);
    if (size > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += typedArrayLength.call(c);
  }
  return bytes;
}

// Drop an answer's body unread (its connection can then be reused or closed).
function cancelBody(res) {
  try {
    res.body?.cancel?.()?.catch?.(() => {});
  } catch { /* a locked or foreign body: nothing to release */ }
}

// The token of one Neo4j ingest (fw_cypher_apply): 16 random bytes as 32 hex digits, from the
// Web Crypto API (browsers, also outside secure contexts; Node >= 20; workerd).
function ingestToken() {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new ForewarnError('argument', 'Neo4jStore: crypto.getRandomValues is not available for the ingest token');
  }
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Base64 of a string's UTF-8 bytes (btoa takes Latin-1 only).
function base64Utf8(s) {
  let bin = '';
  for (const b of encoder.encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

// Why a fetch failed, in words (Node wraps the socket error in `cause`).
function fetchFailure(e, timeoutMs) {
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = e?.cause;
  const why = cause?.code && cause?.message ? cause.message : cause?.message || e?.message || String(e);
  return why;
}

// ---- The module instance --------------------------------------------------------------------

export class Forewarn {
  /**
   * Load forewarn.wasm (memoised per source): nothing for ./dist/forewarn.wasm next to this
   * module, a path or URL, bytes, a Response, or a precompiled WebAssembly.Module.
   */
  static load(source) {
    const key = memoKey(source);
    const cache = key ? loaded : typeof source === 'object' ? loadedByObject : null;
    const k = key ?? source;
    if (cache?.has(k)) return cache.get(k);
    const p = compile(source).then((module) => Forewarn.instantiate(module));
    cache?.set(k, p);
    p.catch(() => cache?.delete(k)); // a failed load may be retried
    return p;
  }

  /** A new, separate instance (own memory) of a compiled module; not memoised. */
  static async instantiate(module) {
    const fw = new Forewarn(PRIVATE);
    let memory = null;
    // The clock, for the time budget of one text (core/src/budget.c): monotonic milliseconds
    // from performance.now() as WASI nanoseconds. Where the platform freezes the clock while code
    // runs (workerd does, against timing attacks), the budget cannot see time pass there.
    const clockTimeGet = (id, _precision, out) => {
      const ms = id === 0 ? Date.now() : globalThis.performance?.now?.() ?? Date.now();
      new DataView(memory.buffer).setBigUint64(out, BigInt(Math.floor(ms * 1e6)), true);
      return 0;
    };
    const imports = {
      env: { emscripten_notify_memory_growth: () => fw.#refreshViews() },
      // The core does no I/O and takes the time of day as a parameter; the clock serves only the
      // budget. Any other WASI call a future build links gets a stub instead of failing to load.
      wasi_snapshot_preview1: new Proxy({}, {
        get: (_, name) => (name === 'proc_exit'
          ? (code) => { throw new Error(`forewarn.wasm called exit(${code})`); }
          : name === 'clock_time_get' ? clockTimeGet : () => 52 /* ENOSYS */),
      }),
    };
    const instance = await WebAssembly.instantiate(module, imports);
    memory = instance.exports.memory;
    fw.#init(instance);
    return fw;
  }

  #x; // the instance's exports
  #memory;
  #u8 = null;
  #err = 0; // this instance's fw_error
  #registry;
  #defaultRules = null;
  #redactRules = new Map(); // `redact` pack text -> its compiled Rules (LRU)
  #depth = 0; // API calls on the stack (user code may run inside one: a toJSON, a getter)
  #pending = []; // frees asked for meanwhile, done when the outermost call returns

  /** @private use Forewarn.load() */
  constructor(token) {
    if (token !== PRIVATE) throw new TypeError('use Forewarn.load()');
  }

  #init(instance) {
    this.#x = instance.exports;
    this.#memory = this.#x.memory;
    this.#x._initialize?.();
    this.#err = this.#x.fw_wasm_error_new();
    if (!this.#err) throw new ForewarnError('nomem', 'out of memory');
    this.#withStrings([JSON.stringify(builtinRules)], ([p]) => {
      if (this.#x.fw_wasm_set_builtin_rules(p.ptr, p.len, this.#err) !== 0) this.#throw();
    });
    this.#registry = new FinalizationRegistry((free) => free());
    const fw = this;
    const x = this.#x;

    /** A compiled rule set: the built-in pack plus optional user packs (tried first). */
    this.Rules = class Rules {
      #h;
      constructor(...packs) {
        const h = { rules: 0, classifier: 0 };
        h.rules = x.fw_wasm_rules_new(fw.#err);
        if (!h.rules) fw.#throw();
        this.#h = h;
        fw.#registry.register(this, () => fw.#freeRules(h), h);
        try {
          for (const pack of packs) this.addPack(pack);
        } catch (e) {
          this.delete();
          throw e;
        }
      }
      /** Add a rule pack (JSON text or object); its rules take precedence. */
      addPack(pack) {
        return fw.#call(() => {
          const h = this.#handle();
          fw.#withStrings([asText(pack)], ([p]) => {
            if (x.fw_wasm_rules_add_pack(h.rules, p.ptr, p.len, fw.#err) !== 0) fw.#throw();
          });
          if (h.classifier) { // its scratch was sized for the old set; a call may still hold it
            const old = h.classifier;
            h.classifier = 0;
            fw.#release(() => x.fw_classifier_free(old));
          }
          return this;
        });
      }
      get count() { return x.fw_rules_count(this.#handle().rules); }
      delete() {
        const h = this.#h;
        if (!h) return;
        this.#h = null;
        fw.#registry.unregister(h);
        fw.#release(() => fw.#freeRules(h));
      }
      #handle() {
        if (!this.#h) throw new ForewarnError('argument', 'Rules used after delete()');
        return this.#h;
      }
      // internal: the pointers (the classifier created on first use)
      static handles(r) {
        const h = r.#handle();
        if (!h.classifier) {
          h.classifier = x.fw_wasm_classifier_new(h.rules, fw.#err);
          if (!h.classifier) fw.#throw();
        }
        return h;
      }
    };

    /** A parsed, validated ApplicationIR. */
    this.IR = class IR {
      #h;
      constructor(doc) {
        const h = { ptr: 0 };
        fw.#withStrings([asText(doc)], ([d]) => {
          h.ptr = x.fw_wasm_ir_parse(d.ptr, d.len, fw.#err);
          if (!h.ptr) fw.#throw();
        });
        this.#h = h;
        fw.#registry.register(this, () => x.fw_ir_free(h.ptr), h);
      }
      /** The IR normalised (derived tables filled in). */
      toJSON() { return JSON.parse(fw.#takeString(x.fw_wasm_ir_to_json(this.#ptr(), fw.#err))); }
      /** What the IR was accepted with despite a doubt (an unknown field type), a line each. */
      get warnings() {
        const text = fw.#cString(x.fw_ir_warnings(this.#ptr()));
        return text ? text.trimEnd().split('\n') : [];
      }
      delete() {
        const h = this.#h;
        if (!h) return;
        this.#h = null;
        fw.#registry.unregister(h);
        fw.#release(() => x.fw_ir_free(h.ptr));
      }
      #ptr() {
        if (!this.#h) throw new ForewarnError('argument', 'IR used after delete()');
        return this.#h.ptr;
      }
      static ptr(ir) { return ir.#ptr(); }
    };

    /** The in-memory anti-pattern store (its document is the file store's content). */
    this.MemoryStore = class MemoryStore {
      #h;
      constructor(doc) {
        const h = { ptr: x.fw_wasm_store_new(fw.#err) };
        if (!h.ptr) fw.#throw();
        this.#h = h;
        fw.#registry.register(this, () => x.fw_store_free(h.ptr), h);
        if (doc !== undefined && doc !== null) {
          try {
            this.load(doc);
          } catch (e) {
            this.delete();
            throw e;
          }
        }
      }
      /** Replace the content with a store document (a corrupt one is refused, content kept). */
      load(doc) {
        return fw.#call(() => {
          const ptr = this.#ptr();
          fw.#withStrings([asText(doc)], ([d]) => {
            if (x.fw_wasm_store_load(ptr, d.ptr, d.len, fw.#err) !== 0) fw.#throw();
          });
          return this;
        });
      }
      /** The store document as an object (JSON.stringify(store) gives the document). */
      toJSON() { return JSON.parse(this.serialize()); }
      /** The store document as the core writes it, byte for byte. */
      serialize() { return fw.#takeString(x.fw_wasm_store_to_json(this.#ptr(), fw.#err)); }
      get size() { return x.fw_store_pattern_count(this.#ptr()); }
      /** Per-run history, totals and each lesson's measured effect ({lifecycle} thresholds). */
      stats(options = {}) { return JSON.parse(fw.raw.stats(this, options)); }
      /** Every pattern with its state and effect ({state?, lifecycle?}), or with
       * {unclassified: true} every unclassified error group. */
      patterns(options = {}) { return JSON.parse(fw.raw.patterns(this, options)); }
      /** A person's decision: "retired" (not injected) or "active" (kept); the pattern after it. */
      decide(patternId, decision, { now } = {}) {
        return JSON.parse(fw.#call(() => {
          const ptr = this.#ptr();
          return fw.#withStrings([String(patternId), String(decision), isoNow(now)], ([id, d, n]) =>
            fw.#takeString(x.fw_wasm_store_decide(ptr, id.ptr, d.ptr, n.ptr, fw.#err)));
        }));
      }
      retire(patternId, options) { return this.decide(patternId, 'retired', options); }
      activate(patternId, options) { return this.decide(patternId, 'active', options); }
      /** Delete a pattern (a ForewarnError "argument" when the id is not stored); the pattern as
       * it was. Runs keep their history; the error, seen again, is a new pattern. */
      deletePattern(patternId) {
        return JSON.parse(fw.#call(() => {
          const ptr = this.#ptr();
          return fw.#withStrings([String(patternId)], ([id]) => fw.#takeString(x.fw_wasm_store_delete(ptr, id.ptr, fw.#err)));
        }));
      }
      /** One pattern by id, or null. */
      get(patternId) {
        return JSON.parse(fw.#call(() => {
          const ptr = this.#ptr();
          return fw.#withStrings([String(patternId)], ([id]) => fw.#takeString(x.fw_wasm_store_get(ptr, id.ptr, fw.#err)));
        }));
      }
      /** Patterns matching {entity?, endpoint_pattern?, schema?, error_type?, min_occurrences?}. */
      query(q = {}) {
        return JSON.parse(fw.#call(() => {
          const ptr = this.#ptr();
          return fw.#withStrings([asText(q)], ([d]) => fw.#takeString(x.fw_wasm_store_query(ptr, d.ptr, d.len, fw.#err)));
        }));
      }
      /** Apply a change set (from fw.changeset()); returns the FeedbackProcessingResult. */
      apply(changeset) { return JSON.parse(fw.raw.apply(this, changeset)); }
      delete() {
        const h = this.#h;
        if (!h) return;
        this.#h = null;
        fw.#registry.unregister(h);
        fw.#release(() => x.fw_store_free(h.ptr));
      }
      #ptr() {
        if (!this.#h) throw new ForewarnError('argument', 'MemoryStore used after delete()');
        return this.#h.ptr;
      }
      static ptr(s) {
        if (!(s instanceof MemoryStore)) throw new TypeError('store: expected a MemoryStore of this Forewarn instance');
        return s.#ptr();
      }
    };

    /**
     * A Neo4j store over the HTTP Query API (the "bridge"): the core builds every request body
     * (schema, one idempotent write per run, the reads) and parses every answer, as for the
     * native --store neo4j+http://...; fetch sends them with Basic auth. Reads become a store
     * document loaded into a MemoryStore, so stats, queries and enhance are the in-memory
     * store's code. Transient failures (unreachable, 5xx, Neo.TransientError.*) are retried with
     * backoff; errors are ForewarnErrors with code "neo4j" and never contain the credentials.
     * Redirects are refused and answers are read up to maxResponseBytes (#send).
     */
    this.Neo4jStore = class Neo4jStore {
      #url;
      #base;
      #auth;
      #secret;
      #fetch;
      #retries;
      #timeoutMs;
      #backoffMs;
      #maxResponseBytes;
      #schemaReady = false;
      #requests = 0;

      constructor({ uri, username, password, database, fetch: fetchFn, retries, timeoutMs, backoffMs, maxResponseBytes } = {}) {
        if (typeof uri !== 'string' || uri === '') {
          throw new ForewarnError('argument', 'Neo4jStore: uri is required (http:// or https://, the HTTP Query API)');
        }
        let u;
        try {
          u = new URL(uri);
        } catch {
          throw new ForewarnError('argument', 'Neo4jStore: uri is not a URL'); // not echoed: it may hold a password
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:') {
          throw new ForewarnError('argument',
            "Neo4jStore: uri must be an http:// or https:// URL: forewarn talks to Neo4j's HTTP Query API, not Bolt");
        }
        // user:password@ in the URI counts when the options do not say; never kept in the URL
        const decode = (part) => {
          try {
            return decodeURIComponent(part);
          } catch { // not echoed: it may hold a password
            throw new ForewarnError('argument', 'Neo4jStore: uri has a malformed %-escape in its user or password');
          }
        };
        const user = username || decode(u.username) || 'neo4j';
        const pass = password ?? decode(u.password);
        u.username = '';
        u.password = '';
        this.#base = `${u.origin}${u.pathname}`.replace(/\/+$/, '');
        this.#url = `${this.#base}/db/${encodeURIComponent(database || 'neo4j')}/query/v2`;
        this.#auth = `Basic ${base64Utf8(`${user}:${pass}`)}`;
        this.#secret = pass;
        this.#fetch = fetchFn ?? ((...args) => globalThis.fetch(...args));
        if (typeof this.#fetch !== 'function') throw new TypeError('Neo4jStore: fetch is not a function');
        // checked here: `retries: 'abc'` used to retry forever (attempt >= 'abc' is never true)
        this.#retries = intOption('Neo4jStore: retries', retries, 3, 0, NEO4J_MAX_RETRIES);
        this.#timeoutMs = intOption('Neo4jStore: timeoutMs', timeoutMs, 60000, 0, NEO4J_MAX_TIMEOUT_MS); // 0: none
        this.#backoffMs = intOption('Neo4jStore: backoffMs', backoffMs, 250, 0, NEO4J_MAX_BACKOFF_MS);
        this.#maxResponseBytes = intOption('Neo4jStore: maxResponseBytes', maxResponseBytes, NEO4J_DEFAULT_MAX_RESPONSE, 1, INT_MAX);
      }

      /** Where the store is (the URI without credentials). */
      get uri() { return this.#base; }
      /** HTTP requests sent so far (retries included). */
      get requests() { return this.#requests; }

      // A message cleared of the password, whatever produced it.
      #scrub(e) {
        if (e instanceof Error && this.#secret && e.message.includes(this.#secret)) {
          e.message = e.message.split(this.#secret).join('***');
        }
        return e;
      }

      // A redirect is refused, not followed: the Authorization header must never reach another
      // origin, and what a fetch strips on a cross-origin redirect differs between runtimes (and
      // a caller's fetch). Same-origin redirects are refused too: the Query API never redirects,
      // so one is a misconfigured proxy or the wrong server, and refusing all is simpler to
      // trust. With redirect: 'manual' a browser answers an opaque redirect (status 0), Node and
      // workerd the 3xx itself; a fetch that followed anyway says `redirected`.
      #refuseRedirect(res) {
        const status = res.status >= 300 && res.status < 400 ? res.status : 0;
        if (res.type !== 'opaqueredirect' && !status && !res.redirected) return;
        cancelBody(res);
        throw new ForewarnError('neo4j', `Neo4j at ${this.#base} answered with a redirect${status ? ` (HTTP ${status})` : ''}: ` +
          'refused, the credentials go to the configured uri only', { status: res.status ?? 0 });
      }

      // The answer's text, at most maxResponseBytes of it: a Content-Length over the limit is
      // refused before reading, a body is counted as it streams and cancelled once over, so a
      // broken or hostile server cannot make the client hold more than the limit (+ one chunk).
      async #readAnswer(res) {
        const limit = this.#maxResponseBytes;
        const tooLarge = () => new ForewarnError('neo4j',
          `Neo4j at ${this.#base}: the answer is larger than the limit of ${limit} bytes (maxResponseBytes)`, { status: res.status });
        if (Number(res.headers?.get?.('content-length')) > limit) {
          cancelBody(res);
          throw tooLarge();
        }
        if (typeof res.body?.getReader !== 'function') { // no body, or a caller's fetch without streams
          const text = await res.text();
          if (text.length > limit || encoder.encode(text).length > limit) throw tooLarge();
          return text;
        }
        const bytes = await readBounded(res.body, limit);
        if (!bytes) throw tooLarge();
        return decoder.decode(bytes); // as res.text(): BOM dropped, bad UTF-8 replaced
      }

      // One request: send the body, parse the answer with the core, retry what is transient.
      async #send(body) {
        let backoff = this.#backoffMs;
        for (let attempt = 0; ; attempt++) {
          let status = 0, text = null, failure = null;
          this.#requests++;
          try {
            const signal = this.#timeoutMs > 0 && typeof AbortSignal !== 'undefined' && AbortSignal.timeout
              ? AbortSignal.timeout(this.#timeoutMs) : undefined;
            const res = await this.#fetch(this.#url, {
              method: 'POST',
              headers: { authorization: this.#auth, 'content-type': 'application/json', accept: 'application/json' },
              body,
              signal,
              redirect: 'manual', // see #refuseRedirect
            });
            status = res.status;
            this.#refuseRedirect(res);
            text = await this.#readAnswer(res);
          } catch (e) {
            if (e instanceof ForewarnError) throw this.#scrub(e); // refused (a redirect, too large): not transient
            const n = attempt + 1;
            failure = new ForewarnError('neo4j',
              `Neo4j at ${this.#base} is unreachable: ${fetchFailure(e, this.#timeoutMs)} (${n} attempt${n === 1 ? '' : 's'})`,
              { status: 0 });
          }
          if (!failure) {
            const r = fw.#neo4jParse(status, text);
            if (r.parsed !== undefined) return r.parsed;
            failure = r.error;
            if (!r.transient) throw this.#scrub(failure);
          }
          if (attempt >= this.#retries) throw this.#scrub(failure);
          await sleep(backoff);
          backoff = Math.min(backoff * 2, NEO4J_MAX_BACKOFF_MS);
        }
      }

      async #sendJson(body) { return JSON.parse(await this.#send(body)); }

      /** Apply the schema (constraints and indexes, IF NOT EXISTS): {statements, added}. */
      async migrate() {
        const n = x.fw_cypher_schema_count();
        let added = 0;
        for (let i = 0; i < n; i++) {
          const { counters = {} } = await this.#sendJson(fw.#takeString(x.fw_wasm_cypher_schema(i, fw.#err)));
          added += (counters.constraintsAdded ?? 0) + (counters.indexesAdded ?? 0);
        }
        this.#schemaReady = true;
        return { statements: n, added };
      }

      /** Apply a change set (fw.changeset()) as one request: a run_id applies once. The write
       * checks the schema itself; where it is missing (a new database) the request fails as a
       * whole, nothing written: the schema is applied and the write sent again. The body carries
       * a token drawn once per call: a retry whose earlier attempt committed before its answer
       * was lost reports that attempt's result (already_ingested false), another call for the
       * same run_id reports already_ingested true. */
      async apply(changeset) {
        const cs = asText(changeset);
        const body = fw.#withStrings([cs, ingestToken()], ([c, t]) =>
          fw.#takeString(x.fw_wasm_cypher_apply(c.ptr, c.len, t.ptr, fw.#err)));
        let parsed;
        try {
          parsed = await this.#send(body);
        } catch (e) {
          if (this.#schemaReady || e?.serverCode !== 'Neo.ClientError.Schema.IndexNotFound') throw e;
          await this.migrate();
          parsed = await this.#send(body);
        }
        return JSON.parse(fw.#withStrings([cs, parsed], ([c, p]) =>
          fw.#takeString(x.fw_wasm_cypher_apply_result(c.ptr, c.len, p.ptr, p.len, fw.#err))));
      }

      /** Collect one smoke run (+ the manifest of its prompts, or null) into Neo4j. */
      async collect(smokeResult, ir, manifest, options = {}) {
        return this.apply(fw.raw.changeset(smokeResult, ir, manifest, options));
      }

      // A read answered as a MemoryStore (the caller deletes it).
      async #load(body) {
        const parsed = await this.#send(body);
        const doc = fw.#withStrings([parsed], ([p]) =>
          fw.#takeString(x.fw_wasm_neo4j_store_document(p.ptr, p.len, fw.#err)));
        return new fw.MemoryStore(doc);
      }

      async #with(body, fn) { return usingStore(await this.#load(body), fn); }

      // The request that reads the whole store (full: every pattern's fields).
      #dump(full) { return fw.#takeString(x.fw_wasm_cypher_dump(full ? 1 : 0, fw.#err)); }

      /** The whole store as a MemoryStore (one read; delete() it when done). */
      snapshot() { return this.#load(this.#dump(true)); }

      /** Per-run history, totals and each lesson's measured effect ({lifecycle} thresholds). */
      stats(options = {}) {
        lifecycleArgs(options.lifecycle); // checked before the request
        return this.#with(this.#dump(false), (m) => m.stats(options));
      }

      /** Every pattern with its state and effect, or with {unclassified: true} every
       * unclassified error group. Options as MemoryStore.patterns(). */
      patterns(options = {}) {
        lifecycleArgs(options.lifecycle);
        stateOption(options.state);
        return this.#with(this.#dump(!options.unclassified),
          (m) => m.patterns(options));
      }

      /** A person's decision: "retired" or "active"; the pattern after it (a ForewarnError
       * "argument" when the id is not stored). */
      async decide(patternId, decision, { now } = {}) {
        const id = String(patternId);
        const body = fw.#withStrings([id, String(decision), isoNow(now)], ([p, d, n]) =>
          fw.#takeString(x.fw_wasm_cypher_decide(p.ptr, d.ptr, n.ptr, fw.#err)));
        const found = await this.#with(body, (m) => m.get(id));
        if (!found) throw new ForewarnError('argument', `no pattern '${id}' in the store`);
        return found;
      }
      retire(patternId, options) { return this.decide(patternId, 'retired', options); }
      activate(patternId, options) { return this.decide(patternId, 'active', options); }

      /** Delete a pattern, as MemoryStore.deletePattern(): the pattern as it was read just
       * before (a ForewarnError "argument" when the id is not stored). */
      async deletePattern(patternId) {
        const id = String(patternId);
        const body = fw.#withStrings([id], ([p]) => fw.#takeString(x.fw_wasm_cypher_delete(p.ptr, fw.#err)));
        const found = await this.#with(body, (m) => m.get(id));
        if (!found) throw new ForewarnError('argument', `no pattern '${id}' in the store`);
        return found;
      }

      /** The whole store as a store document's text (MemoryStore.serialize()'s format). */
      async serialize() { return this.#with(this.#dump(true), (m) => m.serialize()); }

      /**
       * Write a store document's records (patterns, unclassified groups, runs) into Neo4j, as
       * `forewarn store import --replace` does: values are set, not added, so importing twice
       * changes nothing; a record with an id already stored takes the imported content; records
       * not in the document stay. The document is checked whole (by the core's loader) before
       * anything is sent; then batchSize records go per request. {written, unchanged}: records
       * that differed from (or were missing in) the store, and records already equal.
       */
      async import(doc, { batchSize = 500 } = {}) {
        const size = intOption('batchSize', batchSize, 500, 1, 100000);
        // the core's loader refuses a corrupt document before anything is sent
        const next = usingStore(new fw.MemoryStore(asText(doc)), (m) => m.toJSON());
        const current = await this.#with(this.#dump(true), (m) => m.toJSON());
        const lists = [['patterns', 'pattern_id'], ['unclassified', 'template_id'], ['runs', 'run_id']];
        const changed = { patterns: [], unclassified: [], runs: [] };
        let unchanged = 0;
        for (const [list, key] of lists) {
          const stored = new Map((current[list] ?? []).map((r) => [r[key], JSON.stringify(r)]));
          for (const r of next[list] ?? []) {
            if (stored.get(r[key]) === JSON.stringify(r)) unchanged++;
            else changed[list].push(r);
          }
        }
        const records = lists.flatMap(([list]) => changed[list].map((r) => [list, r]));
        if (records.length) await this.migrate();
        for (let i = 0; i < records.length; i += size) {
          const batch = { format: 'forewarn-store', version: 1, patterns: [], unclassified: [], runs: [] };
          for (const [list, r] of records.slice(i, i + size)) batch[list].push(r);
          const text = JSON.stringify(batch);
          await this.#send(fw.#withStrings([text], ([d]) => fw.#takeString(x.fw_wasm_cypher_import(d.ptr, d.len, fw.#err))));
        }
        return { written: records.length, unchanged };
      }

      /** One pattern by id, or null. */
      get(patternId) {
        const id = String(patternId);
        return this.#with(fw.#withStrings([id], ([p]) => fw.#takeString(x.fw_wasm_cypher_get(p.ptr, fw.#err))),
          (m) => m.get(id));
      }

      /** Patterns matching {entity?, endpoint_pattern?, schema?, error_type?, min_occurrences?}. */
      query(q = {}) {
        const text = asText(q);
        return this.#with(fw.#withStrings([text], ([d]) => fw.#takeString(x.fw_wasm_cypher_query(d.ptr, d.len, fw.#err))),
          (m) => m.query(text));
      }

      /**
       * The prompt with the known issues, as fw.enhance() over the whole store, reading only
       * what the target needs. Options as fw.enhance().
       */
      async enhance(prompt, target, options = {}) {
        const { scope, name } = resolveTarget(target);
        // read before any pointer
        const minOccurrences = intOption('minOccurrences', options.minOccurrences, 0);
        const maxPatterns = intOption('maxPatterns', options.maxPatterns, 0);
        const [, minExposures, unseenRuns, retireAfter] = lifecycleArgs(options.lifecycle);
        return fw.#withIRAsync(options.ir, async (ir) => {
          const body = fw.#call(() => fw.#withStrings([scope ?? null, name ?? null], ([s, t]) =>
            fw.#takeString(x.fw_wasm_cypher_enhance_selection(s.ptr, t.ptr, ir ? fw.IR.ptr(ir) : 0, minOccurrences,
              maxPatterns, minExposures, unseenRuns, retireAfter, fw.#err))));
          return this.#with(body, (m) => fw.enhance(prompt, { scope, target: name }, m, { ...options, ir }));
        });
      }

      /**
       * Every prompt of a generation with the store read once: [{scope, target, prompt?}] in,
       * [{prompt, section, injected, scope, target}] out, in order.
       */
      async enhanceBatch(requests, options = {}) {
        return this.#with(this.#dump(true), (mem) => fw.#withIRSync(options.ir, (ir) => requests.map((r) => {
          const { scope, name } = resolveTarget(r);
          return { ...fw.enhance(r.prompt ?? '', { scope, target: name }, mem, { ...options, ir }), scope, target: name };
        })));
      }
    };

    /** The same calls returning the core's JSON text byte for byte (the parity tests use these). */
    this.raw = Object.freeze({
      classify: (text, options = {}) => fw.#classify(text, options, false),
      classifyRecord: (line, options = {}) => fw.#classify(line, options, true),
      enhance: (prompt, target, store, options = {}) => fw.#enhance(prompt, target, store, options),
      changeset: (smoke, ir, manifest, options = {}) => fw.#changeset(smoke, ir, manifest, options),
      collect: (smoke, ir, manifest, store, options = {}) =>
        fw.raw.apply(store, fw.#changeset(smoke, ir, manifest, options)),
      apply: (store, changeset) => fw.#call(() => {
        const ptr = this.MemoryStore.ptr(store);
        return fw.#withStrings([asText(changeset)], ([c]) =>
          fw.#takeString(x.fw_wasm_store_apply(ptr, c.ptr, c.len, fw.#err)));
      }),
      stats: (store, { lifecycle } = {}) => {
        const life = lifecycleArgs(lifecycle);
        return fw.#takeString(x.fw_wasm_store_stats(this.MemoryStore.ptr(store), ...life, fw.#err));
      },
      // the lessons with their state and effect; {unclassified: true}: the unclassified groups
      patterns: (store, { unclassified = false, state, lifecycle } = {}) => {
        const life = lifecycleArgs(lifecycle), only = stateOption(state);
        if (unclassified) return fw.#takeString(x.fw_wasm_store_list(this.MemoryStore.ptr(store), 1, fw.#err));
        return fw.#call(() => {
          const ptr = this.MemoryStore.ptr(store);
          return fw.#withStrings([only], ([st]) => fw.#takeString(x.fw_wasm_store_lessons(ptr, st.ptr, ...life, fw.#err)));
        });
      },
    });
  }

  // ---- Memory and strings -------------------------------------------------------------------

  #refreshViews() { this.#u8 = null; }

  // Run fn (synchronous) as one API call. User code can run inside it after a handle's pointer
  // was taken (the toJSON of an argument, a getter of an option, a Date's toISOString) and may
  // delete that handle, or add a pack to the Rules in use: such frees wait for the outermost
  // call to return (#release). The core never calls back into JS, so user code only runs between
  // core calls, and holding the frees until the call is over is enough. The handle itself is
  // dead at once: its object reports "used after delete()".
  #call(fn) {
    this.#depth++;
    try {
      return fn();
    } finally {
      if (--this.#depth === 0) for (const free of this.#pending.splice(0)) free();
    }
  }

  // Free now, or when the current call returns.
  #release(free) {
    if (this.#depth > 0) this.#pending.push(free);
    else free();
  }

  #bytes() {
    // A grown memory detaches the old buffer; the growth import or the length check renews it.
    if (!this.#u8 || this.#u8.buffer !== this.#memory.buffer) this.#u8 = new Uint8Array(this.#memory.buffer);
    return this.#u8;
  }

  // Copy strings (or bytes) into WASM memory as NUL-terminated buffers, run fn, free them.
  #withStrings(values, fn) {
    const x = this.#x;
    const bufs = [];
    try {
      for (const v of values) {
        if (v === null || v === undefined) {
          bufs.push({ ptr: 0, len: 0 });
          continue;
        }
        if (isBytes(v)) {
          const len = typedArrayLength.call(v); // what set() copies, whatever v.length says
          const ptr = x.fw_malloc(len + 1);
          if (!ptr) throw new ForewarnError('nomem', 'out of memory');
          bufs.push({ ptr, len });
          const u8 = this.#bytes();
          u8.set(v, ptr);
          u8[ptr + len] = 0;
          continue;
        }
        if (typeof v !== 'string') throw new TypeError(`expected a string, got ${typeof v}`);
        const cap = v.length * 3 + 1; // UTF-16 units -> at most 3 UTF-8 bytes each
        const ptr = x.fw_malloc(cap);
        if (!ptr) throw new ForewarnError('nomem', 'out of memory');
        const buf = { ptr, len: 0 };
        bufs.push(buf);
        const u8 = this.#bytes();
        buf.len = encoder.encodeInto(v, u8.subarray(ptr, ptr + cap - 1)).written;
        u8[ptr + buf.len] = 0;
      }
      return fn(bufs);
    } finally {
      for (const b of bufs) if (b.ptr) x.fw_free(b.ptr);
    }
  }

  #cString(ptr) {
    const u8 = this.#bytes();
    const end = u8.indexOf(0, ptr);
    return decoder.decode(u8.subarray(ptr, end));
  }

  // A string the core returned (freed here), or the error it reported.
  #takeString(ptr) {
    if (!ptr) this.#throw();
    try {
      return this.#cString(ptr);
    } finally {
      this.#x.fw_free(ptr);
    }
  }

  #error(extra = {}) {
    const x = this.#x;
    const code = x.fw_wasm_error_code(this.#err);
    const name = this.#cString(x.fw_status_name(code));
    const path = this.#cString(x.fw_wasm_error_path(this.#err));
    const ruleId = this.#cString(x.fw_wasm_error_rule_id(this.#err));
    const serverCode = this.#cString(x.fw_wasm_error_server_code(this.#err));
    return new ForewarnError(name, this.#cString(x.fw_wasm_error_message(this.#err)) || name,
      { path, ruleId, serverCode, ...extra });
  }

  #throw() { throw this.#error(); }

  // A Query API answer through the core's parser: {parsed} (its JSON text), or {error, transient}.
  #neo4jParse(status, text) {
    return this.#withStrings([text ?? ''], ([t]) => {
      const ptr = this.#x.fw_wasm_neo4j_parse(status, t.ptr, t.len, this.#err);
      if (ptr) return { parsed: this.#takeString(ptr) };
      const transient = this.#x.fw_wasm_neo4j_transient(status, this.#err) !== 0;
      return { error: this.#error({ status }), transient };
    });
  }

  #freeRules(h) {
    if (h.classifier) this.#x.fw_classifier_free(h.classifier);
    this.#x.fw_rules_free(h.rules);
    h.rules = h.classifier = 0;
  }

  #rules(rules, redact) {
    if (redact !== undefined && redact !== null) {
      if (rules !== undefined && rules !== null) {
        throw new TypeError('redact: not with rules; put a "redact" section in the rules\' pack instead');
      }
      rules = this.#redact(redact);
    }
    if (rules === undefined || rules === null) {
      this.#defaultRules ??= new this.Rules();
      rules = this.#defaultRules;
    }
    if (!(rules instanceof this.Rules)) throw new TypeError('rules: expected a Rules of this Forewarn instance');
    return this.Rules.handles(rules);
  }

  // The `redact` option as Rules: the built-in pack plus a pack of only the user's redaction
  // patterns (docs/rules.md, "redact[]"), which the core runs before its own. Compiling the
  // built-in rules takes ~10 ms, so the last few packs stay compiled; one evicted while a call
  // uses it is freed when that call returns (#release).
  #redact(redact) {
    let pack = redact;
    if (typeof pack === 'string') {
      try {
        pack = JSON.parse(pack);
      } catch {
        throw new ForewarnError('json', 'redact: not valid JSON');
      }
    }
    if (Array.isArray(pack)) pack = { redact: pack };
    if (typeof pack !== 'object' || pack === null || !Array.isArray(pack.redact) ||
        Object.keys(pack).some((k) => k !== 'redact' && k !== 'format_version')) {
      throw new TypeError('redact: expected an array of {id, pattern, replace?, requires?} or a pack with only "redact" (and "format_version")');
    }
    const key = JSON.stringify({ format_version: pack.format_version ?? 1, redact: pack.redact });
    let compiled = this.#redactRules.get(key);
    if (compiled) {
      this.#redactRules.delete(key); // most recently used last
    } else {
      compiled = new this.Rules(key);
      if (this.#redactRules.size >= REDACT_CACHE_SIZE) {
        const [oldKey, old] = this.#redactRules.entries().next().value;
        this.#redactRules.delete(oldKey);
        old.delete();
      }
    }
    this.#redactRules.set(key, compiled);
    return compiled;
  }

  // An IR option: an IR (used as is), a document (parsed for this call), or nothing.
  #withIR(ir, fn) {
    if (ir === undefined || ir === null) return fn(0);
    if (ir instanceof this.IR) return fn(this.IR.ptr(ir));
    const parsed = new this.IR(ir);
    try {
      return fn(this.IR.ptr(parsed));
    } finally {
      parsed.delete();
    }
  }

  // An IR option as an IR object for fn (parsed once when given as a document), or null.
  #withIRSync(ir, fn) {
    if (ir === undefined || ir === null) return fn(null);
    if (ir instanceof this.IR) return fn(ir);
    const parsed = new this.IR(ir);
    try {
      return fn(parsed);
    } finally {
      parsed.delete();
    }
  }

  async #withIRAsync(ir, fn) {
    if (ir === undefined || ir === null) return fn(null);
    if (ir instanceof this.IR) return fn(ir);
    const parsed = new this.IR(ir);
    try {
      return await fn(parsed);
    } finally {
      parsed.delete();
    }
  }

  // ---- Calls --------------------------------------------------------------------------------

  // Each call runs inside #call: its arguments' toJSON and getters run after pointers were taken.
  #classify(text, { ir, rules, redact, endpoint, now, maxInput, deadlineMs, stack } = {}, record) {
    const max = intOption('maxInput', maxInput, 0); // 0: the core's 4 MiB
    const deadline = intOption('deadlineMs', deadlineMs, 0, 1, 3600000); // absent: 1 s per started MiB
    if (stack !== undefined && stack !== null && (typeof stack !== 'string' || !stack))
      throw new TypeError('stack: expected a stack name ("django", "express-prisma", ...)');
    return this.#call(() => {
      const { classifier } = this.#rules(rules, redact);
      return this.#withIR(ir, (irPtr) =>
        this.#withStrings([text, endpoint ?? null, isoNow(now), stack ?? null], ([t, e, n, s]) => {
          const fn = record ? this.#x.fw_wasm_classify_record : this.#x.fw_wasm_classify;
          return this.#takeString(fn(classifier, t.ptr, t.len, irPtr, e.ptr, n.ptr, max, deadline, s.ptr, this.#err));
        }));
    });
  }

  #enhance(prompt, target, store, { ir, rules, maxPatterns, minOccurrences, budget, quoteCap, stack, holdout, runId,
    lifecycle } = {}) {
    if (stack !== undefined && stack !== null && (typeof stack !== 'string' || !stack))
      throw new TypeError('stack: expected a stack name ("django", "express-prisma", ...)');
    if (runId !== undefined && runId !== null && (typeof runId !== 'string' || !runId))
      throw new TypeError('runId: expected a non-empty string');
    // 0 is the core's default for each
    const n = [intOption('maxPatterns', maxPatterns, 0), intOption('minOccurrences', minOccurrences, 0),
      intOption('budget', budget, 0), intOption('quoteCap', quoteCap, 0)];
    const held = holdoutOption(holdout), life = lifecycleArgs(lifecycle);
    return this.#call(() => {
      const storePtr = this.MemoryStore.ptr(store);
      const { scope, name } = resolveTarget(target);
      const rulesPtr = this.#rules(rules).rules;
      return this.#withIR(ir, (irPtr) =>
        this.#withStrings([prompt ?? '', scope ?? null, name ?? null, stack ?? null, runId ?? null], ([p, s, t, k, r]) =>
          this.#takeString(this.#x.fw_wasm_enhance(storePtr, p.ptr, p.len, s.ptr, t.ptr, irPtr, rulesPtr, ...n, k.ptr,
            held, r.ptr, ...life, this.#err))));
    });
  }

  #changeset(smoke, ir, manifest, { rules, redact, now, runId, stack } = {}) {
    if (runId !== undefined && runId !== null && (typeof runId !== 'string' || !runId))
      throw new TypeError('runId: expected a non-empty string');
    if (stack !== undefined && stack !== null && (typeof stack !== 'string' || !stack))
      throw new TypeError('stack: expected a stack name ("django", "express-prisma", ...)');
    return this.#call(() => {
      const { classifier } = this.#rules(rules, redact);
      return this.#withIR(ir, (irPtr) => {
        const text = this.#smokeText(smoke, irPtr, runId);
        // the stack of this call only: the classifier is shared by the calls with these rules
        if (stack != null) {
          this.#withStrings([stack], ([k]) => {
            if (this.#x.fw_classifier_set_stack(classifier, k.ptr, this.#err) !== 0) this.#throw();
          });
        }
        try {
          return this.#withStrings([text, manifest == null ? null : asText(manifest), isoNow(now)], ([s, m, n]) =>
            this.#takeString(this.#x.fw_wasm_collect(classifier, s.ptr, s.len, irPtr, m.ptr, m.len, n.ptr, this.#err)));
        } finally {
          if (stack != null) this.#x.fw_classifier_set_stack(classifier, 0, this.#err);
        }
      });
    });
  }

  // A smoke run as SmokeTestResult text: a document as it is, or JUnit XML (one report, or an
  // array of them making one run) converted by the core.
  #smokeText(smoke, irPtr, runId) {
    const reports = Array.isArray(smoke) ? joinReports(smoke) : isJUnit(smoke) ? smoke : null;
    if (reports === null) {
      if (runId != null) throw new TypeError('runId is for JUnit reports: a SmokeTestResult names its own run_id');
      return asText(smoke);
    }
    return this.#withStrings([reports, runId ?? null], ([r, id]) =>
      this.#takeString(this.#x.fw_wasm_junit_to_smoke(r.ptr, r.len, id.ptr, irPtr, this.#err)));
  }

  /**
   * One or more JUnit XML reports (string or UTF-8 bytes, or an array of them: one run) as the
   * SmokeTestResult the collector takes. Options: ir (reads endpoints from test names), runId.
   */
  junitToSmoke(reports, { ir, runId } = {}) {
    if (runId !== undefined && runId !== null && (typeof runId !== 'string' || !runId))
      throw new TypeError('runId: expected a non-empty string');
    return JSON.parse(this.#call(() => this.#withIR(ir, (irPtr) =>
      this.#smokeText(Array.isArray(reports) ? reports : [reports], irPtr, runId))));
  }

  // ---- The API ------------------------------------------------------------------------------

  /** Library version, "MAJOR.MINOR.PATCH". */
  get version() { return this.#cString(this.#x.fw_version()); }

  /**
   * Classify one error text (string, or UTF-8 bytes). Options: ir (IR or document), rules
   * (Rules; default the built-in pack), endpoint ("METHOD /path"), now (Date or ISO string;
   * default the current time, null for the epoch), maxInput (bytes; default 4 MiB), deadlineMs
   * (give up on the text after this long with a ForewarnError "budget"; default 1000 per
   * started MiB of text).
   */
  classify(text, options = {}) { return JSON.parse(this.raw.classify(text, options)); }

  /**
   * Classify one JSON-lines record {"id", "text", "endpoint"?}. A bad record is not thrown: its
   * result is {id, error: {code, message}}, as the CLI writes it.
   */
  classifyRecord(line, options = {}) { return JSON.parse(this.raw.classifyRecord(line, options)); }

  /**
   * The base prompt followed by "AVOID THESE KNOWN ISSUES:" for {scope, target} (or {entity},
   * {endpoint}, {schema}), from the store's patterns. Options: ir, rules, maxPatterns (5),
   * minOccurrences (2), budget (2000), quoteCap (60). Returns {prompt, section, injected}.
   */
  enhance(prompt, target, store, options = {}) { return JSON.parse(this.raw.enhance(prompt, target, store, options)); }

  /** The change set of one smoke run (+ manifest, may be null), as fw_store_apply() takes it. */
  changeset(smokeResult, ir, manifest, options = {}) {
    return JSON.parse(this.raw.changeset(smokeResult, ir, manifest, options));
  }

  /** Collect one smoke run into the store; returns the FeedbackProcessingResult. */
  collect(smokeResult, ir, manifest, store, options = {}) {
    return JSON.parse(this.raw.collect(smokeResult, ir, manifest, store, options));
  }

  /** The message template of a text (numbers, ids, quoted values... masked). */
  normalize(message) {
    return this.#withStrings([message], ([m]) => this.#takeString(this.#x.fw_wasm_normalize(m.ptr, m.len, this.#err)));
  }

  /** The text with its secrets replaced by typed placeholders, as every classification does it
   * ({rules?, redact?} add patterns as for classify). */
  redact(text, { rules, redact } = {}) {
    if (typeof text !== 'string') throw new TypeError('redact: expected a string');
    return this.#call(() => {
      const { classifier } = this.#rules(rules, redact);
      return this.#withStrings([text], ([t]) => this.#takeString(this.#x.fw_wasm_redact(classifier, t.ptr, t.len, this.#err)));
    });
  }

  /**
   * Refuse a JSON text as every core reader does: invalid JSON, a NUL character (\u0000), or an
   * object holding a key twice (JSON.parse keeps the last, the core the first) throw a
   * ForewarnError "json" naming the place. For callers that JSON.parse a document themselves.
   */
  checkJson(text) {
    this.#withStrings([text], ([t]) => {
      if (this.#x.fw_wasm_json_check(t.ptr, t.len, this.#err) !== 0) this.#throw();
    });
  }

  /** Validate a SmokeTestResult document; returns its normalised form. */
  validateSmoke(doc) {
    return JSON.parse(this.#withStrings([asText(doc)], ([d]) =>
      this.#takeString(this.#x.fw_wasm_smoke_validate(d.ptr, d.len, this.#err))));
  }

  /** WASM memory figures: {heapUsed: bytes malloc'd and not freed, memoryBytes: linear memory}. */
  memoryStats() {
    return { heapUsed: this.#x.fw_wasm_heap_used(), memoryBytes: this.#memory.buffer.byteLength };
  }
}

const PRIVATE = Symbol('forewarn');

export default Forewarn;
