// Shared by the benchmarks: where the dev corpus is (../shared beside the repository) and the
// input builder that repeats it, with unique ids, until a size is reached.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultCorpus = join(root, '..', 'shared', 'corpus', 'dev.jsonl');

// Repeat the corpus records into `path` until `bytes`; `project` shapes each output record
// (default: the whole record with a unique id).
export function buildInput(corpus, bytes, path, project = (r, id) => ({ ...r, id })) {
  const records = readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (!records.length) throw new Error(`${corpus} has no records`);
  const chunks = [];
  let size = 0, count = 0;
  for (let rep = 0; size < bytes; rep++) {
    for (const r of records) {
      const line = JSON.stringify(project(r, `${r.id}#${rep}`)) + '\n';
      chunks.push(line);
      size += Buffer.byteLength(line);
      count++;
    }
  }
  writeFileSync(path, chunks.join(''));
  return { bytes: size, records: count, corpusRecords: records.length };
}
