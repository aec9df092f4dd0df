// Serves the rendered docs and the bundle the way the mock does (`/docs/`, `/openapi.json`),
// on a free loopback port. Used by the tests for pages built from modified bundles and by
// `pnpm dev`, which adds a reload script to the page.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocsServer {
  url: string;
  docsUrl: string;
  close(): Promise<void>;
}

export async function serveDocs(options: {
  docsHtmlPath: string;
  bundlePath?: string;
  host?: string;
  port?: number;
  /** Lets the caller answer extra routes (returns true when it handled the request). */
  extraRoute?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Rewrites the page before it is sent. */
  transformHtml?: (html: string) => string;
}): Promise<DocsServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (options.extraRoute?.(req, res)) return;
      try {
        if (path === '/docs' || path === '/') {
          res.writeHead(302, { location: '/docs/' }).end();
        } else if (path === '/docs/' || path === '/docs/index.html') {
          const html = await readFile(options.docsHtmlPath, 'utf8');
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(options.transformHtml ? options.transformHtml(html) : html);
        } else if (path === '/openapi.json' && options.bundlePath) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(await readFile(options.bundlePath));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        }
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot read the docs: ${(error as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  return {
    url,
    docsUrl: `${url}/docs/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
