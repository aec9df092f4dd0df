// `pnpm dev`: watches openapi/, and on every save re-lints (problems with file and line),
// re-bundles, regenerates the types, re-renders the docs and restarts the mock; the docs page
// served here reloads itself when the rebuild is done.
import type { ServerResponse } from 'node:http';
import { contractPaths } from '@org-membership-api/spec';
import { createPipeline, formatProblem, type RebuildResult } from '@org-membership-api/spec/build';
import { watch } from 'chokidar';
import { serveDocs, type DocsServer } from './static-server.js';

export interface DevLoop {
  docsUrl: string;
  mockUrl: string | undefined;
  /** Resolves after the next rebuild to start (the one a save triggers) has finished. */
  nextRebuild(): Promise<RebuildResult & { elapsedMs: number }>;
  close(): Promise<void>;
}

interface Mock {
  url: string;
  close(): Promise<void>;
}

export const reloadScript = `<script>
(() => {
  const events = new EventSource('/__dev/events');
  events.addEventListener('rebuilt', () => location.reload());
})();
</script>`;

export async function startDevLoop(options: {
  root: string;
  docsPort?: number;
  mockPort?: number;
  /** Starts the mock on the fresh bundle (false: no mock). */
  mock?: boolean;
  log?: (line: string) => void;
}): Promise<DevLoop> {
  const log = options.log ?? ((line: string) => console.log(line));
  const paths = contractPaths(options.root);
  const pipeline = await createPipeline(paths);
  const specPath = paths.bundleJson;
  const clients = new Set<ServerResponse>();
  const waiters: Array<(result: RebuildResult & { elapsedMs: number }) => void> = [];
  let mock: Mock | undefined;
  let mockPort = options.mockPort ?? 4010;
  let first = true;

  async function restartMock(): Promise<void> {
    if (options.mock === false) return;
    await mock?.close();
    const { startMock } = await import('@org-membership-api/mock');
    mock = await startMock({ port: mockPort, specPath });
    mockPort = Number(new URL(mock.url).port);
  }

  async function rebuild(savedAt: number): Promise<void> {
    // Those waiting since before this rebuild started get its result; later ones the next.
    const waiting = waiters.splice(0);
    const result = await pipeline.rebuild();
    for (const problem of result.problems) log(formatProblem(problem));
    if (result.ok) {
      const mockStart = performance.now();
      try {
        await restartMock();
      } catch (error) {
        log(`mock did not start: ${(error as Error).message}`);
      }
      result.timings.mock = Math.round(performance.now() - mockStart);
      for (const client of clients) client.write('event: rebuilt\ndata: {}\n\n');
    }
    const elapsedMs = Math.round(performance.now() - savedAt);
    const steps = Object.entries(result.timings)
      .map(([step, ms]) => `${step} ${ms}`)
      .join(', ');
    const what = first ? 'first build' : 'save';
    first = false;
    log(
      result.ok
        ? `all artifacts fresh ${elapsedMs} ms after the ${what} (${steps} ms)`
        : `not rebuilt: fix the errors above (artifacts are from the last good save)`,
    );
    for (const resolve of waiting) resolve({ ...result, elapsedMs });
  }

  // Saves arrive as bursts of events (editors write, rename, chmod): one rebuild per burst,
  // and never two at once.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pendingSince: number | undefined;
  function scheduled(): void {
    if (running || pendingSince === undefined) return;
    const savedAt = pendingSince;
    pendingSince = undefined;
    running = rebuild(savedAt)
      .catch((error: unknown) => log(`rebuild failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
        scheduled();
      });
  }
  // chokidar keeps watching a file that an editor saves by writing a new file and renaming
  // it over the old one (vim, sed -i), which a plain fs.watch of that file loses.
  const watcher = watch(paths.sourceDir, { ignoreInitial: true });
  watcher.on('all', () => {
    pendingSince ??= performance.now();
    clearTimeout(timer);
    timer = setTimeout(scheduled, 30);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });

  const server: DocsServer = await serveDocs({
    docsHtmlPath: paths.docsHtml,
    bundlePath: specPath,
    port: options.docsPort ?? 4011,
    // The last </body>: the embedded Redoc bundle contains the string too.
    transformHtml: (html) => {
      const end = html.lastIndexOf('</body>');
      return end < 0 ? html + reloadScript : html.slice(0, end) + reloadScript + html.slice(end);
    },
    extraRoute: (req, res) => {
      if (req.url !== '/__dev/events') return false;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return true;
    },
  });

  // The first build, so that everything is fresh before the first save.
  pendingSince = performance.now();
  scheduled();
  await running;

  return {
    docsUrl: server.docsUrl,
    get mockUrl() {
      return mock?.url;
    },
    nextRebuild: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      await watcher.close();
      clearTimeout(timer);
      await running;
      for (const client of clients) client.end();
      await server.close();
      await mock?.close();
    },
  };
}
