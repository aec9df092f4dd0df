// Measures start-up time and throughput of the embedded mock, of `prism mock` from the CLI,
// and of a bare node:http server returning the same bytes (the ceiling of this machine).
// Usage: pnpm --filter @org-membership-api/mock run throughput [-- --duration 10 --warmup 2 --connections 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

// pnpm hands a `--` separator through to the script.
const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({ args: argv, options: { duration: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' }, connections: { type: 'string', default: '10' } } });
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = join(packageDir, '../../dist/openapi.json');
const prismCli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');

// The published PUT users request, with an upper-case scheme so that the CLI accepts it too.
const path = '/v2/organizations/6f0e3308-1340-4682-937e-7b8186f5431e/users';
const request = {
  method: 'PUT',
  headers: { authorization: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig', 'content-type': 'application/json' },
  body: '{"username":"user@example.com"}',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Spawns a server and polls until it answers the request; returns the time that took. */
async function start(command: string[], url: string): Promise<{ child: ChildProcess; startupMs: number; status: number; body: string; headers: Headers }> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url + path, request);
      const body = await response.text();
      return { child, startupMs: performance.now() - started, status: response.status, body, headers: response.headers };
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function measure(name: string, command: string[], port: number) {
  const url = `http://127.0.0.1:${port}`;
  const server = await start(command, url);
  try {
    // Every server gets the same warm-up (JIT, caches) before the measured run.
    if (warmup > 0) await autocannon({ url: url + path, connections, duration: warmup, ...request });
    const result = await autocannon({ url: url + path, connections, duration, ...request });
    return {
      name,
      startupMs: Math.round(server.startupMs),
      status: server.status,
      reqPerSec: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      body: server.body,
      headers: server.headers,
    };
  } finally {
    await stop(server.child);
  }
}

const mockPort = await freePort();
const embedded = await measure('embedded mock (pnpm mock)', [process.execPath, '--import', 'tsx', 'src/cli.ts', '--port', String(mockPort)], mockPort);

// The bare server answers with exactly the bytes the mock sent.
const bareHeaders: Record<string, string> = {};
embedded.headers.forEach((value, key) => {
  if (!['date', 'connection', 'keep-alive'].includes(key)) bareHeaders[key] = value;
});
const bareSource = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(${embedded.status}, ${JSON.stringify(bareHeaders)}).end(${JSON.stringify(embedded.body)})); }).listen(+process.argv[1], '127.0.0.1');`;
const barePort = await freePort();
const bare = await measure('bare node:http, same bytes', [process.execPath, '-e', bareSource, String(barePort)], barePort);

const cliPort = await freePort();
const cli = await measure('prism mock (CLI 5.14.2)', [process.execPath, prismCli, 'mock', '-h', '127.0.0.1', '-p', String(cliPort), spec], cliPort);

console.log(`\nPUT ${path}, ${connections} connections, ${duration} s each after ${warmup} s of warm-up, Node ${process.version}\n`);
console.log('| server | start-up to first answer | status | req/s | p50 ms | p99 ms | max ms | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of [embedded, cli, bare]) {
  console.log(`| ${r.name} | ${r.startupMs} ms | ${r.status} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.errors + r.non2xx} |`);
}
console.log(`\nembedded / CLI: ${(embedded.reqPerSec / cli.reqPerSec).toFixed(1)}x; embedded / bare: ${(embedded.reqPerSec / bare.reqPerSec).toFixed(2)}`);
if (cli.body !== embedded.body) console.log('note: the CLI answered with a different body');
