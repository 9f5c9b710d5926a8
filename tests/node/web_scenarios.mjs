// The page's store features, as one list of browser scenarios run in both modes: with the
// patterns in this browser (web_store.test.mjs) and in a real Neo4j (web_neo4j.test.mjs). What
// the page shows is checked against the native CLI run on the page's own export (a store
// document, which is what the CLI's file store holds), so both modes answer to the same truth.
//
// Texts marked "synthetic" below are made up for these tests (with made-up secrets); the
// example errors come from examples/errors (real texts, sources in its index.json).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, run } from './helpers.mjs';

const ir = path.join(root, 'examples', 'shop', 'ir.json');
const text = (id) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? '';
const statusOf = (page, id) => page.evaluate(text, id);
// Waits for a status line to match; a timeout says what the line held instead.
async function waitStatus(page, id, re, timeout = 30000) {
  try {
    await page.waitForFunction(([tid, src]) => new RegExp(src).test(document.querySelector(`[data-testid=${tid}]`).textContent),
      [id, re.source], { timeout });
  } catch (err) {
    throw new Error(`${id} did not match ${re}: it says ${JSON.stringify(await statusOf(page, id))} (${err.message})`);
  }
}

// synthetic: a NOT NULL error of the example shop, with a made-up password in its log line
const SECRET = 'Synthetic-Pw-83d1';
const SYNTHETIC_ERROR = [
  'INFO:     connecting with DATABASE_URL=postgresql://shop:' + SECRET + '@db:5432/shop',
  'sqlalchemy.exc.IntegrityError: (psycopg2.errors.NotNullViolation) null value in column "price" of relation "products" violates not-null constraint',
  'DETAIL:  Failing row contains (7, Widget, null).',
].join('\n');

// ctx(): {page, tmp, label (the store's name in the page's messages), mode}
export function storeScenarios(ctx) {
  let exports = 0;
  // The page's store, exported with its button, as a CLI file store.
  async function exported() {
    const { page, tmp } = ctx();
    const dir = path.join(tmp, `export-${++exports}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'patterns.json');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-store')]);
    await download.saveAs(file);
    await waitStatus(page, 'store-status', /^Exported \d+ patterns and \d+ runs from /);
    return file;
  }
  const cliPatterns = (file) => JSON.parse(run(['patterns', '--store', file, '--json']).stdout);
  const summary = () => statusOf(ctx().page, 'store-summary');
  async function importFile(file) {
    const { page } = ctx();
    const before = await statusOf(page, 'store-status');
    await page.setInputFiles('#import-store', file);
    await page.waitForFunction((b) => document.querySelector('[data-testid=store-status]').textContent !== b, before, { timeout: 30000 });
    return statusOf(page, 'store-status');
  }

  it('loads the example history; loading it again records nothing', async () => {
    const { page, label } = ctx();
    await page.click('#load-history');
    await waitStatus(page, 'store-status', /^Example history: \d of 3 runs recorded in /);
    assert.ok((await statusOf(page, 'store-status')).includes(label));
    const after = await summary();
    assert.match(after, /patterns from [3-9] runs/);
    await page.click('#load-history');
    await waitStatus(page, 'store-status', /^Example history: 0 of 3 runs recorded .*nothing changed for them/);
    assert.equal(await summary(), after);
  });

  it('records a pasted error once: recording it again changes nothing, and says so', async () => {
    const { page, label } = ctx();
    const error = readFileSync(path.join(root, 'examples', 'errors', 'post_products_not_null.txt'), 'utf8');
    await page.fill('#endpoint', 'POST /products');
    await page.fill('#failure-text', error);
    await page.waitForSelector('[data-testid=classification]');
    await page.click('#record');
    await waitStatus(page, 'record-status', /^(Recorded run pasted-[0-9a-f]{16} in |Run pasted-[0-9a-f]{16} was already recorded)/);
    const once = await summary();
    const runId = (await statusOf(page, 'record-status')).match(/pasted-[0-9a-f]{16}/)[0];
    await page.click('#record');
    await waitStatus(page, 'record-status', new RegExp(`^Run ${runId} was already recorded in .*: nothing changed\\.$`));
    assert.ok((await statusOf(page, 'record-status')).includes(label));
    assert.equal(await summary(), once);
    const file = await exported();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.runs.filter((r) => r.run_id === runId).length, 1);
  });

  it('marks where the rule matched in the pasted text, with the secrets redacted', async () => {
    const { page } = ctx();
    await page.fill('#endpoint', '');
    await page.fill('#failure-text', SYNTHETIC_ERROR);
    await page.waitForFunction(() => document.querySelector('[data-testid=match-view]').textContent.includes('NotNullViolation'));
    assert.equal(await page.isHidden('[data-testid=match-box]'), false);
    const classification = JSON.parse(await page.evaluate(() => {
      document.querySelector('#result-raw-toggle').click();
      const t = document.querySelector('[data-testid=result-raw]').textContent;
      document.querySelector('#result-raw-toggle').click();
      return t;
    }));
    assert.equal(classification.category, 'nullable_missing');
    const view = await page.textContent('[data-testid=match-view]');
    assert.ok(!view.includes(SECRET), 'the secret is shown');
    assert.ok(view.includes('null value in column "price"'));
    assert.equal(await page.textContent('[data-testid=match]'), classification.message);
    const values = await page.$$eval('[data-testid=match-value]', (ms) => ms.map((m) => `${m.title}=${m.textContent}`));
    assert.ok(values.includes(`column=${classification.context.column}`), values.join(', '));
    // the marks are elements the page built: the text itself is never parsed as HTML
    await page.fill('#failure-text', `${SYNTHETIC_ERROR}\n<img src=x onerror=alert(1)>`);
    await page.waitForFunction(() => document.querySelector('[data-testid=match-view]').textContent.includes('<img'));
    assert.equal(await page.locator('[data-testid=match-view] img').count(), 0);
    // an unknown text has nothing to mark
    await page.fill('#failure-text', 'synthetic: something nobody recognises happened');
    await page.waitForSelector('[data-testid=match-box][hidden]', { state: 'attached' });
  });

  it('puts the preview\'s warnings in a run\'s manifest, as the CLI writes it; recording that run counts what they prevented', async () => {
    const { page, tmp, mode } = ctx();
    await page.click('#use-example-ir');
    await page.selectOption('#scope', 'entity');
    await page.fill('#target', 'Product');
    const prompt = 'Write the Product model and its endpoints.';
    await page.fill('#base-prompt', prompt);
    await page.waitForFunction((want) => document.querySelector('[data-testid=prompt-out]').textContent.startsWith(want) &&
      / injected from /.test(document.querySelector('[data-testid=prompt-status]').textContent), prompt, { timeout: 30000 });
    const runId = `gen-page-${mode}`;
    await page.fill('#run-id', 'has space');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-id-error]').textContent !== '');
    assert.equal(await page.isDisabled('#add-manifest'), true);
    await page.fill('#run-id', runId);
    await page.waitForFunction(() => !document.querySelector('#add-manifest').disabled);
    await page.click('#add-manifest');
    await waitStatus(page, 'manifest-status', new RegExp(`^Manifest of run ${runId}: \\d+ warnings? in 1 prompt\\.`));
    await page.click('#add-manifest');
    await waitStatus(page, 'manifest-status', /\(these were already in it\)/);
    const manifestFile = path.join(tmp, `${runId}.json`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-manifest')]);
    await download.saveAs(manifestFile);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    // the CLI, on the same store, writes the same manifest for the same prompt
    const store = await exported();
    const cliManifest = path.join(tmp, `${runId}-cli.json`);
    const r = run(['enhance', '--store', store, '--entity', 'Product', '--ir', ir, '--prompt', '-', '--run-id', runId, '--manifest-out', cliManifest],
      { input: prompt });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(manifest, JSON.parse(readFileSync(cliManifest, 'utf8')));
    assert.ok(manifest.injections.length > 0);
    // synthetic: the generation's smoke run, with none of the warned errors back
    const smoke = { run_id: runId, violations: [], stack_traces: [] };
    await page.fill('#failure-text', JSON.stringify(smoke));
    await page.waitForFunction(() => !document.querySelector('#record').disabled);
    await page.click('#record');
    await waitStatus(page, 'record-status', new RegExp(`^Recorded run ${runId} in .*With the manifest of ${manifest.injections.length} warnings? in 1 prompt: ${manifest.injections.length} prevented, 0 recurred\\.$`));
    const cli = path.join(tmp, `${runId}-ingest`, 'patterns.json');
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(cli, readFileSync(store));
    const smokeFile = path.join(tmp, `${runId}-smoke.json`);
    writeFileSync(smokeFile, JSON.stringify(smoke));
    const ingest = JSON.parse(run(['ingest', '--store', cli, '--smoke', smokeFile, '--ir', ir, '--manifest', manifestFile, '--json']).stdout);
    assert.equal(ingest.prevented, manifest.injections.length);
    const page_ = JSON.parse(readFileSync(await exported(), 'utf8')).runs.find((x) => x.run_id === runId);
    assert.equal(page_.prevented, ingest.prevented);
  });

  it('exports, refuses a corrupt import with nothing changed, and imports a store document', async () => {
    const { page, tmp } = ctx();
    const file = await exported();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    // the summary counts the specific patterns (the general ones are derived from them)
    assert.match(await summary(), new RegExp(`^${doc.patterns.filter((p) => !p.general).length} patterns from ${doc.runs.length} runs`));
    const bad = path.join(tmp, 'corrupt.json');
    writeFileSync(bad, '{"format": "forewarn-store", "version": 1, "patterns": [{"pattern_id": 7}]}');
    const before = await summary();
    assert.match(await importFile(bad), /^Not imported, nothing changed: /);
    assert.equal(await summary(), before);
    // synthetic measurements on two patterns, so that the browser has lifts to sort by
    const measured = structuredClone(doc);
    const [a, b] = measured.patterns.filter((p) => !p.general);
    Object.assign(a, { times_injected: 12, times_recurred_after_injection: 1, times_withheld: 12, times_recurred_when_withheld: 9 });
    Object.assign(b, { times_injected: 10, times_recurred_after_injection: 5, times_withheld: 10, times_recurred_when_withheld: 5 });
    const synthetic = path.join(tmp, 'synthetic-measured.json');
    writeFileSync(synthetic, JSON.stringify(measured));
    assert.match(await importFile(synthetic), /^Imported synthetic-measured\.json: /);
    const again = JSON.parse(readFileSync(await exported(), 'utf8'));
    assert.deepEqual(again.patterns.map((p) => p.pattern_id).sort(), measured.patterns.map((p) => p.pattern_id).sort());
    assert.equal(again.patterns.find((p) => p.pattern_id === a.pattern_id).times_withheld, 12);
  });

  it('browses the patterns: filter, sort by occurrences, last seen and lift, open one, retire, activate and delete it', async () => {
    const { page } = ctx();
    const truth = cliPatterns(await exported());
    const rows = () => page.$$eval('[data-testid=pattern-row]', (rs) => rs.map((r) => r.dataset.patternId));
    await page.selectOption('#sort-patterns', 'occurrences');
    const byOcc = [...truth].sort((x, y) => y.occurrence_count - x.occurrence_count || x.pattern_id.localeCompare(y.pattern_id));
    assert.deepEqual(await rows(), byOcc.map((p) => p.pattern_id));
    assert.equal(await statusOf(page, 'pattern-count'), `${truth.length} of ${truth.length} patterns shown.`);
    // lift: the measured ones first, highest first, as the CLI measures them
    await page.selectOption('#sort-patterns', 'lift');
    const lifted = truth.filter((p) => p.effect.lift !== null).sort((x, y) => y.effect.lift - x.effect.lift);
    assert.ok(lifted.length >= 2 && lifted[0].effect.lift > 0.5, JSON.stringify(lifted.map((p) => p.effect)));
    assert.deepEqual((await rows()).slice(0, lifted.length), lifted.map((p) => p.pattern_id));
    await page.selectOption('#sort-patterns', 'last_seen');
    const seen = await rows();
    const lastSeen = seen.map((id) => truth.find((p) => p.pattern_id === id).last_seen);
    assert.deepEqual(lastSeen, [...lastSeen].sort().reverse());
    // filters
    const category = truth[0].category;
    await page.selectOption('#filter-category', category);
    const wanted = truth.filter((p) => p.category === category).map((p) => p.pattern_id).sort();
    assert.deepEqual((await rows()).sort(), wanted);
    assert.equal(await statusOf(page, 'pattern-count'), `${wanted.length} of ${truth.length} patterns shown.`);
    const entity = truth.find((p) => p.category === category).entity_pattern;
    await page.selectOption('#filter-entity', entity);
    assert.deepEqual((await rows()).sort(), truth.filter((p) => p.category === category && p.entity_pattern === entity).map((p) => p.pattern_id).sort());
    await page.selectOption('#filter-state', 'retired');
    assert.deepEqual(await rows(), []);
    for (const f of ['#filter-category', '#filter-entity', '#filter-state']) await page.selectOption(f, '');
    const stacks = await page.$$eval('#filter-stack option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.deepEqual(stacks, [...new Set(truth.map((p) => p.stack ?? 'neutral'))].sort());
    // open one: its lesson and its (redacted) sample
    const chosen = truth.find((p) => !p.general && p.remediation);
    await page.click(`[data-pattern-id="${chosen.pattern_id}"] button[data-action=open]`);
    assert.equal(await page.textContent('[data-testid=detail-id]'), chosen.pattern_id);
    assert.equal(await page.textContent('[data-testid=detail-lesson]'), chosen.remediation);
    assert.equal(await page.textContent('[data-testid=detail-sample]'), chosen.message_template);
    // retire: recorded as a person's decision in the store
    await page.click('[data-testid=detail-decide]');
    await page.waitForFunction(() => /^retired \(person\)$/.test(document.querySelector('[data-testid=detail-state]')?.textContent ?? ''), null, { timeout: 30000 });
    let stored = cliPatterns(await exported()).find((p) => p.pattern_id === chosen.pattern_id);
    assert.deepEqual([stored.state, stored.state_reason, stored.decision], ['retired', 'person', 'retired']);
    await page.selectOption('#filter-state', 'retired');
    assert.deepEqual(await rows(), [chosen.pattern_id]);
    await page.selectOption('#filter-state', '');
    await page.click('[data-testid=detail-decide]');
    await page.waitForFunction(() => /^active \(person\)$/.test(document.querySelector('[data-testid=detail-state]')?.textContent ?? ''), null, { timeout: 30000 });
    stored = cliPatterns(await exported()).find((p) => p.pattern_id === chosen.pattern_id);
    assert.equal(stored.decision, 'active');
    // delete (the confirmation is accepted by the test's dialog handler)
    await page.click('[data-testid=detail-delete]');
    await waitStatus(page, 'store-status', new RegExp(`^Pattern ${chosen.pattern_id} deleted from `));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=pattern-row]').length === n, truth.length - 1);
    assert.ok(!(await rows()).includes(chosen.pattern_id));
    const left = cliPatterns(await exported());
    assert.equal(left.length, truth.length - 1);
    assert.ok(!left.some((p) => p.pattern_id === chosen.pattern_id));
  });

  it('makes a link that restores the inputs without any secret, and refuses a damaged one', async () => {
    const { page } = ctx();
    await page.click('#use-example-ir');
    await page.fill('#failure-text', SYNTHETIC_ERROR);
    await page.fill('#endpoint', 'POST /products');
    await page.selectOption('#scope', 'entity');
    await page.fill('#target', 'Product');
    await page.fill('#run-id', 'gen-shared');
    await page.fill('#budget', '1500');
    await page.click('#share-state');
    await waitStatus(page, 'share-status', /^Link (copied|ready)/);
    assert.match(await statusOf(page, 'share-status'), /Secrets in 1 field were replaced by placeholders\. The Neo4j connection is never in it\./);
    const link = await page.inputValue('[data-testid=share-link]');
    assert.match(link, /#s=[\w-]+$/);
    const other = await page.context().newPage();
    try {
      await other.goto(link);
      await other.waitForSelector('body[data-ready=true]');
      await waitStatus(other, 'share-status', /^Restored from a shared link\.$/);
      const restored = await other.inputValue('#failure-text');
      assert.ok(!restored.includes(SECRET), 'the secret reached the link');
      const redacted = run(['redact', '-'], { input: SYNTHETIC_ERROR });
      assert.equal(redacted.status, 0, redacted.stderr);
      assert.equal(restored, redacted.stdout.replace(/\n$/, ''), 'the link holds the text as the CLI redacts it');
      assert.match(restored, /null value in column "price"/);
      assert.equal(await other.inputValue('#endpoint'), 'POST /products');
      assert.equal(await other.inputValue('#target'), 'Product');
      assert.equal(await other.inputValue('#run-id'), 'gen-shared');
      assert.equal(await other.inputValue('#budget'), '1500');
      assert.equal(await other.inputValue('#neo4j-password'), '');
      assert.match(await statusOf(other, 'spec-status'), /entities/);
      await other.waitForSelector('[data-testid=classification]');
      await other.goto(`${link.split('#')[0]}#s=AAAA-damaged`);
      await other.reload();
      await other.waitForSelector('body[data-ready=true]');
      await waitStatus(other, 'share-status', /^The shared link was not used: the link is damaged/);
    } finally {
      await other.close();
    }
  });
}
