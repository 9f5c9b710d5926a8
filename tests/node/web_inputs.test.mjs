// The page's checks of what is typed, pasted or opened (issue 16), in real headless Chromium:
// each kind of bad input is said next to its field (aria-invalid and the field's error element)
// and nothing is recorded: the store (its saved copy, its summary and its run history) is the
// same after every case as before it, with Record tried anyway. After each case a valid input
// clears the message and makes Record usable again, so that a check stuck on "refused" fails.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';
import { openPage, webSkipReason, webSuite } from './web.mjs';

const skip = await webSkipReason();
const MAX = 4 * 1024 * 1024; // the core's input limit (FW_DEFAULT_MAX_INPUT), the page's cap
const read = (rel) => readFileSync(path.join(root, rel), 'utf8');
// A SmokeTestResult the store has not seen: recording it would add a run.
const freshRun = JSON.stringify({ ...JSON.parse(read('examples/shop/runs/run-2.json')), run_id: 'fresh-run' }, null, 2);
const knownError = read('examples/errors/post_customers_unique.txt');
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(buffer) });

describe('web page: bad input is said next to its field and records nothing', { skip }, () => {
  const web = webSuite();
  let page;

  before(async () => {
    page = await openPage(web.browser, web.server.url);
    page.on('dialog', (d) => d.accept());
    await page.click('#load-history'); // a store with something in it, to see that it stays so
    await page.waitForSelector('[data-testid=chart]');
  });

  // What the store holds, as the page saves and shows it.
  const storeView = () => page.evaluate(() => ({
    saved: localStorage.getItem('forewarn.store.v1'),
    summary: document.querySelector('[data-testid=store-summary]').textContent,
    history: [...document.querySelectorAll('[data-testid=history] tbody tr')].map((tr) => tr.textContent),
  }));

  // Sets a box as typing or pasting does (an input event). Numbers are UTF-16 code units, joined in
  // the page: a lone surrogate would not survive the trip through the DevTools protocol.
  async function setValue(selector, ...parts) {
    const wellFormed = await page.evaluate(([sel, list]) => {
      const node = document.querySelector(sel);
      node.value = list.map((p) => (typeof p === 'number' ? String.fromCharCode(p) : p)).join('');
      node.dispatchEvent(new Event('input', { bubbles: true }));
      return node.value.isWellFormed();
    }, [selector, parts]);
    assert.equal(wellFormed, !parts.some((p) => typeof p === 'number'), 'the box holds what the case meant');
  }

  const errorOf = (testid) => page.textContent(`[data-testid=${testid}]`);
  const waitError = (testid, present) => page.waitForFunction(([sel, want]) => (document.querySelector(sel).textContent !== '') === want,
    [`[data-testid=${testid}]`, present]);

  // The field says what is wrong, Record cannot be used, and trying it anyway changes nothing.
  async function expectRefused(field, testid, pattern, stored) {
    await waitError(testid, true);
    assert.match(await errorOf(testid), pattern);
    assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true', `${field} is marked invalid`);
    assert.ok(await page.isDisabled('#record'), 'Record cannot be used');
    await page.locator('#record').click({ force: true });
    await page.waitForTimeout(150);
    assert.deepEqual(await storeView(), stored, 'the store is unchanged');
  }

  // A valid input clears the message and makes Record usable (it is not clicked).
  async function expectAccepted(field, testid) {
    await waitError(testid, false);
    assert.equal(await page.getAttribute(field, 'aria-invalid'), 'false');
    await page.waitForFunction(() => !document.querySelector('#record').disabled);
  }

  it('refuses a smoke run that is not JSON, not XML, of the wrong shape, empty or too large', async () => {
    const stored = await storeView();
    const cases = [
      ['{"run_id": "r1", "violations": [{"endpoint": "POST /products",', /^Not a SmokeTestResult: the JSON does not parse \(.*JSON at position \d+.*\)\.$/],
      [JSON.stringify([JSON.parse(freshRun)]), /^Not a SmokeTestResult: this is a JSON array; a SmokeTestResult is one object/],
      ['{"violations": []}', /^Not a SmokeTestResult: the required field "run_id" \(a string\) is missing\.$/],
      ['{"run_id": "r1", "stack_traces": []}', /^Not a SmokeTestResult: the required field "violations" \(an array\) is missing\.$/],
      ['{"run_id": "r1", "violations": {"endpoint": "POST /x"}}', /"violations" must be an array/],
      ['{"run_id": "", "violations": []}', /"run_id" must be a non-empty string/],
      ['{"run_id": "r1", "violations": [{"endpoint": "nope"}]}', /^Not a valid run: .*\$\.violations\[0\]\.endpoint/],
      ['<testsuite name="t"><testcase name="a"><failure message="x">', /^Not a valid run: JUnit XML: .*line 1, column \d+/],
      ['<?xml version="1.0"?><html><body>500</body></html>', /^Not a valid run: .*root element is <html>/],
      ['<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "b">]><testsuite name="t"/>', /^Not a valid run: .*DOCTYPE/i],
      ['  \n\t  \n', /^The text is empty \(only white space\)/],
      // bytes, not characters: 2 MiB + 1 characters of two bytes each
      ['é'.repeat(MAX / 2 + 1), /^The text is 4,194,306 bytes \(4\.0 MiB\) of UTF-8, over the limit of 4,194,304 bytes \(4\.0 MiB\)\.$/],
    ];
    for (const [text, pattern] of cases) {
      await page.fill('#failure-text', text);
      await expectRefused('#failure-text', 'failure-text-error', pattern, stored);
      assert.match(await page.textContent('[data-testid=classify-error]'), pattern, 'the result says it too');
      assert.equal(await page.locator('[data-testid=classification], [data-testid=run]').count(), 0, 'nothing is shown as classified');
      await page.fill('#failure-text', freshRun);
      await expectAccepted('#failure-text', 'failure-text-error');
    }
    // exactly at the limit is accepted
    await page.fill('#failure-text', 'é'.repeat(MAX / 2));
    await page.waitForSelector('[data-testid=classification]', { timeout: 15000 });
    assert.equal(await errorOf('failure-text-error'), '');
  });

  it('refuses a lone surrogate in the text, which has no UTF-8 form', async () => {
    const stored = await storeView();
    await setValue('#failure-text', 'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError)\nNOT N', 0xd800, 'ULL constraint failed: products.category_id');
    await expectRefused('#failure-text', 'failure-text-error', /^The text holds a lone surrogate \(U\+D800\) at line 2, column 6, which has no UTF-8 form/, stored);
    await setValue('#failure-text', freshRun);
    await expectAccepted('#failure-text', 'failure-text-error');
    await setValue('#failure-text', '{"run_id": "r1", "violations": [], "x": "', 0xdc00, '"}');
    await expectRefused('#failure-text', 'failure-text-error', /lone surrogate \(U\+DC00\) at line 1, column 42/, stored);
    await setValue('#failure-text', freshRun);
    await expectAccepted('#failure-text', 'failure-text-error');
  });

  it('records no garbage: a text no rule recognises is shown, not recorded', async () => {
    const stored = await storeView();
    await page.fill('#failure-text', 'lorem ipsum dolor sit amet, this is no error at all');
    await page.waitForSelector('[data-testid=classification]');
    assert.equal(await page.textContent('[data-testid=category]'), 'unknown');
    assert.match(await page.textContent('[data-testid=record-status]'), /^Not recordable: no rule recognises this text\. Only a classified error or a whole smoke run/);
    assert.ok(await page.isDisabled('#record'));
    await page.locator('#record').click({ force: true });
    await page.waitForTimeout(150);
    assert.deepEqual(await storeView(), stored);
    // a JSON error body that is no smoke run is still one error (here a FastAPI 422), classified
    await page.fill('#failure-text', '{"detail": [{"type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": {}}]}');
    await page.waitForFunction(() => document.querySelector('[data-testid=category]')?.textContent === 'required_field_missing');
    assert.equal(await page.getAttribute('#failure-text', 'aria-invalid'), 'false');
  });

  it('refuses an endpoint that is not "METHOD /path"', async () => {
    const stored = await storeView();
    await page.fill('#failure-text', knownError);
    for (const bad of ['post /customers', 'POST customers', '/customers']) {
      await page.fill('#endpoint', bad);
      await expectRefused('#endpoint', 'endpoint-error', /^Expected "METHOD \/path", e\.g\. POST \/products/, stored);
      assert.equal(await page.locator('[data-testid=classification]').count(), 0);
      await page.fill('#endpoint', 'POST /customers');
      await expectAccepted('#endpoint', 'endpoint-error');
    }
    await page.fill('#endpoint', '');
  });

  it('refuses a file that is not UTF-8, empty or too large, and uses nothing of it', async () => {
    const stored = await storeView();
    const cases = [
      [file('run.json', [...Buffer.from('{"run_id": "r'), 0xff, ...Buffer.from('", "violations": []}')]), /^Not opened: run\.json is not UTF-8 text: byte 13 \(0xff\) starts no valid character/],
      [file('cesu.txt', [0x61, 0x62, 0xed, 0xa0, 0x80, 0x63]), /cesu\.txt is not UTF-8 text: byte 2 \(0xed\)/], // an encoded surrogate
      [file('overlong.txt', [0x41, 0xc0, 0xaf]), /byte 1 \(0xc0\)/],
      [file('cut.txt', [0x41, 0xe2, 0x82]), /byte 1 \(0xe2\)/], // a character cut at the end
      [file('empty.xml', []), /^Not opened: empty\.xml is empty \(0 bytes\)\.$/],
      [file('big.json', Buffer.alloc(MAX + 1, 0x20)), /^Not opened: big\.json is 4,194,305 bytes \(4\.0 MiB\), over the limit of 4,194,304 bytes \(4\.0 MiB\)\.$/],
    ];
    for (const [bad, pattern] of cases) {
      await page.fill('#failure-text', freshRun);
      await page.setInputFiles('#failure-file', bad);
      await expectRefused('#failure-file', 'failure-file-error', pattern, stored);
      assert.equal(await page.inputValue('#failure-text'), '', 'the box holds nothing of the file');
      await page.setInputFiles('#failure-file', file('run-2.json', freshRun));
      await expectAccepted('#failure-file', 'failure-file-error');
      assert.equal(await page.inputValue('#failure-text'), freshRun, 'a good file is opened into the box');
    }
    // the store's import reads strictly too: a file with a bad byte is refused, nothing changes
    await page.setInputFiles('#import-store', file('store.json', [...Buffer.from('{"patterns": ['), 0xfe, ...Buffer.from(']}')]));
    await page.waitForFunction(() => document.querySelector('[data-testid=store-status]').textContent.startsWith('Not imported'));
    assert.match(await page.textContent('[data-testid=store-status]'), /^Not imported, nothing changed: store\.json is not UTF-8 text: byte 14 \(0xfe\)/);
    assert.deepEqual(await storeView(), stored);
  });

  it('refuses a spec that is not JSON, of the wrong shape, empty, too large or not UTF-8, and records nothing while it is shown', async () => {
    const stored = await storeView();
    const cases = [
      ['{"entities": [', /^This spec is not used: it is not JSON \(Unexpected end of JSON input\)\.$/],
      ['{"entities": []]', /^This spec is not used: it is not JSON \(.*JSON at position 15.*\)\.$/],
      ['[{"name": "Product"}]', /^This spec is not used: it is a JSON array; expected an object: an ApplicationIR/],
      ['"shop"', /it is a JSON string; expected an object/],
      ['{"name": "shop"}', /^This spec is not used: the required field "entities" \(an ApplicationIR\) is missing/],
      ['{"entities": [{}]}', /^This spec is not used: \$\.entities\[0\]\.name: required string is missing\.$/],
      ['{"openapi": "3.0.0", "paths": {}}', /^This spec is not used: \$\.components\.schemas/],
      [' \n ', /^This spec is not used: it is empty \(only white space\)/],
      [`{"name": "${'x'.repeat(MAX)}"}`, /^This spec is not used: it is 4,194,316 bytes \(4\.0 MiB\) of UTF-8, over the limit of 4,194,304 bytes/],
    ];
    await page.click('#use-example-ir');
    await page.fill('#failure-text', freshRun);
    await expectAccepted('#ir-text', 'ir-error');
    for (const [text, pattern] of cases) {
      await page.fill('#ir-text', text);
      await expectRefused('#ir-text', 'ir-error', pattern, stored);
      assert.equal(await page.textContent('[data-testid=spec-status]'), 'none');
      assert.equal(await page.textContent('[data-testid=record-status]'), 'Not recordable until the spec marked above is fixed or cleared.');
      await page.click('#use-example-ir');
      await expectAccepted('#ir-text', 'ir-error');
    }
    await setValue('#ir-text', '{"name": "sh', 0xdbff, 'op", "entities": []}');
    await expectRefused('#ir-text', 'ir-error', /^This spec is not used: it holds a lone surrogate \(U\+DBFF\) at line 1, column 13/, stored);
    await page.click('#clear-ir');
    await expectAccepted('#ir-text', 'ir-error'); // no spec at all is a valid choice
    // a spec file: refused for the same reasons as the other files, and no run is recorded without it
    for (const [bad, pattern] of [[file('ir.json', [0x7b, 0x22, 0xff, 0x22, 0x7d]), /^Not opened: ir\.json is not UTF-8 text: byte 2 \(0xff\)/],
      [file('ir.json', []), /ir\.json is empty/], [file('ir.json', Buffer.alloc(MAX + 1, 0x20)), /over the limit of 4,194,304 bytes/]]) {
      await page.setInputFiles('#ir-file', bad);
      await expectRefused('#ir-file', 'ir-file-error', pattern, stored);
      await page.setInputFiles('#ir-file', path.join(root, 'examples', 'shop', 'ir.json'));
      await expectAccepted('#ir-file', 'ir-file-error');
      assert.match(await page.textContent('[data-testid=spec-status]'), /^shop/);
    }
  });

  it('refuses a bad target or base prompt and previews nothing until fixed', async () => {
    await page.click('#use-example-ir');
    await page.selectOption('#scope', 'entity');
    await page.fill('#target', 'Product');
    await page.waitForFunction(() => /AVOID THESE KNOWN ISSUES/.test(document.querySelector('[data-testid=prompt-out]').textContent));
    const base = await page.inputValue('#base-prompt');
    const cases = [
      [async () => { await page.selectOption('#scope', 'endpoint'); await page.fill('#target', 'orders'); }, '#target', 'target-error', /^Expected "METHOD \/path" for an endpoint, e\.g\. POST \/orders\.$/],
      [() => setValue('#target', 'Prod', 0xd83d, 'uct'), '#target', 'target-error', /^The target holds a lone surrogate \(U\+D83D\) at line 1, column 5/],
      [() => setValue('#base-prompt', 'Write it', 0xdc00), '#base-prompt', 'base-prompt-error', /^The base prompt holds a lone surrogate \(U\+DC00\) at line 1, column 9/],
      [() => page.fill('#base-prompt', 'x'.repeat(MAX + 1)), '#base-prompt', 'base-prompt-error', /^The base prompt is 4,194,305 bytes \(4\.0 MiB\) of UTF-8, over the limit/],
    ];
    for (const [act, field, testid, pattern] of cases) {
      await act();
      await waitError(testid, true);
      assert.match(await errorOf(testid), pattern);
      assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true');
      assert.equal(await page.textContent('[data-testid=prompt-status]'), 'Fix the fields marked above to see the warnings.');
      assert.doesNotMatch(await page.textContent('[data-testid=prompt-out]'), /AVOID THESE KNOWN ISSUES/);
      assert.ok(await page.isDisabled('#prompt-raw-toggle'), 'no result, no raw JSON');
      await page.selectOption('#scope', 'entity');
      await page.fill('#target', 'Product');
      await page.fill('#base-prompt', base);
      await waitError(testid, false);
      assert.equal(await page.getAttribute(field, 'aria-invalid'), 'false');
      await page.waitForFunction(() => /AVOID THESE KNOWN ISSUES/.test(document.querySelector('[data-testid=prompt-out]').textContent));
    }
  });

  it('refuses Neo4j fields that cannot be used before sending anything, without repeating the URL', async () => {
    const stored = await storeView();
    const sent = [];
    const listen = (r) => { if (!r.url().startsWith(web.server.url)) sent.push(r.url()); };
    page.on('request', listen);
    await page.check('input[name=source][value=neo4j]');
    const cases = [
      ['', /^Enter the URL of the Neo4j Query API/],
      ['not a url', /^Not a URL: expected http:\/\/host:7474/],
      ['bolt://neo4j:s3cret-pw@127.0.0.1:7687', /^The page talks to Neo4j's HTTP Query API: the URL starts with http:\/\/ or https:\/\/, not bolt:\/\/\.$/],
    ];
    for (const [uri, pattern] of cases) {
      await page.fill('#neo4j-uri', uri);
      await page.click('#neo4j-connect');
      await waitError('neo4j-uri-error', true);
      assert.match(await errorOf('neo4j-uri-error'), pattern);
      assert.ok(!(await errorOf('neo4j-uri-error')).includes('s3cret'), 'the URL (and its password) is not repeated');
      assert.equal(await page.getAttribute('#neo4j-uri', 'aria-invalid'), 'true');
      assert.equal(await page.textContent('[data-testid=store-status]'), 'Not connected: fix the fields marked above.');
    }
    await page.fill('#neo4j-uri', 'http://127.0.0.1:9');
    await setValue('#neo4j-password', 'pass', 0xd800);
    await page.click('#neo4j-connect');
    await waitError('neo4j-password-error', true);
    assert.match(await errorOf('neo4j-password-error'), /^This field holds a lone surrogate \(U\+D800\) at line 1, column 5/);
    assert.equal(await errorOf('neo4j-uri-error'), '', 'the URL is fine now');
    assert.deepEqual(sent, [], 'nothing was sent to any Neo4j');
    page.off('request', listen);
    await page.check('input[name=source][value=browser]');
    await page.waitForFunction(() => document.querySelector('[data-testid=store-status]').textContent === '');
    assert.deepEqual(await storeView(), stored);
  });
});
