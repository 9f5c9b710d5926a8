// forewarn store redact: a file store written before redaction (synthetic secrets in its text
// values) rewritten so none is left, ids and counters kept, the count of changed values printed,
// and a second run changing nothing; store import redacts what it brings in. (The Neo4j side is
// in neo4j_store.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, tempDir } from './helpers.mjs';

const secrets = ['s3cr3t-Pw-old', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'bob@example.com', 'ACME-482913'];
const oldStore = () => ({
  format: 'forewarn-store', version: 1,
  patterns: [{
    pattern_id: 'ap1-00000000000000a1', error_type: 'database', category: 'nullable_missing', exception_class: 'IntegrityError',
    error_message_pattern: '^x', message_template: `connection to postgresql://app:${secrets[0]}@db:5432 failed`,
    entity_pattern: 'Product', endpoint_pattern: 'POST /products', field_pattern: 'nullable:name', remediation: 'check the name',
    bad_code_snippet: 'b', correct_code_snippet: 'c', occurrence_count: 3, times_prevented: 1, times_injected: 2,
    times_recurred_after_injection: 0, first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-02T00:00:00Z',
  }],
  unclassified: [{
    template_id: 'un-00000000000000b2', exception_class: 'X', message_template: `token ${secrets[1]} for ${secrets[2]}`,
    sample: `ticket ${secrets[3]} failed`, count: 2, first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T00:00:00Z',
  }],
  runs: [],
});

test('store redact: every secret replaced, ids and counters kept, the count printed, again nothing', () => {
  const dir = tempDir('fw-store-redact-');
  const store = path.join(dir, 'patterns.json');
  writeFileSync(store, JSON.stringify(oldStore()));
  const r = run(['store', 'redact', '--store', store]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /: 2 values in 2 records replaced by placeholders/);
  const bytes = readFileSync(store, 'utf8');
  for (const s of secrets.slice(0, 3)) assert.ok(!bytes.includes(s), s);
  assert.ok(bytes.includes(secrets[3]), 'a team pattern is not built in');
  const doc = JSON.parse(bytes);
  assert.equal(doc.patterns[0].message_template, 'connection to postgresql://app:<password>@db:5432 failed');
  assert.equal(doc.unclassified[0].message_template, 'token <api_key> for <email>');
  assert.equal(doc.patterns[0].pattern_id, 'ap1-00000000000000a1');
  assert.deepEqual([doc.patterns[0].occurrence_count, doc.patterns[0].times_prevented, doc.unclassified[0].count], [3, 1, 2]);
  const again = run(['store', 'redact', '--store', store]);
  assert.match(again.stdout, /: 0 values in 0 records/);
  assert.equal(readFileSync(store, 'utf8'), bytes);
  // the team's own patterns
  const pats = path.join(dir, 'redact.json');
  writeFileSync(pats, JSON.stringify([{ id: 'ticket', pattern: 'ACME-[0-9]{6}', replace: '<ticket>' }]));
  const team = run(['store', 'redact', '--store', store, '--redact', pats]);
  assert.match(team.stdout, /: 1 values in 1 records/);
  assert.ok(!readFileSync(store, 'utf8').includes(secrets[3]));
});

test('store import redacts the records it brings in; store redact of a corrupt store changes nothing', () => {
  const dir = tempDir('fw-import-redact-');
  const old = oldStore();
  const lines = [
    JSON.stringify({ kind: 'pattern', ...old.patterns[0] }),
    JSON.stringify({ kind: 'unclassified', ...old.unclassified[0] }),
  ].join('\n');
  const store = path.join(dir, 'patterns.json');
  const r = run(['store', 'import', '--store', store], { input: lines });
  assert.equal(r.status, 0, r.stderr);
  const bytes = readFileSync(store, 'utf8');
  for (const s of secrets.slice(0, 3)) assert.ok(!bytes.includes(s), s);
  // importing the same old export again finds the records there, unchanged
  assert.match(run(['store', 'import', '--store', store], { input: lines }).stdout, /0 records written, 2 already there/);
  const corrupt = path.join(dir, 'corrupt.json');
  writeFileSync(corrupt, '{"format": "forewarn-store", "version": 1, "patterns": [');
  const c = run(['store', 'redact', '--store', corrupt]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /is corrupt/);
  assert.equal(readFileSync(corrupt, 'utf8'), '{"format": "forewarn-store", "version": 1, "patterns": [');
});
