// Breaking-change check between two revisions of the contract. Classification is
// api-smart-diff's (OpenAPI 3.0 rules for paths, parameters, bodies, responses, enums,
// security); two response-side rules are tightened where it calls a change safe that breaks
// clients reading the response: removing an optional response property, and changing a
// response property to a type that is not a narrowing (string -> integer).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { contractPaths, paths } from '@org-membership-api/spec';
import { bundleDocument } from '@org-membership-api/spec/build';
import { apiCompare, isResponseSchema } from 'api-smart-diff';

const run = promisify(execFile);

export interface ContractChange {
  /** `METHOD /path` when the change is inside an operation. */
  operation: string | undefined;
  /** Where in the operation (or the document), e.g. `responses 201 application/json entity.name`. */
  location: string;
  action: 'add' | 'remove' | 'replace' | 'rename';
  breaking: boolean;
  message: string;
}

type Diff = {
  path: Array<string | number>;
  action: ContractChange['action'];
  type: string;
  before?: unknown;
  after?: unknown;
  description?: string;
};

const verbs = { add: 'added', remove: 'removed', replace: 'changed', rename: 'renamed' } as const;

function describeLocation(rest: Array<string | number>): string {
  const parts: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const key = String(rest[i]);
    if (key === 'content' || key === 'schema') continue;
    if (key === 'properties' && i + 1 < rest.length) {
      const name = String(rest[++i]);
      const last = parts.at(-1);
      if (last && last.startsWith('.')) parts[parts.length - 1] = `${last}.${name}`;
      else parts.push(`.${name}`);
      continue;
    }
    parts.push(key);
  }
  return parts.join(' ').replace(/ \./g, ' ').replace(/^\./, '');
}

/** The response-side rules api-smart-diff treats as safe but clients do not. */
function tightened(diff: Diff): boolean {
  if (!isResponseSchema(diff.path)) return false;
  const last = String(diff.path.at(-1));
  const parent = String(diff.path.at(-2));
  if (diff.action === 'remove' && parent === 'properties') return true;
  if (diff.action === 'replace' && last === 'type') return !(diff.before === 'number' && diff.after === 'integer');
  return false;
}

// A whole parameter added or removed: api-smart-diff words an optional one as "required".
function parameterMessage(diff: Diff): string | undefined {
  const value = diff.action === 'add' ? diff.after : diff.before;
  if (String(diff.path.at(-2)) !== 'parameters' || typeof value !== 'object' || value === null) return undefined;
  const parameter = value as { name?: unknown; in?: unknown; required?: unknown };
  if (typeof parameter.name !== 'string') return undefined;
  const kind = parameter.required === true ? 'required' : 'optional';
  return `[${diff.action === 'add' ? 'Added' : 'Removed'}] ${kind} ${String(parameter.in)} parameter \`${parameter.name}\``;
}

export function compareContracts(base: object, head: object): ContractChange[] {
  const { diffs } = apiCompare(base, head) as { diffs: Diff[] };
  const changes: ContractChange[] = [];
  for (const diff of diffs) {
    // Changes under components are reported again at every place that uses them.
    if (diff.path[0] === 'components') continue;
    const inOperation = diff.path[0] === 'paths' && diff.path.length >= 3;
    const operation = inOperation
      ? `${String(diff.path[2]).toUpperCase()} ${String(diff.path[1])}`
      : diff.path[0] === 'paths'
        ? String(diff.path[1])
        : undefined;
    const location = describeLocation(diff.path.slice(inOperation ? 3 : diff.path[0] === 'paths' ? 2 : 0));
    const breaking = diff.type === 'breaking' || tightened(diff);
    const subject = location || (inOperation ? 'operation' : 'path');
    const values =
      diff.action === 'replace' && typeof diff.before !== 'object' && typeof diff.after !== 'object'
        ? ` (${JSON.stringify(diff.before)} -> ${JSON.stringify(diff.after)})`
        : '';
    // The library's wording is the clearer one, except where it names a change it met before
    // through a shared component ("annotation (1)"): then say where it is.
    const described =
      parameterMessage(diff) ??
      (diff.description && !/annotation \(/.test(diff.description) ? diff.description : undefined);
    changes.push({
      operation,
      location,
      action: diff.action,
      breaking,
      message: described ?? `${verbs[diff.action]} ${subject}${values}`,
    });
  }
  return changes;
}

export function breakingChanges(base: object, head: object): ContractChange[] {
  return compareContracts(base, head).filter((change) => change.breaking);
}

/** Bundles the contract of a checkout (or copy) of the repository at `dir`, in-process. */
export function bundleContract(dir: string): Promise<object> {
  return bundleDocument(contractPaths(dir));
}

// What a revision's contract is made of, relative to the repository's root.
const sources = [paths.sourceDir, paths.redoclyConfig].map((path) => relative(paths.root, path));

export async function gitRoot(cwd = process.cwd()): Promise<string> {
  const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd });
  return stdout.trim();
}

/** Bundles the contract as it is at a git revision (openapi/ and redocly.yaml of that commit). */
export async function bundleRevision(ref: string, repo: string): Promise<object> {
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo });
  } catch {
    throw new Error(`not a revision of this repository: ${ref}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'contract-at-revision-'));
  try {
    await new Promise<void>((resolve, reject) => {
      const archive = spawn('git', ['archive', '--format=tar', ref, '--', ...sources], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const extract = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      archive.stderr.on('data', (chunk) => (stderr += String(chunk)));
      archive.stdout.pipe(extract.stdin);
      archive.on('close', (code) => {
        if (code !== 0) reject(new Error(`git archive ${ref}: ${stderr.trim() || `exit ${code}`}`));
      });
      extract.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cannot unpack ${ref}`))));
    });
    return await bundleContract(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
