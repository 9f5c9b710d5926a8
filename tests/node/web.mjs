// Shared by the browser tests of the web page: build web/vendor, serve web/ with
// scripts/serve-web.mjs on a free port, and drive Debian's chromium with playwright-core.
import { after, before } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

export const CHROMIUM = process.env.FOREWARN_CHROMIUM || '/usr/bin/chromium';
// Flags that work as root in a container (../shared/BUILD-NOTES.md).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const artifacts = path.join(root, 'tests', 'artifacts', 'web');

// Why the browser tests cannot run here, or false.
export async function webSkipReason() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found: install the Debian package chromium (scripts/setup.sh does)`;
  if (!existsSync(path.join(root, 'wasm', 'dist', 'forewarn.wasm'))) return 'wasm/dist/forewarn.wasm not built (scripts/build-wasm.sh)';
  try {
    await import('playwright-core');
  } catch {
    return 'the npm package playwright-core is not installed (npm ci)';
  }
  return false;
}

// Copies the module and examples into web/vendor, as npm run web does.
export function buildWeb() {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-web failed: ${r.stderr}`);
}

// Starts scripts/serve-web.mjs on a free port; resolves {url, stop}.
export function serveWeb() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'serve-web.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve-web did not start: ${out}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[0],
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve-web exited (${code}): ${out}`)); });
  });
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

// A page with the classifier loaded; console lines and page errors are collected for assertions.
export async function openPage(browser, url, { width = 1280, height = 900, context } = {}) {
  const ctx = context ?? await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.logs = [];
  page.on('console', (m) => page.logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => page.logs.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20000 });
  return page;
}

// The set-up every browser suite shares, registered in the calling describe: web/vendor built,
// the page served, a browser launched before its tests; both closed after them. Returns the
// object whose `server` and `browser` the tests use (set once the suite starts).
export function webSuite({ timeout = 120000 } = {}) {
  const suite = { server: null, browser: null };
  before(async () => {
    buildWeb();
    suite.server = await serveWeb();
    suite.browser = await launchBrowser();
  }, { timeout });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
