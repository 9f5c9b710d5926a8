// The web page with its patterns in a real Neo4j 5.26 (tests/neo4j/start.sh), reached from the
// browser with fetch through the Query API (Neo4j answers the CORS preflight): runs ingested by
// the native CLI give the page the CLI's learning curve and prompt; a run recorded in the page
// is there for the CLI; a wrong password and a server that is down are reported clearly; the
// password never shows up in the page's URL, storage, text, console or any request URL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deadPort, root, run } from './helpers.mjs';
import { neo4jEnv, neo4jSkipReason, neo4jTeardown, startNeo4j } from './neo4j.mjs';
import { artifacts, buildWeb, launchBrowser, openPage, serveWeb, webSkipReason } from './web.mjs';
import { storeScenarios } from './web_scenarios.mjs';

const skip = (await webSkipReason()) || neo4jSkipReason();
const ir = path.join(root, 'examples', 'shop', 'ir.json');

describe('web page with a Neo4j store', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'forewarn-web-neo4j-'));
  const state = path.join(work, 'neo4j');
  const password = `pw-${randomBytes(9).toString('hex')}`;
  let env, server, browser, page;
  const requests = [];
  const stop = neo4jTeardown(state, work);

  const cli = (args) => {
    const r = run(args, { env: { NEO4J_URI: env.NEO4J_URI, NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: password, NEO4J_DATABASE: 'neo4j', FOREWARN_STORE: '' } });
    assert.equal(r.status, 0, `forewarn ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  async function connect(uri, pass) {
    await page.check('input[name=source][value=neo4j]');
    await page.fill('#neo4j-uri', uri);
    await page.fill('#neo4j-user', 'neo4j');
    await page.fill('#neo4j-password', pass);
    await page.click('#neo4j-connect');
    await page.waitForFunction(() => /^(Connected|Not connected)/.test(document.querySelector('[data-testid=store-status]').textContent),
      null, { timeout: 60000 });
    return page.textContent('[data-testid=store-status]');
  }

  before(async () => {
    const started = startNeo4j(state, password);
    buildWeb();
    server = await serveWeb();
    browser = await launchBrowser();
    const { code, stderr } = await started;
    assert.equal(code, 0, `start.sh failed (exit ${code}):\n${stderr}`);
    env = neo4jEnv(state);
    for (const n of [1, 2, 3]) {
      cli(['ingest', '--store', 'neo4j', '--smoke', `examples/shop/runs/run-${n}.json`, '--ir', ir,
        ...(n > 1 ? ['--manifest', `examples/shop/manifests/shop-run-${n}.json`] : [])]);
    }
    page = await openPage(browser, server.url);
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => d.accept());
  }, { timeout: 900000 });

  after(async () => {
    await browser?.close();
    await server?.stop();
    stop();
  });

  it('refuses a wrong password, saying so without echoing it', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const status = await connect(env.NEO4J_URI, wrong);
    assert.match(status, /^Not connected: .*(401|[Uu]nauthori[sz]ed|authentication)/);
    assert.ok(!status.includes(wrong));
  });

  it('reports a server that is down', async () => {
    const status = await connect(`http://127.0.0.1:${await deadPort()}`, password);
    assert.match(status, /^Not connected: .*(unreachable|could not reach|failed to fetch|connect)/i);
  });

  it('shows the learning curve and the prompt of the Neo4j history, as the CLI does', async () => {
    assert.equal(await connect(env.NEO4J_URI, password), `Connected to Neo4j at ${env.NEO4J_URI}.`);
    await page.waitForSelector('[data-testid=chart]');
    const stats = JSON.parse(cli(['stats', '--store', 'neo4j', '--json']));
    const rows = await page.$$eval('[data-testid=history] tbody tr', (trs) => trs.map((tr) => tr.children[0].textContent + ' ' + tr.children[1].textContent));
    assert.deepEqual(rows, stats.runs.map((r) => `${r.run_id} ${r.violations}`));

    await page.click('#use-example-ir');
    await page.selectOption('#scope', 'entity');
    await page.fill('#base-prompt', 'Write the Product model.');
    await page.fill('#target', 'Product');
    const expected = run(['enhance', '--entity', 'Product', '--ir', ir, '--store', 'neo4j', '--prompt', '-'],
      { input: 'Write the Product model.', env: { NEO4J_URI: env.NEO4J_URI, NEO4J_PASSWORD: password, FOREWARN_STORE: '' } }).stdout;
    assert.match(expected, /AVOID THESE KNOWN ISSUES/);
    await page.waitForFunction((want) => document.querySelector('[data-testid=prompt-out]').textContent === want, expected, { timeout: 20000 }).catch(() => {});
    assert.equal(await page.textContent('[data-testid=prompt-out]'), expected);
    assert.match(await page.textContent('[data-testid=prompt-status]'), /injected from Neo4j at /);
    await page.screenshot({ path: path.join(artifacts, 'desktop-neo4j.png'), fullPage: true });
  });

  it('records a pasted error in Neo4j, where the CLI sees it', async () => {
    const text = readFileSync(path.join(root, 'examples', 'errors', 'post_customers_unique.txt'), 'utf8');
    await page.fill('#endpoint', 'POST /customers');
    await page.fill('#failure-text', text);
    await page.waitForSelector('[data-testid=classification]');
    await page.click('#record');
    await page.waitForFunction(() => /^Recorded run pasted-/.test(document.querySelector('[data-testid=record-status]').textContent), null, { timeout: 30000 });
    const stats = JSON.parse(cli(['stats', '--store', 'neo4j', '--json']));
    assert.equal(stats.runs.length, 4);
    assert.match(stats.runs.at(-1).run_id, /^pasted-/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=chart] .bar-errors').length === 4);
  });

  it('keeps the password out of the URL, storage, text, console and request URLs', async () => {
    const leaks = await page.evaluate((secret) => ({
      url: location.href.includes(secret),
      local: JSON.stringify({ ...localStorage }).includes(secret),
      session: JSON.stringify({ ...sessionStorage }).includes(secret),
      text: document.body.innerText.includes(secret),
    }), password);
    assert.deepEqual(leaks, { url: false, local: false, session: false, text: false });
    assert.ok(!page.logs.some((l) => l.includes(password)), 'console');
    assert.ok(requests.length > 0 && !requests.some((u) => u.includes(password)), 'request URLs');
    // Switching back to the browser store forgets nothing of it and shows the local patterns again.
    await page.check('input[name=source][value=browser]');
    await page.waitForFunction(() => document.querySelector('[data-testid=store-summary]').textContent.startsWith('0 patterns'));
  });

  it('switching back to Neo4j uses the connection kept in the tab, not a new one', async () => {
    await page.check('input[name=source][value=neo4j]');
    await page.waitForFunction(() => document.querySelector('[data-testid=store-summary]').textContent.includes(' in Neo4j at '));
    assert.equal(await page.isHidden('#clear-store'), true, 'a shared Neo4j is not cleared from a page');
  });

  // the same scenarios as the browser store's (web_store.test.mjs), here against Neo4j
  storeScenarios(() => ({ page, tmp: work, label: `Neo4j at ${env.NEO4J_URI}`, mode: 'neo4j' }));

  it('what the page did in Neo4j is what the CLI reads there', async () => {
    const page_ = await page.evaluate(() => document.querySelector('[data-testid=store-summary]').textContent);
    const stats = JSON.parse(cli(['stats', '--store', 'neo4j', '--json']));
    assert.ok(page_.startsWith(`${stats.totals.patterns} patterns from ${stats.runs.length} runs in Neo4j at `), page_);
    assert.ok(stats.runs.some((r) => r.run_id === 'gen-page-neo4j' && r.prevented > 0));
  });

  it('after every scenario the password is still nowhere: URL, storage, text, share link, console, requests', async () => {
    const leaks = await page.evaluate((secret) => ({
      url: location.href.includes(secret),
      local: JSON.stringify({ ...localStorage }).includes(secret),
      text: document.body.innerText.includes(secret),
      link: document.querySelector('[data-testid=share-link]').value.includes(secret),
    }), password);
    assert.deepEqual(leaks, { url: false, local: false, text: false, link: false });
    assert.ok(!page.logs.some((l) => l.includes(password)), 'console');
    assert.ok(!requests.some((u) => u.includes(password)), 'request URLs');
  });
});
