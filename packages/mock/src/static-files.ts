import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

/** A file served next to the API, or a redirect to one. */
export type StaticFile = { redirect: string } | { file: string; type: string };

/**
 * The rendered docs and the bundled contract, by request path; undefined for any other path.
 * Only GET and HEAD reach these (the route stage checks).
 */
export function staticFile(pathname: string, specPath: string): StaticFile | undefined {
  const dist = dirname(specPath);
  switch (pathname) {
    case '/':
    case '/docs':
      return { redirect: '/docs/' };
    case '/docs/':
    case '/docs/index.html':
      return { file: join(dist, 'docs', 'index.html'), type: 'text/html; charset=utf-8' };
    case '/openapi.json':
      return { file: specPath, type: 'application/json' };
    case '/openapi.yaml':
      return { file: specPath.replace(/\.json$/, '.yaml'), type: 'application/yaml' };
    default:
      return undefined;
  }
}

/**
 * Sends a static file. Files are read per request so that a rebuild (`pnpm check`) shows
 * without restarting the mock.
 */
export function serveStatic(req: IncomingMessage, res: ServerResponse, target: StaticFile): void {
  if ('redirect' in target) {
    res.writeHead(302, { Location: target.redirect }).end();
    return;
  }
  if (!statSync(target.file, { throwIfNoEntry: false })?.isFile()) {
    res
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(`${target.file} is not built: run \`pnpm check\`.\n`);
    return;
  }
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'Content-Type': target.type, 'Cache-Control': 'no-cache' }).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': target.type, 'Cache-Control': 'no-cache' });
  // A file that goes away while being sent (a rebuild) cuts this answer off, not the process.
  createReadStream(target.file)
    .once('error', () => res.destroy())
    .pipe(res);
}
