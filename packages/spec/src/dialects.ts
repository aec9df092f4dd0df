// The API families of the contract (`x-api-dialects` at the root of openapi/openapi.yaml):
// which paths belong to each, the header that carries the request id, the error schema, and
// which named example each kind of rejected request gets. The mock, the reference server and
// the contract checks read these instead of knowing the APIs by name.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { paths } from './paths.js';

/** One named example of one documented status. */
export interface ErrorExampleRef {
  status: number;
  example: string;
}

/** Kinds of rejected requests whose answer is one of the contract's examples. */
export const errorKinds = [
  /** No `Authorization`, or one that is not a bearer token. */
  'missingToken',
  /** A bearer token the API does not accept (garbage, expired, wrong signature). */
  'invalidToken',
  /** A valid token without the scope the operation needs. */
  'insufficientScope',
  /** A path parameter that breaks its schema (malformed guid or uuid). */
  'invalidPathParameter',
  /** A body or query parameter that breaks its schema, or a body that is not JSON. */
  'invalidRequest',
  /** The caller used up its rate limit. */
  'rateLimited',
  /** A dependency of the server is down. */
  'serviceUnavailable',
  /** A fault of the server. */
  'internalError',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export type DialectErrors = Partial<Record<ErrorKind, ErrorExampleRef>>;

export interface ApiDialect {
  /** Stable key: `cloudController`, `members`. */
  id: string;
  name: string;
  /** Request paths of this API start with one of these (with and without the server base path). */
  pathPrefixes: string[];
  /** Request paths of this API outside its prefixes, matched exactly (the root document `/`). */
  paths: string[];
  /** The response header that carries the request id (`X-VCAP-Request-ID`, `X-Request-Id`). */
  requestIdHeader: string;
  /** The component schema of its error bodies (`#/components/schemas/<errorSchema>`). */
  errorSchema: string;
  /** The documented answer to each kind of rejected request this API documents. */
  errors: DialectErrors;
  /** Answers that differ under some paths (a malformed space guid finds no space), by path prefix. */
  errorsByPathPrefix: Record<string, DialectErrors>;
  /** What a path of this API that is no operation gets (not part of any operation). */
  unknownRoute: { status: number; body: unknown };
}

export const dialectsExtension = 'x-api-dialects';

/**
 * An operation's own answers to kinds of rejected requests, where they differ from its
 * dialect's (a list answers a malformed query with `CF-BadQueryParameter`).
 */
export const operationErrorsExtension = 'x-dialect-errors';

function fail(message: string): never {
  throw new Error(`${dialectsExtension}: ${message}`);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(entry: Record<string, unknown>, key: string, where: string): string {
  const value = entry[key];
  if (typeof value !== 'string' || value === '') fail(`${where}: ${key} must be a non-empty string`);
  return value;
}

function status(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 599)
    fail(`${where}: status must be an HTTP status, not ${JSON.stringify(value)}`);
  return value as number;
}

function readErrors(entry: unknown, where: string): DialectErrors {
  if (!isRecord(entry)) fail(`${where} must be an object`);
  const errors: DialectErrors = {};
  for (const [kind, ref] of Object.entries(entry)) {
    if (!(errorKinds as readonly string[]).includes(kind))
      fail(`${where}: unknown error kind ${kind} (known: ${errorKinds.join(', ')})`);
    if (!isRecord(ref)) fail(`${where}.${kind} must be { status, example }`);
    errors[kind as ErrorKind] = {
      status: status(ref['status'], `${where}.${kind}`),
      example: text(ref, 'example', `${where}.${kind}`),
    };
  }
  return errors;
}

/** The dialect table of a document (bundle or root source file); empty when it has none. */
export function readApiDialects(document: object): ApiDialect[] {
  const raw = (document as Record<string, unknown>)[dialectsExtension];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail('must be a list');
  return raw.map((entry: unknown, index): ApiDialect => {
    const where = `entry ${index}`;
    if (!isRecord(entry)) fail(`${where} must be an object`);
    const id = text(entry, 'id', where);
    const at = `${id}`;
    const prefixes = entry['pathPrefixes'];
    if (
      !Array.isArray(prefixes) ||
      prefixes.length === 0 ||
      !prefixes.every((p) => typeof p === 'string' && p.startsWith('/'))
    )
      fail(`${at}: pathPrefixes must list paths starting with /`);
    const exactPaths = entry['paths'] ?? [];
    if (!Array.isArray(exactPaths) || !exactPaths.every((p) => typeof p === 'string' && p.startsWith('/')))
      fail(`${at}: paths must list paths starting with /`);
    const errors = readErrors(entry['errors'] ?? {}, `${at} errors`);
    const byPrefixEntry = entry['errorsByPathPrefix'] ?? {};
    if (!isRecord(byPrefixEntry)) fail(`${at}: errorsByPathPrefix must be an object`);
    const errorsByPathPrefix: Record<string, DialectErrors> = {};
    for (const [prefix, overrides] of Object.entries(byPrefixEntry)) {
      if (!(prefixes as string[]).some((own) => prefix.startsWith(own)))
        fail(`${at}: errorsByPathPrefix ${prefix} is outside the dialect's pathPrefixes`);
      errorsByPathPrefix[prefix] = readErrors(overrides, `${at} errorsByPathPrefix.${prefix}`);
    }
    const unknownRoute = entry['unknownRoute'];
    if (!isRecord(unknownRoute) || unknownRoute['body'] === undefined)
      fail(`${at}: unknownRoute must be { status, body }`);
    return {
      id,
      name: text(entry, 'name', at),
      pathPrefixes: prefixes as string[],
      paths: exactPaths as string[],
      requestIdHeader: text(entry, 'requestIdHeader', at),
      errorSchema: text(entry, 'errorSchema', at),
      errors,
      errorsByPathPrefix,
      unknownRoute: { status: status(unknownRoute['status'], `${at} unknownRoute`), body: unknownRoute['body'] },
    };
  });
}

/**
 * The dialect whose prefix the path (a template or a request path, query allowed) starts with,
 * or that lists the path (without its query) exactly.
 */
export function dialectForPath(dialects: readonly ApiDialect[], path: string): ApiDialect | undefined {
  const pathname = path.split('?', 1)[0]!;
  return dialects.find(
    (dialect) => dialect.pathPrefixes.some((prefix) => path.startsWith(prefix)) || dialect.paths.includes(pathname),
  );
}

/**
 * The documented answer to each kind of rejected request under `path` (a template or a request
 * path): the dialect's errors, with those of the longest matching `errorsByPathPrefix` entry.
 */
export function errorsForPath(dialect: ApiDialect, path: string): DialectErrors {
  const prefix = Object.keys(dialect.errorsByPathPrefix)
    .filter((candidate) => path.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? dialect.errors : { ...dialect.errors, ...dialect.errorsByPathPrefix[prefix] };
}

/** What an operation takes, which decides the kinds of rejected requests it can meet. */
export interface OperationTraits {
  /** It names a security requirement other than anonymous access. */
  secured: boolean;
  /** It has path parameters. */
  pathParameters: boolean;
  /** It has query parameters or a request body. */
  input: boolean;
}

const kindsNeeding: Partial<Record<ErrorKind, keyof OperationTraits>> = {
  missingToken: 'secured',
  invalidToken: 'secured',
  insufficientScope: 'secured',
  invalidPathParameter: 'pathParameters',
  invalidRequest: 'input',
};

/**
 * The documented answer to each kind of rejected request that `operation` can meet: those of
 * its path (errorsForPath), with the operation's own (`x-dialect-errors`) over them; a kind the
 * operation sets to null it cannot meet. An operation open to anyone meets no token errors; one
 * without path parameters, no malformed one.
 */
export function errorsForOperation(
  dialect: ApiDialect,
  path: string,
  traits: OperationTraits,
  operationObject: object = {},
): DialectErrors {
  const own = (operationObject as Record<string, unknown>)[operationErrorsExtension];
  const where = `${operationErrorsExtension} of ${path}`;
  if (own !== undefined && !isRecord(own)) fail(`${where} must be an object`);
  // A kind set to null is one the operation cannot meet (nothing it reads can be malformed).
  const none = Object.entries(own ?? {})
    .filter(([, ref]) => ref === null)
    .map(([kind]) => kind);
  for (const kind of none)
    if (!(errorKinds as readonly string[]).includes(kind))
      fail(`${where}: unknown error kind ${kind} (known: ${errorKinds.join(', ')})`);
  const merged: DialectErrors = {
    ...errorsForPath(dialect, path),
    ...(own === undefined
      ? {}
      : readErrors(Object.fromEntries(Object.entries(own).filter(([, ref]) => ref !== null)), where)),
  };
  for (const kind of errorKinds) {
    const needs = kindsNeeding[kind];
    if ((needs && !traits[needs]) || none.includes(kind)) delete merged[kind];
  }
  return merged;
}

let fromSource: ApiDialect[] | undefined;

/**
 * The dialect table of this repository's contract, read from its root source file (no build
 * needed): for servers that must start before anything is bundled.
 */
export function sourceApiDialects(): ApiDialect[] {
  fromSource ??= readApiDialects(parse(readFileSync(paths.sourceRoot, 'utf8')) as Record<string, unknown>);
  return fromSource;
}

/** The dialect of the given id, or an error naming the known ones. */
export function dialectById(dialects: readonly ApiDialect[], id: string): ApiDialect {
  const found = dialects.find((dialect) => dialect.id === id);
  if (!found) fail(`no dialect ${id} (known: ${dialects.map((dialect) => dialect.id).join(', ')})`);
  return found;
}
