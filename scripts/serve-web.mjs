#!/usr/bin/env node
// Serves web/ (a static site: no server logic) on 127.0.0.1 and prints its URL.
//   node scripts/serve-web.mjs [--port N]    N=0 takes any free port; default 8080, or any free
//                                            port when 8080 is taken. Also FOREWARN_WEB_PORT.
// Only files under web/ are served (no listing, no path outside it); every answer carries the
// page's Content-Security-Policy (with frame-ancestors, which a <meta> tag cannot set).
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png',
};
// The page's own policy (its <meta> tag, so that static hosting keeps it too) plus frame-ancestors.
const CSP = `${readFileSync(path.join(webRoot, 'index.html'), 'utf8')
  .match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1]}; frame-ancestors 'none'`;

function parsePort(argv) {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.FOREWARN_WEB_PORT;
  if (raw === undefined) return { port: 8080, fixed: false };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-web: --port must be a number from 0 to 65535, not "${raw}"`);
    process.exit(2);
  }
  return { port, fixed: true };
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'bad path\n');
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(webRoot, `.${rel}`);
  if (!file.startsWith(webRoot + path.sep) || rel.includes('\0')) return send(res, 404, 'not found\n');
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!stat.isFile()) return send(res, 404, 'not found\n');
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});

const { port, fixed } = parsePort(process.argv.slice(2));
server.on('error', (err) => {
  if (err.code === 'EADDRINUSE' && !fixed) {
    server.listen(0, '127.0.0.1'); // the default port is taken: any free one
    return;
  }
  console.error(`serve-web: cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`forewarn web: http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
