// Reading the README the way a newcomer does: its shell blocks, its tables, the commands in them.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The contents of every ```sh block. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** The commands of a shell block: continuation lines joined, comments and blank lines dropped. */
export function blockCommands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** `NAME=value` lines that only set a shell variable. */
export function isAssignment(command: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(command) || /^[A-Za-z_][A-Za-z0-9_]*='[^']*'$/.test(command);
}

export interface Table {
  /** 1-based line of the header row. */
  line: number;
  header: string[];
  rows: string[][];
}

/** Cells of a table row, split on unescaped pipes as GitHub does. */
export function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

const delimiterRow = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Every table (header, delimiter row, rows), outside code blocks. */
export function tables(markdown: string): Table[] {
  const lines = markdown.split('\n');
  const found: Table[] = [];
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) inCode = !inCode;
    if (inCode || !lines[i]!.startsWith('|') || !delimiterRow.test(lines[i + 1] ?? '')) continue;
    const table: Table = { line: i + 1, header: cells(lines[i]!), rows: [] };
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('|'); j++) table.rows.push(cells(lines[j]!));
    found.push(table);
    i = j - 1;
  }
  return found;
}

/**
 * Problems that keep a table from rendering as one: rows cut off from their table by a blank
 * line (they render as text with raw pipes), and rows with another number of cells than the header.
 */
export function tableProblems(markdown: string): string[] {
  const lines = markdown.split('\n');
  const problems: string[] = [];
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) inCode = !inCode;
    const line = lines[i]!;
    if (inCode || !line.startsWith('|')) continue;
    const startsTable = delimiterRow.test(lines[i + 1] ?? '');
    const continuesTable = i > 0 && lines[i - 1]!.startsWith('|');
    if (!startsTable && !continuesTable) problems.push(`line ${i + 1} is a table row outside any table: ${line}`);
  }
  for (const table of tables(markdown)) {
    table.rows.forEach((row, index) => {
      if (row.length !== table.header.length) {
        problems.push(
          `line ${table.line + 2 + index} has ${row.length} cells, its table's header ${table.header.length}`,
        );
      }
    });
  }
  return problems;
}

/** Commands shown in tables: first cells that are a backticked npm, npx or pnpm command. */
export function tableCommands(markdown: string): { command: string; folder: string }[] {
  return tables(markdown).flatMap((table) => {
    // "command (in `packages/client`)": the commands of that table run in that folder.
    const folder = /\(in `([^`]+)`\)/.exec(table.header[0] ?? '')?.[1] ?? '.';
    return table.rows
      .map((row) => /^`((?:npm|npx|pnpm) [^`]*)`$/.exec(row[0] ?? '')?.[1])
      .filter((command): command is string => command !== undefined)
      .map((command) => ({ command, folder }));
  });
}

/** The commands a command line runs: itself, or what `$(...)` captures inside it. */
export function innerCommands(command: string): string[] {
  const captured = [...command.matchAll(/\$\(([^)]*)\)/g)].map((match) => match[1]!.trim());
  if (captured.length > 0) return captured;
  return [command];
}

/** The program a command starts: its first word after `NAME=value` prefixes. */
export function program(command: string): string[] {
  const words = command.split(/\s+/);
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  return words;
}

/** The executable `name` resolves to on `path`, or undefined. */
export function which(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const shellBuiltins = new Set(['eval', 'export', 'cd', 'source', '.']);
// Programs the README names as the reader's own, needed only against a real foundation.
const readersOwnTools = new Set(['cf']);

/**
 * Why `command`, typed in `folder` of `root` with `path` as PATH, would not run as typed, or
 * undefined when it would: npm scripts must exist (and the programs they start must resolve
 * with npm's PATH, node_modules/.bin first), `npx` programs must be installed, anything else
 * must be on `path`.
 */
export function unresolved(command: string, root: string, folder: string, path: string): string | undefined {
  const words = program(command);
  const [first, ...args] = words;
  if (first === undefined || shellBuiltins.has(first) || readersOwnTools.has(first)) return undefined;
  const dir = join(root, folder);
  if (first === 'npm') {
    const [verb, name] = args.filter((arg) => !arg.startsWith('-'));
    if (verb !== 'run' && verb !== 'start' && verb !== 'test') return `npm ${verb ?? ''}: not an npm script command`;
    const script = verb === 'run' ? name : verb;
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) return `${folder} has no package.json`;
    const scripts = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    if (script === undefined || scripts[script] === undefined) return `no script "${script}" in ${folder}/package.json`;
    // npm runs scripts with node_modules/.bin of the package and of every folder above it first.
    const binDirs: string[] = [];
    for (let d = dir; d.startsWith(root); d = join(d, '..')) binDirs.push(join(d, 'node_modules', '.bin'));
    const scriptPath = [...binDirs, path].join(delimiter);
    for (const part of scripts[script]!.split(/&&|\|\||;/)) {
      const [started] = program(part.trim());
      if (started && !which(started, scriptPath)) return `script "${script}" starts ${started}, which is not found`;
    }
    return undefined;
  }
  if (first === 'npx') {
    const name = args.find((arg) => !arg.startsWith('-'));
    if (!name) return 'npx without a program';
    return which(name, join(root, 'node_modules', '.bin')) ? undefined : `npx ${name}: not installed`;
  }
  return which(first, path) ? undefined : `${first}: command not found`;
}
