#!/usr/bin/env node
// Makes web/ a complete static site: copies the WASM module, its JavaScript API and the built-in
// rule pack it imports into
// web/vendor/ (git-ignored) and bundles the examples the page offers (the shop spec, its
// recorded runs with their manifests, the example errors) into web/vendor/examples.json.
// Needs wasm/dist/forewarn.wasm (scripts/build-wasm.sh). Usage: node scripts/build-web.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vendor = path.join(root, 'web', 'vendor');
const wasm = path.join(root, 'wasm', 'dist', 'forewarn.wasm');
const json = (rel) => JSON.parse(readFileSync(path.join(root, rel), 'utf8'));

if (!existsSync(wasm) || !existsSync(path.join(root, 'wasm', 'dist', 'forewarn-rules.mjs'))) {
  console.error('build-web: wasm/dist/forewarn.wasm or forewarn-rules.mjs is missing: run bash scripts/build-wasm.sh first');
  process.exit(1);
}
mkdirSync(vendor, { recursive: true });

// Written next to the target and renamed: a page being served never reads half a file.
function put(name, write) {
  const tmp = path.join(vendor, path.dirname(name), `.${path.basename(name)}.tmp`);
  write(tmp);
  renameSync(tmp, path.join(vendor, name));
}
put('forewarn.mjs', (tmp) => copyFileSync(path.join(root, 'wasm', 'forewarn.mjs'), tmp));
put('forewarn.wasm', (tmp) => copyFileSync(wasm, tmp));
// forewarn.mjs imports the built-in rule pack from ./dist/ beside it, as in wasm/
mkdirSync(path.join(vendor, 'dist'), { recursive: true });
put(path.join('dist', 'forewarn-rules.mjs'), (tmp) => copyFileSync(path.join(root, 'wasm', 'dist', 'forewarn-rules.mjs'), tmp));

const index = json('examples/errors/index.json');
const examples = {
  ir: json('examples/shop/ir.json'),
  errors: index.errors.map(({ file, title, endpoint }) => ({
    title, endpoint, text: readFileSync(path.join(root, 'examples', 'errors', file), 'utf8'),
  })),
  runs: [1, 2, 3].map((n) => {
    const manifest = path.join('examples', 'shop', 'manifests', `shop-run-${n}.json`);
    return {
      run: json(`examples/shop/runs/run-${n}.json`),
      manifest: existsSync(path.join(root, manifest)) ? json(manifest) : null,
    };
  }),
};
put('examples.json', (tmp) => writeFileSync(tmp, JSON.stringify(examples)));
console.log(`build-web: web/vendor ready (${examples.errors.length} example errors, ${examples.runs.length} runs)`);
