// The manifests of the page's own enhance step: which warnings went into (or were withheld
// from) which prompt of which generation run, as `forewarn enhance --manifest-out` writes them
// ({run_id, injections}). Recording that run's smoke result with its manifest is what lets the
// store count a warning as prevented or as recurring. Kept in this browser's storage (they hold
// pattern ids, targets and lessons, never an error text), so a run recorded after a reload
// still finds its manifest.

const STORAGE_KEY = 'forewarn.manifests.v1';

export class Manifests {
  #storage;
  #byRun = new Map();

  constructor(storage = globalThis.localStorage) {
    this.#storage = storage;
    try {
      const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}');
      for (const [runId, m] of Object.entries(saved)) {
        if (Array.isArray(m?.injections)) this.#byRun.set(runId, { run_id: runId, injections: m.injections });
      }
    } catch {
      // unreadable or disabled storage: manifests live for this tab only
    }
  }

  get(runId) { return this.#byRun.get(runId) ?? null; }

  // Add an enhance result's injections to the run's manifest; the same injection (pattern,
  // prompt, withheld or not) twice is one, as in the CLI. Returns the number added.
  add(runId, injected) {
    const m = this.#byRun.get(runId) ?? { run_id: runId, injections: [] };
    const seen = new Set(m.injections.map((i) => JSON.stringify(i)));
    let added = 0;
    for (const inj of injected) {
      const key = JSON.stringify(inj);
      if (seen.has(key)) continue;
      seen.add(key);
      m.injections.push(inj);
      added++;
    }
    this.#byRun.set(runId, m);
    this.#save();
    return added;
  }

  // "N warnings in M prompts" of a manifest.
  static describe(m) {
    const prompts = new Set(m.injections.map((i) => `${i.scope} ${i.target}`)).size;
    const n = m.injections.length;
    return `${n} warning${n === 1 ? '' : 's'} in ${prompts} prompt${prompts === 1 ? '' : 's'}`;
  }

  #save() {
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(this.#byRun)));
    } catch {
      // kept in this tab only
    }
  }
}
