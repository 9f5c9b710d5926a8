// The built-in rule pack covers every category of the taxonomy (../shared/TAXONOMY.md) with a
// rule and a remediation, and every rule's category exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

const taxonomyPath = path.join(root, '..', 'shared', 'TAXONOMY.md');

test('every taxonomy category has rules and remediation templates', { skip: !existsSync(taxonomyPath) && 'no ../shared' }, () => {
  const pack = JSON.parse(readFileSync(path.join(root, 'core', 'rules', 'default.json'), 'utf8'));
  const rows = readFileSync(taxonomyPath, 'utf8').split('\n')
    .map((l) => l.match(/^\|\s*([a-z-]+)\s*\|\s*([a-z_]+)\s*\|/)).filter(Boolean)
    .map((m) => ({ errorType: m[1], category: m[2] })).filter((r) => r.category !== 'category');
  assert.ok(rows.length >= 25, `read ${rows.length} taxonomy rows`);
  const ruled = new Set(pack.rules.map((r) => r.category));
  for (const { errorType, category } of rows) {
    assert.ok(pack.categories[category], `templates for ${category}`);
    if (category === 'unknown') continue;
    assert.equal(pack.categories[category].error_type, errorType, `${category} is ${errorType}`);
    assert.ok(ruled.has(category), `a rule for ${category}`);
  }
  for (const r of pack.rules) assert.ok(pack.categories[r.category], `rule ${r.id} has a known category`);
  assert.equal(new Set(pack.rules.map((r) => r.id)).size, pack.rules.length, 'rule ids are unique');
});
