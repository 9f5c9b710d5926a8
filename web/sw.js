// Offline copy of the page. Network first, so a reachable server always gives the current files;
// when it is not reachable the last copy answers. Only this page's own files are kept: requests
// to a Neo4j server (another origin) are never cached or touched.

const CACHE = 'forewarn-web-v4'; // a new name when FILES changes: activate drops the old copy
const FILES = [
  './', './index.html', './style.css', './app.mjs', './manifest.webmanifest',
  './lib/dom.mjs', './lib/classify-view.mjs', './lib/chart.mjs', './lib/input-checks.mjs', './lib/raw-view.mjs',
  './lib/stores.mjs', './lib/highlight.mjs', './lib/manifests.mjs', './lib/pattern-browser.mjs', './lib/share-link.mjs',
  './vendor/forewarn.mjs', './vendor/forewarn.wasm', './vendor/dist/forewarn-rules.mjs', './vendor/examples.json',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (err) {
      const copy = await cache.match(request, { ignoreSearch: true });
      if (copy) return copy;
      throw err;
    }
  })());
});
