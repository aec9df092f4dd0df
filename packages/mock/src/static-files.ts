import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

/**
 * Serves the rendered docs and the bundled contract next to the API. Files are read per
 * request so that a rebuild (`pnpm check`) shows without restarting the mock.
 * Returns false when the path is not one of these.
 */
export function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, specPath: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const dist = dirname(specPath);
  let file: string;
  let type: string;
  switch (pathname) {
    case '/':
    case '/docs':
      res.writeHead(302, { Location: '/docs/' }).end();
      return true;
    case '/docs/':
    case '/docs/index.html':
      [file, type] = [join(dist, 'docs', 'index.html'), 'text/html; charset=utf-8'];
      break;
    case '/openapi.json':
      [file, type] = [specPath, 'application/json'];
      break;
    case '/openapi.yaml':
      [file, type] = [specPath.replace(/\.json$/, '.yaml'), 'application/yaml'];
      break;
    default:
      return false;
  }
  if (!existsSync(file)) {
    res
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(`${file} is not built: run \`pnpm check\`.\n`);
    return true;
  }
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
