// The page's offline copy (web/sw.js) must list every module the page loads: a module left out
// works online and breaks the page once the server is gone. Checked here without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

test('web/sw.js keeps every module of web/lib and the page\'s own files', () => {
  const sw = readFileSync(path.join(root, 'web', 'sw.js'), 'utf8');
  const files = [...sw.matchAll(/'\.\/([^']*)'/g)].map((m) => m[1]);
  const modules = readdirSync(path.join(root, 'web', 'lib')).filter((f) => f.endsWith('.mjs')).map((f) => `lib/${f}`);
  for (const f of [...modules, 'app.mjs', 'index.html', 'style.css']) assert.ok(files.includes(f), `${f} is not in sw.js FILES`);
  for (const f of files.filter((x) => x.startsWith('lib/'))) assert.ok(modules.includes(f), `sw.js lists ${f}, which does not exist`);
});
