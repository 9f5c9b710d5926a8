// A fake HTTP server for client tests, on 127.0.0.1 (port 0: the system picks): every request's
// path and Authorization header is kept in `seen`; the handler answers once the body is read.
import { createServer } from 'node:http';

export async function serveHttp(handler) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port, seen, url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
