// The web page (web/, npm run web) in real headless Chromium: pasted errors show the same
// category, context and spec mapping as the native CLI; the prompt preview equals what
// `forewarn enhance` prints for the same history; hostile input stays text; the browser store
// survives a reload and round-trips through export/import; the page works offline once loaded;
// labelled controls, keyboard order, 375 px. Screenshots go to tests/artifacts/web/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, run, sharedCorpus } from './helpers.mjs';
import { artifacts, buildWeb, launchBrowser, openPage, serveWeb, webSkipReason } from './web.mjs';

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
  let server, browser, page;
  const tmp = mkdtempSync(path.join(tmpdir(), 'forewarn-web-'));

  before(async () => {
    buildWeb();
    server = await serveWeb();
    browser = await launchBrowser();
    page = await openPage(browser, server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await fetch(server.url);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, 'no unsafe-inline scripts');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(await res.text(), /http-equiv="Content-Security-Policy"/, 'the page carries it too, for static hosting');
    assert.equal((await fetch(new URL('../package.json', server.url))).status, 404, 'nothing outside web/ is served');
    assert.equal((await fetch(new URL('/%2e%2e/package.json', server.url))).status, 404);
    assert.equal((await fetch(new URL('vendor/forewarn.wasm', server.url))).headers.get('content-type'), 'application/wasm');
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
});
