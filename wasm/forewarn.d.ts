// Type declarations of wasm/forewarn.mjs, the JavaScript API over forewarn.wasm.
// Documents are plain JSON; their fields are described in docs/formats.md.

/** A JSON document given as text, UTF-8 bytes, or a value that JSON.stringify serialises. */
export type JsonDocument = string | Uint8Array | object;

/** Where Forewarn.load() gets the module from. */
export type WasmSource =
  | string // a path (Node) or URL
  | URL
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | WebAssembly.Module;

/** Status names of the core (fw_status_name). */
export type StatusCode =
  | 'nomem' | 'argument' | 'json' | 'schema' | 'utf8' | 'too_large' | 'empty' | 'rule_compile' | 'rule_limit' | 'xml'
  | 'neo4j' | 'budget';

/** The bytes of a stream, at most `limit`: null (the stream cancelled) once more arrive. */
export function readBounded(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | null>;

/** A failure reported by the core: `code` is its status name, `message` its message. */
export class ForewarnError extends Error {
  readonly name: 'ForewarnError';
  readonly code: StatusCode;
  /** JSON path of a schema error, e.g. "$.entities[2].fields[0].type". */
  readonly path?: string;
  /** The rule that failed to compile or ran away. */
  readonly ruleId?: string;
  /** Neo4j's error code ("Neo.ClientError.Security.Unauthorized"), when Neo4j sent one. */
  readonly serverCode?: string;
  /** Neo4j failures: the HTTP status of the answer, 0 when Neo4j was unreachable. */
  readonly status?: number;
}

/** An ISO 8601 UTC time ("2026-01-01T00:00:00Z") or a Date; null means the epoch. */
export type Now = Date | string | null;

/**
 * Numeric options that reach the core (maxInput, maxPatterns, minOccurrences, budget, quoteCap)
 * are integers from 0 to 2^31 - 1; null or absent means the default, anything else (a string,
 * -1, 1.5, NaN, 2^32) is a TypeError naming the option, never a value wrapped around.
 */
export type CoreInt = number;

/** One user redaction pattern (docs/rules.md, `redact[]`): PCRE2, replaced by `replace`. */
export interface RedactPattern {
  id: string;
  /** PCRE2 regex. */
  pattern: string;
  /** PCRE2 substitute syntax ($1, ${name}); default "<secret>". */
  replace?: string;
  /** Literals of which one must occur for the pattern to run (ASCII case ignored). */
  requires?: string[];
}

/**
 * User redaction patterns, run before the built-in ones (which they cannot remove): an array of
 * patterns, or a rule pack (object or JSON text) with only `redact` (and `format_version`).
 * Compiled with the built-in pack into a Rules (the last 4 stay cached per instance); not
 * combinable with `rules`: put a `redact` section in that pack instead.
 */
export type RedactOption = RedactPattern[] | { format_version?: 1; redact: RedactPattern[] } | string;

export interface ClassifyOptions {
  /** Map the error onto this spec: an IR (reused) or an ApplicationIR document (parsed per call). */
  ir?: IR | JsonDocument | null;
  /** Rules to use; default the built-in pack. */
  rules?: Rules;
  /** Redaction patterns of the user (instead of `rules`). */
  redact?: RedactOption | null;
  /** "METHOD /path" the failure came from. */
  endpoint?: string | null;
  /** Time for first_seen / last_seen; default the current time. */
  now?: Now;
  /** Refuse texts larger than this many bytes; 0 or absent is the core's 4 MiB (0..2^31-1). */
  maxInput?: CoreInt | null;
  /** Give up on the text after this many ms (1..3600000; default 1000 per started MiB): ForewarnError "budget". */
  deadlineMs?: number | null;
  /** Write the lesson in this stack ("django", "express-prisma", "nestjs-typeorm", "express-sequelize",
   *  "spring-jpa", "fastapi-sqlalchemy", "fastapi-sqlalchemy-async", "neutral"); default: the IR's
   *  "stack", else the one the error shows, else "neutral". A lessons pack: pass it as one of `rules`. */
  stack?: string | null;
}

export interface IrContext {
  entity_name: string | null;
  field_name: string | null;
  constraint_type: string | null;
  relationship_type: string | null;
  related_entity: string | null;
  table: string | null;
  schema: string | null;
  endpoint: string | null;
  endpoint_pattern: string | null;
  mapped: boolean;
}

export interface GenerationAntiPattern {
  pattern_id: string;
  error_type: string;
  category: string;
  exception_class: string;
  error_message_pattern: string;
  message_template: string;
  entity_pattern: string;
  endpoint_pattern: string;
  field_pattern: string;
  remediation: string;
  bad_code_snippet: string;
  correct_code_snippet: string;
  occurrence_count: number;
  times_prevented: number;
  prevention_rate: number;
  first_seen: string;
  last_seen: string;
  signature_version: number;
  [key: string]: unknown;
}

/** The classification of one error text (docs/formats.md, "Classification"). */
export interface Classification {
  id?: unknown;
  error_type: 'database' | 'validation' | 'import' | 'code' | 'http' | 'unknown' | string;
  category: string;
  rule_id: string | null;
  exception_class: string | null;
  inner_exception_class: string | null;
  message: string;
  message_template: string;
  context: Partial<Record<'table' | 'column' | 'constraint' | 'field' | 'loc' | 'module' | 'name' |
    'attribute' | 'object_type' | 'value', string>>;
  ir?: IrContext;
  pattern_id: string;
  anti_pattern: GenerationAntiPattern;
}

/** The output of a JSON-lines record that could not be classified. */
export interface RecordError {
  id: unknown;
  error: { code: StatusCode; message: string; rule_id?: string };
}

/** Which prompt to enhance: {scope, target}, or one of the shorthands. */
export type EnhanceTarget =
  | { scope: 'entity' | 'endpoint' | 'schema'; target: string }
  | { entity: string }
  | { endpoint: string }
  | { schema: string };

export interface EnhanceOptions {
  ir?: IR | JsonDocument | null;
  /** Remediation templates for general patterns; default the built-in pack. */
  rules?: Rules;
  /** At most this many patterns (default 5; 0 also means the default). */
  maxPatterns?: CoreInt | null;
  /** Only patterns seen at least this often (default 2). */
  minOccurrences?: CoreInt | null;
  /** Characters of the whole section (default 2000). */
  budget?: CoreInt | null;
  /** Characters of any quoted value (default 60). */
  quoteCap?: CoreInt | null;
  /** Write each lesson in this stack (see ClassifyOptions.stack); default: the IR's "stack", else as stored. */
  stack?: string | null;
  /** Withhold each warning from this fraction (0..1) of its (run, target) slots; needs runId. */
  holdout?: number | null;
  /** The run the prompt is for (the holdout's slots are drawn per run). */
  runId?: string | null;
  /** Which lessons are retired (never injected). */
  lifecycle?: LifecycleOptions | null;
}

/** When a lesson retires (docs/formats.md, "Effect and lifecycle"). */
export interface LifecycleOptions {
  /** Retired when its lift's 95 % upper bound is below this (default 0.05). */
  minLift?: number | null;
  /** Slots per arm before an effect is reported (default 5). */
  minExposures?: CoreInt | null;
  /** Retired after this many runs without its error (default 20), or never. */
  unseenRuns?: CoreInt | 'never' | null;
  /** Slots per arm before a rule retires a lesson (default 20). */
  retireAfter?: CoreInt | null;
}

export interface PatternsOptions {
  unclassified?: boolean;
  /** Only the lessons in this state. */
  state?: 'active' | 'escalated' | 'retired' | null;
  lifecycle?: LifecycleOptions | null;
}

export interface Injection {
  pattern_id: string;
  scope: string;
  target: string;
  entity: string;
  general: boolean;
  [key: string]: unknown;
}

export interface EnhanceResult {
  prompt: string;
  section: string;
  /** What a manifest records for this prompt. */
  injected: Injection[];
}

export interface CollectOptions {
  rules?: Rules;
  /** Redaction patterns of the user (instead of `rules`). */
  redact?: RedactOption | null;
  now?: Now;
  /** Store the lessons in this stack (see ClassifyOptions.stack). */
  stack?: string | null;
  /** The run's id when the smoke result is a JUnit report (default: its suite and timestamp). */
  runId?: string;
}

/**
 * A smoke run: a SmokeTestResult document, or JUnit XML (a string or bytes starting with '<'),
 * or an array of JUnit reports making one run (Surefire writes one per class).
 */
export type SmokeInput = JsonDocument | Array<string | Uint8Array>;

/** What applying one run's change set did (docs/formats.md, "Change set"). */
export interface FeedbackProcessingResult {
  run_id: string;
  already_ingested: boolean;
  patterns_created: number;
  patterns_updated: number;
  repeated_errors: number;
  prevented: number;
  not_prevented: number;
  unclassifiable_errors: string[];
}

export interface StoreStats {
  runs: Array<Record<string, unknown>>;
  totals: Record<string, unknown>;
  /** Each lesson injected or withheld: state, verdict and effect, sorted by lift. */
  effects: Array<Record<string, unknown>>;
  /** The thresholds used: {min_lift, min_exposures, unseen_runs}. */
  lifecycle: Record<string, number>;
}

/** A compiled rule set: the built-in pack plus user packs, whose rules are tried first. */
export interface Rules {
  readonly count: number;
  addPack(pack: JsonDocument): this;
  delete(): void;
}

/** A parsed, validated ApplicationIR. */
export interface IR {
  /** What the IR was accepted with despite a doubt (an unknown field type kept as written). */
  readonly warnings: string[];
  /** The IR normalised (derived tables filled in). */
  toJSON(): Record<string, unknown>;
  delete(): void;
}

/** The in-memory anti-pattern store. */
export interface MemoryStore {
  /** Number of stored patterns. */
  readonly size: number;
  /** Replace the content with a store document; a corrupt one is refused and the content kept. */
  load(doc: JsonDocument): this;
  /** The store document as an object. */
  toJSON(): Record<string, unknown>;
  /** The store document as the core writes it (what the native file store holds). */
  serialize(): string;
  stats(options?: { lifecycle?: LifecycleOptions | null }): StoreStats;
  patterns(options?: PatternsOptions): Array<Record<string, unknown>>;
  /** A person's decision on a lesson; returns the pattern after it. */
  decide(patternId: string, decision: 'retired' | 'active', options?: { now?: Date | string }): Record<string, unknown>;
  retire(patternId: string, options?: { now?: Date | string }): Record<string, unknown>;
  activate(patternId: string, options?: { now?: Date | string }): Record<string, unknown>;
  /** Delete a pattern; returns it as it was (throws "argument" when the id is not stored). */
  deletePattern(patternId: string): Record<string, unknown>;
  get(patternId: string): Record<string, unknown> | null;
  query(query?: {
    entity?: string; endpoint_pattern?: string; schema?: string; error_type?: string; min_occurrences?: number;
  } | string): Array<Record<string, unknown>>;
  /** Apply a change set from fw.changeset(). */
  apply(changeset: JsonDocument): FeedbackProcessingResult;
  delete(): void;
}

export interface Neo4jStoreOptions {
  /** The HTTP Query API's base URL, http:// or https:// (user:password@ in it is used when the
   * options do not say, and never shown). */
  uri: string;
  /** Default "neo4j". */
  username?: string;
  password?: string;
  /** Default "neo4j". */
  database?: string;
  /**
   * The fetch to send requests with; default globalThis.fetch. It gets `redirect: 'manual'`: a
   * redirect (3xx, an opaque redirect, or a Response with `redirected`) is refused with a
   * ForewarnError "neo4j", same-origin ones too, so the credentials never reach another origin.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * The numbers below are integers in their range; null or absent means the default, anything
   * else is a TypeError naming the option and the value.
   * Retries of a transient failure (unreachable, timeout, 5xx, Neo.TransientError.*): 0..10,
   * default 3.
   */
  retries?: number | null;
  /** Time limit of one request (answer included) in ms: 0..600000, default 60000 (0: none). */
  timeoutMs?: number | null;
  /** Wait before the first retry in ms, doubled after each up to 10000: 0..10000, default 250. */
  backoffMs?: number | null;
  /**
   * Largest answer read, in bytes: 1..2^31-1, default 64 MiB. A Content-Length above it is
   * refused before reading, a body is cancelled once over it (ForewarnError "neo4j").
   */
  maxResponseBytes?: number | null;
}

export interface Neo4jEnhanceRequest {
  scope?: 'entity' | 'endpoint' | 'schema';
  target?: string;
  entity?: string;
  endpoint?: string;
  schema?: string;
  /** The base prompt; default "". */
  prompt?: string;
}

/**
 * A Neo4j store over the HTTP Query API, sent with fetch: the same requests, answers and
 * semantics as the native `--store neo4j+http://...` (one idempotent write per run, counters
 * incremented inside Neo4j). Every method returns a promise; failures are ForewarnErrors with
 * code "neo4j" (or the core's code for a bad input), never containing the credentials.
 */
export interface Neo4jStore {
  /** The URI without credentials. */
  readonly uri: string;
  /** HTTP requests sent so far, retries included. */
  readonly requests: number;
  /** Apply the schema (idempotent): statements sent, constraints and indexes added. */
  migrate(): Promise<{ statements: number; added: number }>;
  /**
   * Apply a change set from fw.changeset() (the schema is checked before the first write). Each
   * call draws an ingest token (crypto.getRandomValues) that its retries share: when an attempt
   * committed but its answer was lost, the retry reports that attempt's result (already_ingested
   * false, the same numbers); a separate call for a run_id already stored reports
   * already_ingested true with every number 0.
   */
  apply(changeset: JsonDocument): Promise<FeedbackProcessingResult>;
  /** Collect one smoke run (and the manifest of its prompts, or null) into Neo4j (as apply()). */
  collect(smokeResult: SmokeInput, ir: IR | JsonDocument | null, manifest: JsonDocument | null,
    options?: CollectOptions): Promise<FeedbackProcessingResult>;
  stats(options?: { lifecycle?: LifecycleOptions | null }): Promise<StoreStats>;
  patterns(options?: PatternsOptions): Promise<Array<Record<string, unknown>>>;
  decide(patternId: string, decision: 'retired' | 'active', options?: { now?: Date | string }): Promise<Record<string, unknown>>;
  retire(patternId: string, options?: { now?: Date | string }): Promise<Record<string, unknown>>;
  activate(patternId: string, options?: { now?: Date | string }): Promise<Record<string, unknown>>;
  deletePattern(patternId: string): Promise<Record<string, unknown>>;
  /** The whole store as a store document (MemoryStore.serialize()'s format). */
  serialize(): Promise<string>;
  /** Write a store document's records into Neo4j (values set; existing ids take the imported
   * content, other records stay); checked whole before anything is sent. */
  import(doc: JsonDocument, options?: { batchSize?: number }): Promise<{ written: number; unchanged: number }>;
  get(patternId: string): Promise<Record<string, unknown> | null>;
  query(query?: {
    entity?: string; endpoint_pattern?: string; schema?: string; error_type?: string; min_occurrences?: number;
  } | string): Promise<Array<Record<string, unknown>>>;
  /** The prompt with the known issues, reading only what the target needs. */
  enhance(prompt: string, target: EnhanceTarget, options?: EnhanceOptions): Promise<EnhanceResult>;
  /** Every prompt of a generation, the store read once. */
  enhanceBatch(requests: Neo4jEnhanceRequest[], options?: EnhanceOptions):
    Promise<Array<EnhanceResult & { scope: string; target: string }>>;
  /** The whole store in memory (one read); delete() it when done. */
  snapshot(): Promise<MemoryStore>;
}

/** The calls that return the core's JSON text byte for byte. */
export interface RawApi {
  classify(text: string | Uint8Array, options?: ClassifyOptions): string;
  classifyRecord(line: string | Uint8Array, options?: ClassifyOptions): string;
  enhance(prompt: string, target: EnhanceTarget, store: MemoryStore, options?: EnhanceOptions): string;
  changeset(smokeResult: SmokeInput, ir: IR | JsonDocument | null, manifest: JsonDocument | null,
    options?: CollectOptions): string;
  collect(smokeResult: SmokeInput, ir: IR | JsonDocument | null, manifest: JsonDocument | null,
    store: MemoryStore, options?: CollectOptions): string;
  apply(store: MemoryStore, changeset: JsonDocument): string;
  stats(store: MemoryStore, options?: { lifecycle?: LifecycleOptions | null }): string;
  patterns(store: MemoryStore, options?: PatternsOptions): string;
}

/** One instance of forewarn.wasm with its own memory. */
export class Forewarn {
  /** Load the module (memoised per source; default ./dist/forewarn.wasm next to forewarn.mjs). */
  static load(source?: WasmSource): Promise<Forewarn>;
  /** A new, separate instance of a compiled module (not memoised). */
  static instantiate(module: WebAssembly.Module): Promise<Forewarn>;
  private constructor();

  readonly version: string;
  readonly Rules: new (...packs: JsonDocument[]) => Rules;
  /** An ApplicationIR, or an OpenAPI 3.x / Swagger 2.0 document read as one. */
  readonly IR: new (doc: JsonDocument) => IR;
  readonly MemoryStore: new (doc?: JsonDocument | null) => MemoryStore;
  readonly Neo4jStore: new (options: Neo4jStoreOptions) => Neo4jStore;
  readonly raw: RawApi;

  /** Classify one error text (a traceback, an exception line, a 422 body...). */
  classify(text: string | Uint8Array, options?: ClassifyOptions): Classification;
  /** Classify one JSON-lines record {"id", "text", "endpoint"?}; a bad record is returned, not thrown. */
  classifyRecord(line: string | Uint8Array, options?: ClassifyOptions): Classification | RecordError;
  /** The base prompt followed by "AVOID THESE KNOWN ISSUES:" with the store's relevant patterns. */
  enhance(prompt: string, target: EnhanceTarget, store: MemoryStore, options?: EnhanceOptions): EnhanceResult;
  /** The change set of one smoke run (and the manifest of its prompts, or null). */
  changeset(smokeResult: SmokeInput, ir: IR | JsonDocument | null, manifest: JsonDocument | null,
    options?: CollectOptions): Record<string, unknown>;
  /** Collect one smoke run into the store. */
  collect(smokeResult: SmokeInput, ir: IR | JsonDocument | null, manifest: JsonDocument | null,
    store: MemoryStore, options?: CollectOptions): FeedbackProcessingResult;
  /** One or more JUnit XML reports as the SmokeTestResult the collector takes (docs/formats.md). */
  junitToSmoke(reports: string | Uint8Array | Array<string | Uint8Array>,
    options?: { ir?: IR | JsonDocument | null; runId?: string }): Record<string, unknown>;
  /** The message template of a text. */
  normalize(message: string | Uint8Array): string;
  /** The text with its secrets replaced by typed placeholders (`<password>`, `<jwt>`, ...). */
  redact(text: string, options?: { rules?: Rules | null; redact?: RedactOption | null }): string;
  /** Validate a SmokeTestResult; returns its normalised form. */
  validateSmoke(doc: JsonDocument): Record<string, unknown>;
  /** Throws a ForewarnError "json" for invalid JSON, a NUL character or a key given twice. */
  checkJson(text: string | Uint8Array): void;
  /** heapUsed: bytes malloc'd and not freed; memoryBytes: size of the linear memory. */
  memoryStats(): { heapUsed: number; memoryBytes: number };
}

export default Forewarn;
