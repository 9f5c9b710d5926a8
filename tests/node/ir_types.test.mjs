// Field types as people write them (issue 12, tolerant ApplicationIR): Python, SQL, TypeScript/
// Prisma and JSON Schema spellings read into the IR's canonical types, nullable and max_length
// from the spelling, an unknown type kept with one warning naming its path; `forewarn ir` prints
// the IR read, and the WASM API reads the same IR with the same warnings. Synthetic specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tempDir } from './helpers.mjs';

const spec = {
  entities: [{
    name: 'Book',
    fields: [
      { name: 'id', type: 'int', primary_key: true },
      { name: 'title', type: 'VARCHAR(120)' },
      { name: 'subtitle', type: 'Optional[str]' },
      { name: 'price', type: 'NUMERIC(10,2)' },
      { name: 'published', type: 'datetime | None' },
      { name: 'isbn', type: 'String?' },
      { name: 'tags', type: 'list[str]' },
      { name: 'at', type: 'string', format: 'date-time' },
      { name: 'weird', type: 'Frobnicator' },
    ],
  }],
};
const want = [['id', 'integer', false, undefined], ['title', 'string', false, 120], ['subtitle', 'string', true, undefined],
  ['price', 'decimal', false, undefined], ['published', 'datetime', true, undefined], ['isbn', 'string', true, undefined],
  ['tags', 'json', false, undefined], ['at', 'datetime', false, undefined], ['weird', 'Frobnicator', false, undefined]];
const warning = '$.entities[0].fields[8].type: unknown type \'Frobnicator\', kept as written';

test('forewarn ir prints the IR read: canonical types, nullable and size from the spelling, one warning', () => {
  const file = path.join(tempDir('fw-ir-'), 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  const r = run(['ir', file]);
  assert.equal(r.status, 0, r.stderr);
  const fields = JSON.parse(r.stdout).entities[0].fields;
  assert.deepEqual(fields.map((f) => [f.name, f.type, f.nullable, f.max_length]), want);
  assert.equal(fields[1].type_raw, 'VARCHAR(120)');
  assert.equal(r.stderr, `forewarn: warning: ApplicationIR ${file}: ${warning}\n`);
  // and classification maps onto it: a NOT NULL on books.title names Book.title
  const c = run(['classify', '--ir', file, '-'], { input: 'sqlite3.IntegrityError: NOT NULL constraint failed: books.title' });
  assert.equal(c.status, 0);
  assert.equal(JSON.parse(c.stdout).ir.field_name, 'title');
  assert.equal((c.stderr.match(/warning/g) ?? []).length, 1, 'said once');
});

const wasmBuilt = existsSync(path.join(root, 'wasm', 'dist', 'forewarn.wasm'));
test('the WASM API reads the same IR with the same warnings', { skip: !wasmBuilt && 'wasm/dist/forewarn.wasm is not built' }, async () => {
  const { Forewarn } = await import('../../wasm/forewarn.mjs');
  const fw = await Forewarn.load();
  const ir = new fw.IR(spec);
  try {
    assert.deepEqual(ir.warnings, [warning]);
    const file = path.join(tempDir('fw-ir-wasm-'), 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    assert.deepEqual(ir.toJSON(), JSON.parse(run(['ir', file]).stdout));
  } finally {
    ir.delete();
  }
});
