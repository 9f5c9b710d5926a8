// The web page (web/, npm run web) in real headless Chromium: pasted errors show the same
// category, context and spec mapping as the native CLI; the prompt preview equals what
// `forewarn enhance` prints for the same history; hostile input stays text; the browser store
// survives a reload and round-trips through export/import; the page works offline once loaded;
// labelled controls, keyboard order, 375 px; the raw JSON of each result; the learning curve and
// its table at 375 and 1280 px. Screenshots go to tests/artifacts/web/, and those of the two
// widths to tests/artifacts/web-screenshots/ when they changed. Bad input: web_inputs.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, run, sharedCorpus } from './helpers.mjs';
import { artifacts, openPage, webSkipReason, webSuite } from './web.mjs';

const skip = await webSkipReason();
const irPath = path.join(root, 'examples', 'shop', 'ir.json');
const examples = JSON.parse(readFileSync(path.join(root, 'examples', 'errors', 'index.json'), 'utf8')).errors
  .map((e) => ({ ...e, text: readFileSync(path.join(root, 'examples', 'errors', e.file), 'utf8') }));

// Real errors from the labelled dev corpus, one per category (when ../shared is there).
function corpusSample(max) {
  if (!existsSync(sharedCorpus)) return [];
  const seen = new Set();
  const picked = [];
  for (const line of readFileSync(sharedCorpus, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line);
    if (seen.has(rec.category) || picked.length >= max) continue;
    seen.add(rec.category);
    picked.push(rec);
  }
  return picked;
}

function cliClassify(text, endpoint) {
  const args = ['classify', '--ir', irPath];
  if (endpoint) args.push('--endpoint', endpoint);
  const r = run([...args, '-'], { input: text });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// Types the failure (as a person pasting it would: input events) and waits for the page to
// show this pattern_id; what is shown is then compared field by field.
async function paste(page, text, endpoint, expectedPatternId) {
  await page.fill('#endpoint', endpoint ?? '');
  await page.fill('#failure-text', text);
  await page.waitForFunction((id) => document.querySelector('[data-testid=pattern-id]')?.textContent === id,
    expectedPatternId, { timeout: 5000 }).catch(() => {});
}

async function shown(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? null;
    const context = {};
    for (const dd of document.querySelectorAll('[data-testid^=context-]')) context[dd.dataset.testid.slice(8)] = dd.textContent;
    return {
      category: text('[data-testid=category]'), patternId: text('[data-testid=pattern-id]'), exception: text('[data-testid=exception]'),
      entity: text('[data-testid=ir-entity]'), field: text('[data-testid=ir-field]'), constraint: text('[data-testid=ir-constraint]'),
      template: text('[data-testid=template]'), bad: text('[data-testid=bad-code]'), good: text('[data-testid=good-code]'), context,
    };
  });
}

describe('web page', { skip }, () => {
  const web = webSuite();
  let page;
  const tmp = mkdtempSync(path.join(tmpdir(), 'forewarn-web-'));

  before(async () => {
    page = await openPage(web.browser, web.server.url);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await fetch(web.server.url);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, 'no unsafe-inline scripts');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(await res.text(), /http-equiv="Content-Security-Policy"/, 'the page carries it too, for static hosting');
    assert.equal((await fetch(new URL('../package.json', web.server.url))).status, 404, 'nothing outside web/ is served');
    assert.equal((await fetch(new URL('/%2e%2e/package.json', web.server.url))).status, 404);
    assert.equal((await fetch(new URL('vendor/forewarn.wasm', web.server.url))).headers.get('content-type'), 'application/wasm');
  });

  it('shows the category, context and spec mapping of pasted errors, as the CLI classifies them', async () => {
    await page.click('#use-example-ir');
    await page.waitForFunction(() => document.querySelector('[data-testid=spec-status]').textContent.startsWith('shop'));
    const cases = [
      ...examples.map((e) => ({ name: e.file, text: e.text, endpoint: e.endpoint })),
      ...corpusSample(8).map((r) => ({ name: r.id, text: r.text, label: r })),
    ];
    assert.ok(cases.length >= 7);
    for (const c of cases) {
      const cli = cliClassify(c.text, c.endpoint);
      await paste(page, c.text, c.endpoint, cli.pattern_id);
      const s = await shown(page);
      assert.equal(s.patternId, cli.pattern_id, `${c.name}: pattern_id`);
      assert.equal(s.category, cli.category, `${c.name}: category`);
      assert.deepEqual(s.context, Object.fromEntries(Object.entries(cli.context).map(([k, v]) => [k, String(v)])), `${c.name}: context`);
      assert.equal(s.template, cli.message_template, `${c.name}: template`);
      assert.equal(s.bad, cli.anti_pattern.bad_code_snippet, `${c.name}: bad code`);
      assert.equal(s.good, cli.anti_pattern.correct_code_snippet, `${c.name}: correct code`);
      assert.equal(s.entity, cli.ir.entity_name, `${c.name}: entity`);
      assert.equal(s.field, cli.ir.field_name, `${c.name}: field`);
      if (c.label) assert.equal(s.category, c.label.category, `${c.name}: the corpus label`);
    }
    // A spot check by hand, independent of the CLI: the bundled NOT NULL example.
    await paste(page, examples[0].text, 'POST /products', cliClassify(examples[0].text, 'POST /products').pattern_id);
    const s = await shown(page);
    assert.deepEqual([s.category, s.entity, s.field, s.constraint], ['nullable_missing', 'Product', 'category_id', 'nullable']);
    assert.deepEqual(s.context, { table: 'products', column: 'category_id' });
    await page.screenshot({ path: path.join(artifacts, 'desktop-classification.png'), fullPage: true });
  });

  it('shows a whole SmokeTestResult as its anti-patterns', async () => {
    const smoke = readFileSync(path.join(root, 'examples', 'shop', 'runs', 'run-1.json'), 'utf8');
    await page.fill('#failure-text', smoke);
    await page.waitForSelector('[data-testid=run]');
    const shownIds = await page.$$eval('[data-testid=observation]', (lis) => lis.map((li) => li.dataset.patternId).sort());
    const store = path.join(tmp, 'run-1.json');
    const ingest = run(['ingest', '--smoke', 'examples/shop/runs/run-1.json', '--ir', irPath, '--store', store, '--json']);
    assert.equal(ingest.status, 0, ingest.stderr);
    const listed = run(['patterns', '--store', store, '--json']);
    assert.deepEqual(shownIds, JSON.parse(listed.stdout).map((p) => p.pattern_id).sort(), 'the run shows the patterns the CLI stores');
    assert.equal(await page.locator('[data-testid=unclassified]').count(), JSON.parse(ingest.stdout).unclassifiable_errors.length);
  });

  it('takes the app\'s OpenAPI document as the spec and a JUnit report as a run, as the CLI reads them', async () => {
    const openapi = path.join(root, 'examples', 'shop', 'openapi.json');
    await page.fill('#ir-text', readFileSync(openapi, 'utf8'));
    await page.waitForFunction(() => document.querySelector('[data-testid=spec-status]').textContent.includes('from OpenAPI'));
    assert.equal(await page.textContent('[data-testid=spec-status]'), 'Shop API (5 entities, 14 endpoints, from OpenAPI 3.0.2)');
    const text = examples.find((e) => e.file === 'post_customers_unique.txt');
    const cli = JSON.parse(run(['classify', '--ir', openapi, '--endpoint', text.endpoint], { input: text.text }).stdout);
    await paste(page, text.text, text.endpoint, cli.pattern_id);
    const s = await shown(page);
    assert.deepEqual([s.category, s.entity, s.field], [cli.category, 'Customer', 'email']);
    // a JUnit report pasted as the failure: the run's patterns, as `ingest --junit` stores them
    const report = path.join(root, 'tests', 'junit', 'pytest-shop.xml');
    await page.fill('#endpoint', '');
    await page.fill('#failure-text', readFileSync(report, 'utf8'));
    await page.waitForSelector('[data-testid=run-tests]');
    assert.match(await page.textContent('[data-testid=run-tests]'), /11 tests, 4 passed, 1 skipped/);
    const shownIds = await page.$$eval('[data-testid=observation]', (lis) => lis.map((li) => li.dataset.patternId).sort());
    const store = path.join(tmp, 'junit.json');
    assert.equal(run(['ingest', '--junit', report, '--ir', openapi, '--store', store]).status, 0);
    const listed = JSON.parse(run(['patterns', '--store', store, '--json']).stdout).map((p) => p.pattern_id).sort();
    assert.deepEqual(shownIds, listed);
    assert.equal(listed.length, 6);
  });

  it('writes the lesson in the stack the user picks, by default the one detected', async () => {
    await page.click('#clear-ir');
    const text = examples.find((e) => e.file === 'post_customers_unique.txt');
    for (const [stack, expected] of [['', 'fastapi-sqlalchemy (detected)'], ['django', 'django (flag)'], ['spring-jpa', 'spring-jpa (flag)']]) {
      await page.selectOption('#stack', stack);
      const cli = JSON.parse(run(['classify', '--endpoint', text.endpoint, ...(stack ? ['--stack', stack] : [])], { input: text.text }).stdout);
      await page.fill('#failure-text', '');
      await paste(page, text.text, text.endpoint, cli.pattern_id);
      assert.equal(await page.textContent('[data-testid=lesson-stack]'), expected);
      assert.equal(await page.textContent('[data-testid=good-code]'), cli.anti_pattern.correct_code_snippet);
    }
    await page.selectOption('#stack', '');
  });

  it('keeps hostile text as text', async () => {
    const hostile = 'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: ' +
      'products.<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    await page.fill('#endpoint', '');
    await page.fill('#failure-text', hostile);
    await page.waitForFunction(() => document.querySelector('[data-testid=message]')?.textContent.includes('<script>'));
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no pasted script ran');
    assert.equal(await page.locator('#result-body img, #result-body script').count(), 0, 'no pasted element was created');
    assert.match(await page.textContent('[data-testid=message]'), /<img src=x onerror="window.__xss=1"><script>window.__xss=2<\/script>/);
    // A spec whose name is markup is shown as its characters too.
    const ir = JSON.parse(readFileSync(irPath, 'utf8'));
    ir.name = '<img src=y onerror="window.__xss=3">';
    await page.fill('#ir-text', JSON.stringify(ir));
    await page.waitForFunction(() => document.querySelector('[data-testid=spec-status]').textContent.includes('<img'));
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.ok(!page.logs.some((l) => l.startsWith('pageerror')), page.logs.join('\n'));
  });

  it('reports a bad spec and bad input without breaking', async () => {
    await page.fill('#ir-text', '{"entities": [{"name": "X", "fields": [{"name": "id", "type": 7}]}]}');
    await page.waitForFunction(() => document.querySelector('[data-testid=ir-error]').textContent !== '');
    assert.match(await page.textContent('[data-testid=ir-error]'), /\$\.entities\[0\]\.fields\[0\]\.type/);
    assert.equal(await page.textContent('[data-testid=spec-status]'), 'none');
    await page.click('#use-example-ir');
    await page.fill('#failure-text', 'x'.repeat(5 * 1024 * 1024));
    await page.waitForSelector('[data-testid=classify-error]');
    assert.match(await page.textContent('[data-testid=classify-error]'), /too large|bytes/i);
  });

  it('shows the exact JSON of a classification and of a run behind a toggle, as text', async () => {
    const toggle = '[data-testid=result-raw-toggle]', raw = '[data-testid=result-raw]';
    const text = examples.find((e) => e.file === 'post_customers_unique.txt');
    const cli = cliClassify(text.text, text.endpoint);
    await paste(page, text.text, text.endpoint, cli.pattern_id);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(await page.isHidden(raw), 'closed at first');
    await page.click(toggle);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    assert.ok(await page.isVisible(raw));
    const shownJson = await page.textContent(raw);
    const parsed = JSON.parse(shownJson);
    assert.equal(shownJson, JSON.stringify(parsed, null, 2), 'pretty-printed');
    // the CLI's answer for the same text and spec, but for the clock (the CLI's is fixed)
    const untimed = ({ anti_pattern: { first_seen, last_seen, ...ap }, ...c }) => ({ ...c, anti_pattern: ap });
    assert.deepEqual(untimed(parsed), untimed(cli));
    // by keyboard: Enter closes, Space opens
    await page.focus(toggle);
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(await page.isHidden(raw));
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    // markup in the result stays text in the JSON too
    await page.fill('#endpoint', '');
    await page.fill('#failure-text', 'sqlalchemy.exc.IntegrityError: NOT NULL constraint failed: products.<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('<script>window.__xss=5</script>'), raw);
    assert.equal(await page.locator('#result-raw *').count(), 0, 'no element inside the <pre>');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    // a whole run: its change set, as the page shows it
    await page.fill('#failure-text', readFileSync(path.join(root, 'examples', 'shop', 'runs', 'run-1.json'), 'utf8'));
    await page.waitForSelector('[data-testid=run]');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('"observations"'), raw);
    const changeset = JSON.parse(await page.textContent(raw));
    assert.equal(changeset.run_id, 'shop-run-1');
    assert.deepEqual(changeset.observations.map((o) => o.pattern.pattern_id),
      await page.$$eval('[data-testid=observation]', (lis) => lis.map((li) => li.dataset.patternId)));
    // no result, no toggle
    await page.fill('#failure-text', '');
    await page.waitForFunction((sel) => document.querySelector(sel).disabled, toggle);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(await page.isHidden(raw));
    assert.equal(await page.textContent(raw), '');
  });
});

// The example history through the CLI, as the reference for the page's numbers and prompts.
function cliHistory(dir) {
  const store = path.join(dir, 'history.json');
  for (const n of [1, 2, 3]) {
    const args = ['ingest', '--smoke', `examples/shop/runs/run-${n}.json`, '--ir', irPath, '--store', store];
    if (n > 1) args.push('--manifest', `examples/shop/manifests/shop-run-${n}.json`);
    const r = run(args);
    assert.equal(r.status, 0, r.stderr);
  }
  return store;
}

function cliEnhance(store, scopeFlag, target, prompt, { maxPatterns, minOccurrences, budget }) {
  const r = run(['enhance', scopeFlag, target, '--ir', irPath, '--store', store, '--prompt', '-',
    '--max-patterns', String(maxPatterns), '--min-occurrences', String(minOccurrences), '--budget', String(budget)], { input: prompt });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const promptText = (page) => page.textContent('[data-testid=prompt-out]');

describe('web page: prompt preview and the browser store', { skip }, () => {
  const web = webSuite();
  let context, page;
  const tmp = mkdtempSync(path.join(tmpdir(), 'forewarn-web-store-'));

  before(async () => {
    context = await web.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.server.url.replace(/\/$/, '') });
    page = await openPage(web.browser, web.server.url, { context });
    page.on('dialog', (d) => d.accept());
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('draws the learning curve of the example history with the CLI\'s numbers', async () => {
    assert.equal(await page.locator('[data-testid=chart-empty]').count(), 1, 'a new browser starts empty');
    await page.click('#load-history');
    await page.waitForSelector('[data-testid=chart]');
    const stats = JSON.parse(run(['stats', '--store', cliHistory(tmp), '--json']).stdout);
    const rows = await page.$$eval('[data-testid=history] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(rows, stats.runs.map((r) => [r.run_id, String(r.violations), String(r.repeated_errors), String(r.injected),
      String(r.prevented), `${(100 * r.prevention_rate).toFixed(1)}%`]));
    assert.equal(await page.locator('[data-testid=chart] .bar-errors').count(), 3);
    assert.match(await page.textContent('[data-testid=store-summary]'), new RegExp(`^${stats.totals.patterns} patterns from 3 runs`));
    await page.click('#load-history');
    assert.match(await page.textContent('[data-testid=store-status]'), /0 of 3 runs recorded in this browser \(the others were already there: nothing changed for them\)/);
  });

  it('previews the enhanced prompt exactly as forewarn enhance prints it', async () => {
    const store = path.join(tmp, 'history.json');
    await page.click('#use-example-ir');
    const base = 'Write the Product model and its endpoints.';
    const cases = [
      ['entity', '--entity', 'Product', { maxPatterns: 5, minOccurrences: 2, budget: 2000 }],
      ['entity', '--entity', 'Product', { maxPatterns: 1, minOccurrences: 1, budget: 2000 }],
      ['endpoint', '--endpoint', 'POST /orders', { maxPatterns: 5, minOccurrences: 1, budget: 600 }],
      ['schema', '--schema', 'ProductCreate', { maxPatterns: 3, minOccurrences: 1, budget: 2000 }],
    ];
    await page.fill('#base-prompt', base);
    for (const [scope, flag, target, limits] of cases) {
      await page.selectOption('#scope', scope);
      await page.fill('#target', target);
      await page.fill('#max-patterns', String(limits.maxPatterns));
      await page.fill('#min-occurrences', String(limits.minOccurrences));
      await page.fill('#budget', String(limits.budget));
      const expected = cliEnhance(store, flag, target, base, limits);
      await page.waitForFunction((want) => document.querySelector('[data-testid=prompt-out]').textContent === want, expected, { timeout: 5000 }).catch(() => {});
      assert.equal(await promptText(page), expected, `${scope} ${target} ${JSON.stringify(limits)}`);
      assert.match(expected, /AVOID THESE KNOWN ISSUES:/, 'the case injects something');
    }
    assert.equal((await promptText(page)).match(/^\d+\. /gm).length, 3);
    await page.click('#copy-prompt');
    await page.waitForFunction(() => /^Copied \d+ characters/.test(document.querySelector('[data-testid=prompt-status]').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await promptText(page));
    await page.screenshot({ path: path.join(artifacts, 'desktop-prompt.png'), fullPage: true });
  });

  it('shows the exact JSON of the prompt preview behind a toggle, as forewarn enhance --json prints it', async () => {
    const limits = { maxPatterns: 5, minOccurrences: 2, budget: 2000 };
    const base = 'Write the Product model and its endpoints.';
    await page.selectOption('#scope', 'entity');
    await page.fill('#target', 'Product');
    await page.fill('#max-patterns', String(limits.maxPatterns));
    await page.fill('#min-occurrences', String(limits.minOccurrences));
    await page.fill('#budget', String(limits.budget));
    await page.fill('#base-prompt', base);
    const r = run(['enhance', '--entity', 'Product', '--ir', irPath, '--store', path.join(tmp, 'history.json'), '--prompt', '-', '--json',
      '--max-patterns', '5', '--min-occurrences', '2', '--budget', '2000'], { input: base });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout);
    await page.waitForFunction((want) => document.querySelector('[data-testid=prompt-out]').textContent === want, expected.prompt, { timeout: 5000 });
    const toggle = '[data-testid=prompt-raw-toggle]', raw = '[data-testid=prompt-raw]';
    await page.waitForFunction((sel) => !document.querySelector(sel).disabled, toggle);
    assert.ok(await page.isHidden(raw));
    await page.click(toggle);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    const shownJson = await page.textContent(raw);
    assert.equal(shownJson, JSON.stringify(expected, null, 2), 'the CLI\'s JSON, pretty-printed');
    assert.ok(expected.injected.length > 0);
    await page.click(toggle);
    assert.ok(await page.isHidden(raw));
  });

  it('refuses limits out of range next to the field, with the range, and previews nothing until fixed', async () => {
    await page.selectOption('#scope', 'entity');
    await page.fill('#target', 'Product');
    const base = await page.inputValue('#base-prompt');
    for (const [id, bad, range] of [['#max-patterns', '0', '1 to 50'], ['#max-patterns', '51', '1 to 50'],
      ['#min-occurrences', '1.5', '1 to 1000'], ['#budget', '99', '100 to 100000'], ['#budget', '', '100 to 100000']]) {
      await page.fill(id, bad);
      const err = `[data-testid=${id.slice(1)}-error]`;
      await page.waitForFunction((sel) => document.querySelector(sel).textContent !== '', err);
      assert.equal(await page.textContent(err), `A whole number from ${range}.`);
      assert.equal(await page.getAttribute(id, 'aria-invalid'), 'true');
      assert.equal(await page.textContent('[data-testid=prompt-status]'), 'Fix the limits marked above to see the warnings.');
      assert.equal(await promptText(page), base, 'no warning is shown from a limit that was not given');
      await page.fill(id, { '#max-patterns': '5', '#min-occurrences': '2', '#budget': '2000' }[id]);
      await page.waitForFunction((sel) => document.querySelector(sel).textContent === '', err);
      assert.equal(await page.getAttribute(id, 'aria-invalid'), 'false');
    }
    await page.waitForFunction(() => /AVOID THESE KNOWN ISSUES:/.test(document.querySelector('[data-testid=prompt-out]').textContent));
  });

  it('keeps the store across a reload, exports it, and imports it back', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    const summary = await page.textContent('[data-testid=store-summary]');
    assert.match(summary, /^14 patterns from 3 runs/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-store')]);
    const exported = path.join(tmp, 'exported.json');
    await download.saveAs(exported);
    // The export is a store document the native file store reads as it is.
    const stats = JSON.parse(run(['stats', '--store', exported, '--json']).stdout);
    assert.equal(stats.totals.patterns, 14);
    assert.equal(stats.runs.length, 3);

    await page.click('#clear-store');
    await page.waitForFunction(() => document.querySelector('[data-testid=store-summary]').textContent.startsWith('0 patterns'));
    await page.setInputFiles('#import-store', exported);
    await page.waitForFunction(() => document.querySelector('[data-testid=store-summary]').textContent.startsWith('14 patterns'));
    assert.equal(await page.textContent('[data-testid=store-summary]'), summary);

    // A corrupt file is refused and nothing changes.
    const corrupt = path.join(tmp, 'corrupt.json');
    writeFileSync(corrupt, readFileSync(exported, 'utf8').slice(0, 500));
    await page.setInputFiles('#import-store', corrupt);
    await page.waitForFunction(() => document.querySelector('[data-testid=store-status]').textContent.startsWith('Not imported'));
    assert.equal(await page.textContent('[data-testid=store-summary]'), summary);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.textContent('[data-testid=store-summary]'), summary, 'the saved copy is intact too');
  });

  it('records a pasted error as a run', async () => {
    await page.fill('#endpoint', 'POST /customers');
    await page.fill('#failure-text', examples.find((e) => e.file === 'post_customers_unique.txt').text);
    await page.waitForSelector('[data-testid=classification]');
    await page.click('#record');
    await page.waitForFunction(() => /^Recorded run pasted-/.test(document.querySelector('[data-testid=record-status]').textContent));
    assert.match(await page.textContent('[data-testid=store-summary]'), /from 4 runs/);
    assert.equal(await page.locator('[data-testid=chart] .bar-errors').count(), 4);
  });

  it('shows the exact JSON of the record result behind a toggle', async () => {
    const toggle = '[data-testid=record-raw-toggle]', raw = '[data-testid=record-raw]';
    await page.fill('#endpoint', 'POST /products');
    await page.fill('#failure-text', examples[0].text);
    await page.waitForFunction(() => document.querySelector('[data-testid=category]')?.textContent === 'nullable_missing');
    assert.ok(await page.isDisabled(toggle), 'nothing recorded from this text yet');
    await page.click('#record');
    await page.waitForFunction(() => /^Recorded run pasted-/.test(document.querySelector('[data-testid=record-status]').textContent));
    await page.click(toggle);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    const shownJson = await page.textContent(raw);
    const result = JSON.parse(shownJson);
    assert.equal(shownJson, JSON.stringify(result, null, 2));
    assert.equal(await page.textContent('[data-testid=record-status]'),
      `Recorded run ${result.run_id} in this browser: ${result.patterns_created} new, ${result.patterns_updated} updated pattern(s).`);
    assert.equal(result.already_ingested, false);
    // another text in the box: that result is no longer what the box holds
    await page.fill('#failure-text', examples[1].text);
    await page.waitForFunction((sel) => document.querySelector(sel).disabled, toggle);
    assert.ok(await page.isHidden(raw));
  });

  it('shows every error of a multi-error 422 body, as the CLI reports them, and records each', async () => {
    const body = JSON.stringify({ detail: [
      { type: 'missing', loc: ['body', 'total'], msg: 'Field required', input: {} },
      { type: 'string_too_long', loc: ['body', 'status'], msg: 'String should have at most 16 characters', input: 'x'.repeat(20), ctx: { max_length: 16 } },
    ] }); // synthetic, in pydantic v2's wording
    const cli = cliClassify(body, 'POST /orders');
    assert.equal(cli.errors.length, 2);
    await page.click('#use-example-ir'); // the spec the CLI classified against
    await page.waitForFunction(() => document.querySelector('[data-testid=spec-status]').textContent.startsWith('shop'));
    await page.fill('#endpoint', 'POST /orders');
    await page.fill('#failure-text', body);
    await page.waitForSelector('[data-testid=errors]');
    const items = await page.$$eval('[data-testid=error-item]', (els) => els.map((e) => e.dataset.patternId));
    assert.deepEqual(items, cli.errors.map((e) => e.pattern_id));
    assert.match(await page.textContent('[data-testid=errors] h3'), /^2 errors in this text/);
    await page.click('#record');
    await page.waitForFunction(() => /^Recorded run pasted-/.test(document.querySelector('[data-testid=record-status]').textContent));
    const m = /: (\d+) new, (\d+) updated/.exec(await page.textContent('[data-testid=record-status]'));
    assert.equal(Number(m[1]) + Number(m[2]), 2, 'both errors recorded');
  });

  it('is usable by keyboard, with labelled controls', async () => {
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
      .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent.trim())))
      .map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, []);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the error text');
    await page.keyboard.press('Enter');
    const order = [];
    for (let i = 0; i < 3; i++) {
      order.push(await page.evaluate(() => document.activeElement.id));
      await page.keyboard.press('Tab');
    }
    assert.deepEqual(order, ['failure-text', 'endpoint', 'example-error']);
    // Choose an example with the keyboard alone.
    await page.focus('#example-error');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid=classification]');
    assert.equal(await page.textContent('[data-testid=category]'), 'nullable_missing');
  });

  it('fits a 375 px phone screen', async () => {
    const phone = await web.browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p = await openPage(web.browser, web.server.url, { context: phone });
    await p.click('#use-example-ir');
    await p.click('#load-history');
    await p.waitForSelector('[data-testid=chart]');
    await p.selectOption('#example-error', 'error:0');
    await p.waitForSelector('[data-testid=classification]');
    await p.fill('#target', 'Product');
    await p.waitForFunction(() => document.querySelector('[data-testid=prompt-out]').textContent.includes('AVOID THESE KNOWN ISSUES'));
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scrolling');
    await p.screenshot({ path: path.join(artifacts, 'phone.png'), fullPage: true });
    await phone.close();
  });
});

describe('web page: offline once loaded', { skip }, () => {
  const web = webSuite();

  it('reloads and classifies with the server gone', async () => {
    const page = await openPage(web.browser, web.server.url);
    // The page registers its service worker and is controlled by it (clients.claim).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
    await web.server.stop();
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 10000 });
    await page.selectOption('#example-error', 'error:1');
    await page.waitForSelector('[data-testid=classification]');
    assert.equal(await page.textContent('[data-testid=category]'), 'unique_constraint_missing');
  });
});

// Writes a screenshot only when its bytes differ from the file already there: an unchanged page
// leaves the folder as it was, and committing a new picture is a deliberate step. Returns whether
// it wrote.
const screenshots = path.join(root, 'tests', 'artifacts', 'web-screenshots');
function keepScreenshot(name, png) {
  const file = path.join(screenshots, name);
  if (existsSync(file) && readFileSync(file).equals(png)) return false;
  mkdirSync(screenshots, { recursive: true });
  writeFileSync(file, png);
  return true;
}

// A picture of the whole page. The viewport is made as tall as the page first, and the page let
// settle: a full-page capture drops the scroll bar while it runs, which widens the page and has
// the chart redrawn (at its new width) during the capture or not, so the bytes would vary.
async function wholePage(page, width) {
  const settle = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  for (let height = 0, tries = 0; tries < 3; tries++) {
    const next = await page.evaluate(() => document.documentElement.scrollHeight);
    if (next === height) break;
    height = next;
    await page.setViewportSize({ width, height });
    await settle();
  }
  return page.screenshot({ animations: 'disabled' });
}

// Sizes and positions in the page, for the layout checks.
function curveGeometry() {
  const box = (e) => e.getBoundingClientRect().toJSON();
  const chart = document.querySelector('[data-testid=chart]');
  const shown = (e) => Boolean(e) && e.checkVisibility() && box(e).width > 0 && box(e).height > 0;
  const title = (id) => {
    const e = document.querySelector(`[data-testid=${id}]`);
    return { shown: shown(e), text: e?.textContent, ...box(e) };
  };
  const wrap = document.querySelector('[data-testid=history-wrap]');
  return {
    chart: box(chart), section: box(document.querySelector('#store')),
    texts: [...chart.querySelectorAll('text')].map((t) => ({ text: t.textContent, cls: t.getAttribute('class'), ...box(t) })),
    titles: { x: title('chart-x-title'), y: title('chart-y-title'), y2: title('chart-y2-title') },
    legend: { shown: shown(document.querySelector('[data-testid=chart-legend]')), ...box(document.querySelector('[data-testid=chart-legend]')),
      keys: [...document.querySelectorAll('[data-testid=chart-legend] .key')].map(shown) },
    wrap: { ...box(wrap), overflowX: getComputedStyle(wrap).overflowX, scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth },
    pageWidth: document.documentElement.scrollWidth,
  };
}

const inside = (inner, outer, slack = 0.5) => inner.left >= outer.left - slack && inner.right <= outer.right + slack &&
  inner.top >= outer.top - slack && inner.bottom <= outer.bottom + slack;
const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

describe('web page: the learning curve and its table at 375 and 1280 px', { skip }, () => {
  const web = webSuite();
  // A run with a long id, so that the table is wider than its column at both widths.
  const longRun = JSON.stringify({ ...JSON.parse(readFileSync(path.join(root, 'examples', 'shop', 'runs', 'run-3.json'), 'utf8')),
    run_id: 'nightly-shop-api-regression-suite-2026-12-07' }, null, 2);


  for (const [width, chartShare] of [[375, [0.8, 1]], [1280, [0.3, 0.9]]]) {
    it(`is readable at ${width} px, with axis titles and a legend, and its table scrolls in its own box`, async (t) => {
      const context = await web.browser.newContext({ viewport: { width, height: 900 } });
      const page = await openPage(web.browser, web.server.url, { context });
      await page.click('#load-history');
      await page.waitForSelector('[data-testid=chart]');
      await page.fill('#failure-text', longRun);
      await page.waitForSelector('[data-testid=run]');
      await page.click('#record');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart] .bar-errors').length === 4);
      await page.click('#curve summary'); // the numbers
      const g = await page.evaluate(curveGeometry);

      assert.ok(g.chart.width >= chartShare[0] * width && g.chart.width <= chartShare[1] * width,
        `the chart is ${g.chart.width} px wide in a ${width} px page`);
      assert.ok(g.chart.height >= 150 && g.chart.height <= 400, `the chart is ${g.chart.height} px high`);
      assert.ok(inside(g.chart, g.section), 'the chart stays in its section');
      for (const text of g.texts) {
        assert.ok(text.height >= 11, `"${text.text}" is ${text.height} px high: readable`);
        assert.ok(inside(text, g.chart), `"${text.text}" is inside the chart, not cut`);
      }
      for (const [i, a] of g.texts.entries()) {
        for (const b of g.texts.slice(i + 1)) assert.ok(!overlap(a, b), `"${a.text}" and "${b.text}" do not overlap`);
      }
      assert.equal(g.texts.filter((x) => x.cls.includes('run-label')).length, 4, 'each run is labelled');
      assert.deepEqual([g.titles.x.text, g.titles.y.text, g.titles.y2.text], ['Run, oldest first', 'Errors per run', 'Prevention rate']);
      for (const [axis, title] of Object.entries(g.titles)) assert.ok(title.shown, `the ${axis} axis title is visible`);
      assert.ok(g.titles.y.height > g.titles.y.width && g.titles.y2.height > g.titles.y2.width, 'the y titles run along their axes');
      assert.ok(g.legend.shown && inside(g.legend, g.section), 'the legend is visible in the section');
      assert.deepEqual(g.legend.keys, [true, true, true]);

      assert.equal(g.wrap.overflowX, 'auto');
      assert.ok(g.wrap.scrollWidth > g.wrap.clientWidth, `the wide table scrolls in its box (${g.wrap.scrollWidth} > ${g.wrap.clientWidth})`);
      assert.ok(inside({ ...g.wrap, top: g.section.top, bottom: g.section.top }, { ...g.section, bottom: g.section.top }), 'the box stays in the section');
      assert.ok(g.pageWidth <= width, `the page does not scroll sideways (${g.pageWidth} px)`);
      // before anything scrolled: a scroll bar that fades out would make every picture differ
      const written = keepScreenshot(`page-${width}.png`, await wholePage(page, width));
      t.diagnostic(`tests/artifacts/web-screenshots/page-${width}.png ${written ? 'written (changed)' : 'unchanged'}`);
      // the box scrolls by keyboard too
      await page.focus('[data-testid=history-wrap]');
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('[data-testid=history-wrap]').scrollLeft > 0);
      await context.close();
    });
  }
});
