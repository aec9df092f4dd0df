import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './contract.js';

/** One captured Cloud Controller v2 documentation page, parsed into what it documents. */
export interface CloudControllerPage {
  file: string;
  title: string;
  method: string;
  /** The route template as the contract spells it (`/v2/organizations/{guid}/users`). */
  path: string;
  guid: string;
  requestBody: unknown;
  requestHeaders: Record<string, string>;
  curl: string;
  status: number;
  responseBody: unknown;
  responseHeaders: Record<string, string>;
}

export const pagesDir = `${join(repoRoot, 'test', 'fixtures', 'source-pages')}/`;

function headerBlock(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function between(text: string, start: string, end: string, from = 0): string {
  const i = text.indexOf(start, from);
  if (i < 0) throw new Error(`"${start}" not found`);
  const j = text.indexOf(end, i + start.length);
  if (j < 0) throw new Error(`"${end}" not found after "${start}"`);
  return text.slice(i + start.length, j);
}

export function cloudControllerPages(): CloudControllerPage[] {
  return readdirSync(pagesDir)
    .filter((f) => f.endsWith('.txt'))
    .map((file) => ({ file, text: readFileSync(pagesDir + file, 'utf8') }))
    .filter(({ text }) => text.includes('Organizations API'))
    .map(({ file, text }) => {
      const lines = text.split('\n');
      const routeTemplate = /^(PUT|DELETE) v2\/organizations\/:guid\/(\w+)$/m.exec(text);
      const concrete = /^Route\n\n(?:PUT|DELETE) v2\/organizations\/([0-9a-f-]+)\//m.exec(text);
      if (!routeTemplate || !concrete) throw new Error(`${file}: no route`);
      const titleIndex = lines.findIndex((l) => l === routeTemplate[0]) - 2;
      const request = text.slice(text.indexOf('\nRequest\n'), text.indexOf('\nResponse\n'));
      const response = text.slice(text.indexOf('\nResponse\n'));
      const responseBody = between(response, '\nBody\n\n', '\n\nHeaders\n');
      return {
        file,
        title: lines[titleIndex] ?? '',
        method: routeTemplate[1]!,
        path: `/v2/organizations/{guid}/${routeTemplate[2]}`,
        guid: concrete[1]!,
        requestBody: JSON.parse(/\n(\{\n {2}"username"[\s\S]*?\n\})\n/.exec(request)?.[1] ?? 'null'),
        requestHeaders: headerBlock(between(request, '\nHeaders\n\n', '\n\ncURL')),
        curl: between(text, '\ncURL\n\n', '\n\nResponse\n'),
        status: Number(/\nStatus\n\n(\d{3}) /.exec(response)?.[1]),
        responseBody: JSON.parse(responseBody),
        responseHeaders: headerBlock(response.slice(response.indexOf('\nHeaders\n') + 9)),
      };
    });
}

/** The captured Aerospike Cloud API page: its responses, descriptions and examples. */
export interface MembersPage {
  title: string;
  method: string;
  path: string;
  description: string;
  requestIdExample: string;
  responses: Array<{ status: number; description: string; example: unknown }>;
}

export function membersPage(): MembersPage {
  const file = readdirSync(pagesDir).find((f) =>
    readFileSync(pagesDir + f, 'utf8').includes('/organization/members/{userId}'),
  );
  if (!file) throw new Error('members page not found');
  const text = readFileSync(pagesDir + file, 'utf8');
  const [, title, method, path, description] = /Skip to content\n\n(.+)\n\n(DELETE)\n(\S+)\n\n(.+)\n/.exec(text) ?? [];
  const responsesText = text.slice(text.indexOf('\nResponses\n'), text.indexOf('\nFeedback\n'));
  const blocks = responsesText.split(/\n\n(?=\d{3}\n\n)/).slice(1);
  return {
    title: title ?? '',
    method: method ?? '',
    path: path ?? '',
    description: description ?? '',
    requestIdExample: /X-Request-Id\nstring\nExample:\n(\S+)/.exec(text)?.[1] ?? '',
    responses: blocks.map((block) => {
      const [, status, desc] = /^(\d{3})\n\n(.+)\n/.exec(block) ?? [];
      const example = block.slice(block.indexOf('Content type: application/json\n') + 31).trim();
      return { status: Number(status), description: desc ?? '', example: JSON.parse(example) };
    }),
  };
}

/** A page of Cloud Controller's published v2 API reference (docs/v2 of cloud_controller_ng), as extracted. */
export interface CloudControllerDocsPage {
  page: string;
  title: string;
  method: string;
  path: string;
  guid: string;
  requestBody: unknown;
  curl: string;
  status: number;
  /** null on a 204. */
  responseBody: unknown;
  requestId: string;
}

export function cloudControllerDocsPages(): CloudControllerDocsPage[] {
  const { pages } = JSON.parse(readFileSync(`${pagesDir}cloud-controller-v2-docs.json`, 'utf8')) as {
    pages: CloudControllerDocsPage[];
  };
  return pages;
}
