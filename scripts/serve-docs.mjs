#!/usr/bin/env node
// Serves the rendered docs and the bundle from dist/ on localhost (PORT, default 4011).
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';

const files = {
  '/': ['dist/docs/index.html', 'text/html; charset=utf-8'],
  '/openapi.json': ['dist/openapi.json', 'application/json'],
  '/openapi.yaml': ['dist/openapi.yaml', 'application/yaml'],
};
const port = Number(process.env.PORT ?? 4011);
const host = process.env.HOST ?? '127.0.0.1';
const server = createServer((req, res) => {
  const entry = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!entry || !existsSync(entry[0])) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': entry[1] });
  createReadStream(entry[0]).pipe(res);
});
server.listen(port, host, () => console.log(`docs: http://${host}:${port}/  (spec: /openapi.json, /openapi.yaml)`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
