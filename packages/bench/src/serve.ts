// Child-process entry: starts one server under test on a free loopback port, prints
// {"url": ...} as one line when it answers, and closes on SIGTERM. The config comes as
// JSON in BENCH_SERVE_CONFIG. With an IPC channel it also records a CPU profile between
// `profile-start` and `profile-stop` messages, so that start-up and warm-up stay out of it.
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CannedAnswer {
  status: number;
  headers: Record<string, string>;
  /** base64, so that the bytes are sent exactly as captured. */
  body: string;
}

export type ServeConfig =
  | { kind: 'bare'; answers: Record<string, CannedAnswer> }
  | { kind: 'mock' }
  | {
      kind: 'reference';
      jwtSecret: string;
      cloudControllerRateLimit?: { requests: number; windowMs: number };
      /** A postgres:// URL; default: a throwaway SQLite file. */
      database?: string;
    };

async function bare(answers: Record<string, CannedAnswer>): Promise<{ url: string; close(): Promise<void> }> {
  const prepared = Object.fromEntries(
    Object.entries(answers).map(([method, a]) => [method, { ...a, bytes: Buffer.from(a.body, 'base64') }]),
  );
  const server = createServer((req, res) => {
    // Read the request body, as a real server must, before answering.
    req.resume();
    req.on('end', () => {
      const answer = prepared[req.method ?? ''];
      if (!answer) return void res.writeHead(405).end();
      res.writeHead(answer.status, answer.headers).end(answer.bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function start(config: ServeConfig): Promise<{ url: string; close(): Promise<void> }> {
  switch (config.kind) {
    case 'bare':
      return bare(config.answers);
    case 'mock': {
      const { startMock } = await import('@org-membership-api/mock');
      return startMock({ port: 0 });
    }
    case 'reference': {
      const { startServer } = await import('@org-membership-api/reference-server');
      const directory = await mkdtemp(join(tmpdir(), 'bench-reference-'));
      const server = await startServer({
        port: 0,
        databasePath: config.database ?? join(directory, 'reference.db'),
        seed: true,
        jwtSecret: config.jwtSecret,
        ...(config.cloudControllerRateLimit && { cloudControllerRateLimit: config.cloudControllerRateLimit }),
        log: () => {},
      });
      return {
        url: server.url,
        close: async () => {
          await server.close();
          await rm(directory, { recursive: true, force: true });
        },
      };
    }
  }
}

const bootStarted = performance.now();
const server = await start(JSON.parse(process.env['BENCH_SERVE_CONFIG'] ?? '') as ServeConfig);
process.stderr.write(
  `[serve] ${JSON.parse(process.env['BENCH_SERVE_CONFIG']!).kind} ready in ${Math.round(performance.now() - bootStarted)} ms\n`,
);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
let session: Session | undefined;
process.on('message', (message: { type: 'profile-start' } | { type: 'profile-stop'; path: string }) => {
  void (async () => {
    if (message.type === 'profile-start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      process.send!({ type: 'profile-started' });
    } else if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(message.path, JSON.stringify(profile));
      session.disconnect();
      process.send!({ type: 'profile-written' });
    }
  })();
});
process.on('SIGTERM', () => {
  // The load generator may leave keep-alive sockets open: do not wait for them for ever.
  setTimeout(() => process.exit(0), 2000).unref();
  void server.close().then(() => process.exit(0));
});
