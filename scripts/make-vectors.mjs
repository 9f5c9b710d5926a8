#!/usr/bin/env node
// Regenerates tests/vectors/expected/ from the native CLI (FOREWARN_NOW fixed by the manifest):
// the outputs the native and the WASM tests must both reproduce byte for byte. Review the diff
// before committing: a change here is a change of behaviour.
//
//   node scripts/make-vectors.mjs [--bin build/forewarn] [--check]
//     --check   compare instead of writing; exit 1 when anything differs or is missing
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectedDir, loadManifest, nativeOutputs } from '../tests/node/vectors.mjs';
import { root } from '../tests/node/helpers.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const binIdx = args.indexOf('--bin');
const bin = binIdx >= 0 ? path.resolve(args[binIdx + 1]) : process.env.FOREWARN_BIN || path.join(root, 'build', 'forewarn');
if (!existsSync(bin)) {
  console.error(`make-vectors: ${bin} not found (build it with scripts/build.sh)`);
  process.exit(1);
}

const manifest = loadManifest();
const seen = new Set();
let written = 0, same = 0, differ = 0;
for (const v of nativeOutputs(bin, manifest)) {
  const file = path.join(expectedDir, v.file);
  seen.add(path.relative(expectedDir, file));
  if (v.case.category) {
    const got = JSON.parse(v.actual.toString('utf8')).category;
    if (got !== v.case.category) console.error(`make-vectors: ${v.name}: category ${got}, the manifest says ${v.case.category}`);
  }
  const old = existsSync(file) ? readFileSync(file) : null;
  if (old && old.equals(v.actual)) {
    same++;
    continue;
  }
  differ++;
  if (check) {
    console.error(`make-vectors: ${v.name}: ${old ? 'differs from' : 'missing'} ${path.relative(root, file)}`);
    continue;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, v.actual);
  written++;
}
// expected files no case produces any more
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(expectedDir, path.join(dir, e.name))]);
const stale = existsSync(expectedDir) ? walk(expectedDir).filter((f) => !seen.has(f)) : [];
for (const f of stale) {
  if (check) console.error(`make-vectors: stale ${f}`);
  else rmSync(path.join(expectedDir, f));
}
console.log(`make-vectors: ${seen.size} vectors, ${same} unchanged, ${check ? `${differ} differ` : `${written} written`}, ${stale.length} stale${check ? '' : ' removed'}`);
process.exit(check && (differ || stale.length) ? 1 : 0);
