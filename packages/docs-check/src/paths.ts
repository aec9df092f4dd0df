import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const redoclyBin = join(repoRoot, 'node_modules', '.bin', 'redocly');
