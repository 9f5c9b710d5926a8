// Shared by the benchmarks: where the dev corpus is (../shared beside the repository), the
// input builder that repeats it, with unique ids, until a size is reached, and the option loop.
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

// The command-line loop of the benchmarks: `take(flag, value, number)` handles one option and
// returns false for one it does not know; value() reads the option's argument, number(min) reads
// it as a number >= min. -h/--help prints `usage` and exits.
export function parseOptions(argv, usage, take) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const number = (min) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min) throw new Error(`${a}: expected a number >= ${min}`);
      return n;
    };
    if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    }
    if (take(a, value, number) === false) throw new Error(`unknown option ${a}\n\n${usage}`);
  }
}
