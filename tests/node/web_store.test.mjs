// The page's store features with the patterns in this browser (the same scenarios run against
// a real Neo4j in web_neo4j.test.mjs): the example history, re-recording, match highlighting,
// manifests from the page's own previews, export and import, the pattern browser and the
// shareable link, each checked against the native CLI (web_scenarios.mjs).
import { after, before, describe } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPage, webSkipReason, webSuite } from './web.mjs';
import { storeScenarios } from './web_scenarios.mjs';

const skip = await webSkipReason();

describe('web page: the store in this browser', { skip }, () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'forewarn-web-store-'));
  const web = webSuite();
  let page;
  before(async () => {
    page = await openPage(web.browser, web.server.url);
    page.on('dialog', (d) => d.accept());
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  storeScenarios(() => ({ page, tmp, label: 'this browser', mode: 'browser' }));
});
