// Where the page's patterns live: the browser (a MemoryStore of the WASM core, saved to
// localStorage after every change) or a Neo4j server reached with fetch through the Query API.
// Both answer the same async calls, so the rest of the page does not care which one it has.
// Neo4j credentials live in this object only (the tab's memory): never in the URL, storage or
// any message.

const STORAGE_KEY = 'forewarn.store.v1';

export class BrowserPatterns {
  kind = 'browser';
  #fw;
  #store;
  #storage;

  constructor(fw, storage = globalThis.localStorage) {
    this.#fw = fw;
    this.#storage = storage;
    this.#store = new fw.MemoryStore();
    this.notice = null;
    const saved = this.#read();
    if (saved) {
      try {
        this.#store.load(saved);
      } catch (err) {
        // Keep the unreadable copy aside instead of overwriting it with an empty store.
        const aside = `${STORAGE_KEY}.unreadable-${Date.now()}`;
        this.#write(aside, saved);
        this.notice = `The patterns saved in this browser could not be read (${err.message}); they were kept under "${aside}" and an empty store is used.`;
      }
    }
  }

  get size() { return this.#store.size; }
  get label() { return 'this browser'; }

  async stats() { return this.#store.stats(); }
  async patterns() { return this.#store.patterns(); }
  async get(id) { return this.#store.get(id); }

  async enhance(prompt, target, options) {
    return this.#fw.enhance(prompt, target, this.#store, options);
  }

  // A person's decision ('retired' or 'active'), or the pattern deleted; saved at once.
  async decide(id, decision) {
    const p = this.#store.decide(id, decision);
    this.#save();
    return p;
  }

  async deletePattern(id) {
    const p = this.#store.deletePattern(id);
    this.#save();
    return p;
  }

  async collect(smoke, ir, manifest) {
    const result = this.#fw.collect(smoke, ir, manifest, this.#store);
    this.#save();
    return result;
  }

  // The store document, as the native file store holds it (forewarn store import reads it too).
  async exportText() { return this.#store.serialize(); }

  // What importing a document does here, for the confirmation asked before it.
  importWarning(fileName) {
    return this.size ? `Replace the ${this.size} patterns kept in this browser with the content of ${fileName}?` : null;
  }

  // Replace the content with a store document; a corrupt one is refused and nothing changes.
  async importText(text) {
    const next = new this.#fw.MemoryStore();
    try {
      next.load(text);
    } catch (err) {
      next.delete();
      throw err;
    }
    this.#store.delete();
    this.#store = next;
    this.#save();
    return `${this.#store.size} patterns now in this browser`;
  }

  clear() {
    this.#store.delete();
    this.#store = new this.#fw.MemoryStore();
    this.#save();
  }

  #read() {
    try {
      return this.#storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null; // storage disabled: the store lives for this tab only
    }
  }

  #write(key, text) {
    this.#storage?.setItem(key, text);
  }

  #save() {
    try {
      this.#write(STORAGE_KEY, this.#store.serialize());
    } catch (err) {
      throw new Error(`the patterns could not be saved in this browser (${err.name}); they stay in this tab until it closes. Export them to keep them.`);
    }
  }
}

export class Neo4jPatterns {
  kind = 'neo4j';
  #store;

  constructor(fw, { uri, username, password, database }) {
    this.#store = new fw.Neo4jStore({ uri, username, password, database, retries: 1, timeoutMs: 15000 });
    this.label = `Neo4j at ${this.#store.uri}`;
  }

  // Proves the server answers with these credentials, and readies the schema for writes.
  async connect() {
    await this.#store.migrate();
    return this;
  }

  async stats() { return this.#store.stats(); }
  async patterns() { return this.#store.patterns(); }
  async get(id) { return this.#store.get(id); }
  async enhance(prompt, target, options) { return this.#store.enhance(prompt, target, options); }
  async collect(smoke, ir, manifest) { return this.#store.collect(smoke, ir, manifest); }
  async decide(id, decision) { return this.#store.decide(id, decision); }
  async deletePattern(id) { return this.#store.deletePattern(id); }
  async exportText() { return this.#store.serialize(); }

  // A shared store is merged into, never replaced from a page: records of the file take their
  // ids' place, the others stay (as `forewarn store import --replace`).
  importWarning(fileName) {
    return `Write the records of ${fileName} into ${this.label}? Records with the same id take the file's content; the others stay.`;
  }

  async importText(text) {
    const { written, unchanged } = await this.#store.import(text);
    return `${written} records written into ${this.label}, ${unchanged} already there unchanged`;
  }
}
