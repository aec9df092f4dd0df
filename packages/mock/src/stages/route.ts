import type { IncomingHttpHeaders } from 'node:http';
import { NO_METHOD_MATCHED_ERROR, NO_PATH_MATCHED_ERROR } from '@stoplight/prism-http';
import { policyFor, type ApiPolicy, type Operation } from '../contract.js';
import { createRouter } from '../router.js';
import { staticFile, type StaticFile } from '../static-files.js';
import { problemFrom, type Reply } from './reply.js';

/** Where a request goes. */
export type Routed =
  | { kind: 'static'; file: StaticFile }
  /** A browser's CORS preflight, answered without the contract. */
  | { kind: 'preflight' }
  /** No operation: the answer is already known, once the body is out of the way. */
  | { kind: 'unmatched'; reply: Reply }
  | {
      kind: 'operation';
      operation: Operation;
      /** How this operation's API answers the errors the mock decides itself. */
      dialect: ApiPolicy;
      /** The path as the contract spells it (a server base path such as `/v1` removed). */
      path: string;
      /** The query string, without `?`. */
      search: string;
    };

/** The path and query of a request target, or undefined when it names no path. */
export function parseTarget(target: string): { pathname: string; search: string } | undefined {
  let pathAndQuery: string;
  if (target.startsWith('/')) pathAndQuery = target;
  else {
    // Absolute form (`http://host/v2/...`), which RFC 9112 has servers accept: its path routes
    // as the origin form would. The asterisk form (`OPTIONS *`) and anything else name no path.
    const absolute = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*([^#]*)/i.exec(target);
    if (!absolute) return undefined;
    const rest = absolute[1]!;
    pathAndQuery = rest.startsWith('/') ? rest : `/${rest}`;
  }
  const q = pathAndQuery.indexOf('?');
  return q < 0
    ? { pathname: pathAndQuery, search: '' }
    : { pathname: pathAndQuery.slice(0, q), search: pathAndQuery.slice(q + 1) };
}

/**
 * The route stage: the docs and bundle, CORS preflights, the contract's operations (also under
 * their servers' base paths), and Prism's 404 / 405 problems for anything else.
 */
export function createRouteStage(operations: Operation[], specPath: string) {
  const findRoute = createRouter(operations);
  const dialects = new Map<Operation, ApiPolicy>();
  for (const operation of operations) {
    const dialect = policyFor(operation);
    if (dialect) dialects.set(operation, dialect);
  }

  return function route(method: string, target: string, headers: IncomingHttpHeaders): Routed {
    const parsed = parseTarget(target);
    if (!parsed)
      return {
        kind: 'unmatched',
        reply: problemFrom(NO_PATH_MATCHED_ERROR, `The request target ${JSON.stringify(target)} names no path`),
      };
    const { pathname, search } = parsed;
    // `/` is also Cloud Controller's root document: a client asking for JSON only (the cf CLI)
    // gets that operation, a browser the docs.
    if ((method === 'GET' || method === 'HEAD') && !(pathname === '/' && acceptsJsonOnly(headers.accept))) {
      const file = staticFile(pathname, specPath);
      if (file) return { kind: 'static', file };
    }
    if (method === 'OPTIONS' && headers.origin && headers['access-control-request-method'])
      return { kind: 'preflight' };

    const match = findRoute(method, pathname);
    if (!match)
      return {
        kind: 'unmatched',
        reply: problemFrom(NO_PATH_MATCHED_ERROR, `The route ${pathname} hasn't been found in the specification file`),
      };
    const operation = match.operation;
    if (!operation)
      return {
        kind: 'unmatched',
        reply: problemFrom(
          NO_METHOD_MATCHED_ERROR,
          `The route ${match.path} has been matched, but it does not have "${method.toLowerCase()}" method defined`,
        ),
      };
    return { kind: 'operation', operation, dialect: dialects.get(operation)!, path: match.path, search };
  };
}

/** An `Accept` that names JSON and no HTML (browsers name HTML; curl sends none or `*\/*`). */
function acceptsJsonOnly(accept: string | undefined): boolean {
  return (
    accept !== undefined && /\bapplication\/(?:[\w.+-]+\+)?json\b/i.test(accept) && !/\btext\/html\b/i.test(accept)
  );
}

/** A path whose percent-encoding is broken (Prism would throw URIError, a 500). */
export function hasBrokenEncoding(path: string): boolean {
  if (!path.includes('%')) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}
