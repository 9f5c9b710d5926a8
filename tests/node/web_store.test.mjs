// The page's store features with the patterns in this browser (the same scenarios run against
// a real Neo4j in web_neo4j.test.mjs): the example history, re-recording, match highlighting,
// manifests from the page's own previews, export and import, the pattern browser and the
// shareable link, each checked against the native CLI (web_scenarios.mjs).
import { after, before, describe } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildWeb, launchBrowser, openPage, serveWeb, webSkipReason } from './web.mjs';
import { storeScenarios } from './web_scenarios.mjs';

const skip = await webSkipReason();

describe('web page: the store in this browser', { skip }, () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'forewarn-web-store-'));
  let server, browser, page;
  before(async () => {
    buildWeb();
    server = await serveWeb();
    browser = await launchBrowser();
    page = await openPage(browser, server.url);
    page.on('dialog', (d) => d.accept());
  }, { timeout: 120000 });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  storeScenarios(() => ({ page, tmp, label: 'this browser', mode: 'browser' }));
});
