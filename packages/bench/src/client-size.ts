// The client's size as a browser app would ship it, measured by the client package's own size
// command (`pnpm size` in packages/client: esbuild bundle, minified, gzip -9), so that there is
// one way to measure it.
import { spawn } from 'node:child_process';
import type { BenchResults } from './results.js';

interface BundleSize {
  minified: number;
  gzipped: number;
}

interface ClientSizes {
  client: BundleSize;
  ownCode: BundleSize;
  openapiFetch: BundleSize;
  openapiFetchCreateClient: BundleSize;
  addedGzipped: number;
}

function clientSizeCommand(): Promise<ClientSizes> {
  const pnpm = process.env['npm_execpath']?.includes('pnpm')
    ? [process.execPath, process.env['npm_execpath']]
    : ['pnpm'];
  const args = ['--silent', '--filter', '@org-membership-api/client', 'run', 'size', '--json'];
  return new Promise((resolve, reject) => {
    const child = spawn(pnpm[0]!, [...pnpm.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the client's size command failed (exit ${code}): ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout.slice(stdout.indexOf('{'))) as ClientSizes);
      } catch {
        reject(new Error(`the client's size command printed no JSON: ${stdout.slice(0, 300)}`));
      }
    });
  });
}

export async function measureClientSize(log: (l: string) => void): Promise<BenchResults['clientSize']> {
  log('client size: esbuild bundles, minified, gzip -9');
  const sizes = await clientSizeCommand();
  return {
    clientGzipped: sizes.client.gzipped,
    clientMinified: sizes.client.minified,
    openapiFetchGzipped: sizes.openapiFetch.gzipped,
    openapiFetchCreateClientGzipped: sizes.openapiFetchCreateClient.gzipped,
    ownCodeGzipped: sizes.ownCode.gzipped,
    addedGzipped: sizes.addedGzipped,
  };
}
