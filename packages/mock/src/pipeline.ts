import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadDocument } from '@org-membership-api/spec';
import { NO_PATH_MATCHED_ERROR, type IHttpRequest } from '@stoplight/prism-http';
import { loadOperations, type Operation } from './contract.js';
import { prepareDocumentedReplies } from './documented-replies.js';
import { checkToken } from './stages/auth.js';
import { closesConnection, parseBody, readBody } from './stages/body.js';
import { createFeatureFlagStage } from './stages/feature-flags.js';
import { readPreferences } from './stages/prefer.js';
import { createPrismStage } from './stages/prism.js';
import { createSelfUrlStage } from './stages/self-urls.js';
import { createRouteStage, hasBrokenEncoding, type Routed } from './stages/route.js';
import { createUserLookup, type UserLookup } from './stages/user-lookup.js';
import { problem, problemFrom, violationsHeader, writeReply, type Reply } from './stages/reply.js';
import { serveStatic } from './static-files.js';

export interface PipelineOptions {
  specPath: string;
  dynamic: boolean;
  log: ((line: string) => void) | undefined;
  /** Feature flags the mock reports off (`--disable-feature-flag`). */
  disabledFeatureFlags?: readonly string[];
}

export interface RequestHandler {
  operations: Operation[];
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * The mock's request handling: route → body → auth → user lookup → Prefer → feature flags → Prism → self URLs → reply. Each stage either
 * hands the request on or ends it with a Reply; every Reply is written by the reply stage.
 */
export async function createRequestHandler(options: PipelineOptions): Promise<RequestHandler> {
  const document = loadDocument(options.specPath);
  const operations = await loadOperations(options.specPath, document);
  const documented = prepareDocumentedReplies(operations);
  const userLookups = new Map<Operation, UserLookup>();
  for (const operation of operations) {
    const lookup = createUserLookup(operation);
    if (lookup) userLookups.set(operation, lookup);
  }
  const route = createRouteStage(operations, options.specPath);
  const askPrism = createPrismStage({ dynamic: options.dynamic, documented: documented.get });
  const withSelfUrls = createSelfUrlStage(operations, document);
  const featureFlags = createFeatureFlagStage(operations, {
    disabled: options.disabledFeatureFlags ?? [],
    dynamic: options.dynamic,
  });
  const log = options.log;

  async function answerOperation(req: IncomingMessage, routed: Routed & { kind: 'operation' }): Promise<Reply> {
    const { operation, dialect } = routed;
    const raw = await readBody(req);
    if (raw === 'too-large') return documented.tooLarge(operation);

    const missingToken = checkToken(operation, dialect, req.headers.authorization);
    if (missingToken) return documented.get(operation, missingToken);
    if (hasBrokenEncoding(routed.path))
      return dialect.invalidPathParameter
        ? documented.get(operation, dialect.invalidPathParameter)
        : problemFrom(NO_PATH_MATCHED_ERROR, `The route ${routed.path} hasn't been found in the specification file`);

    const parsed = parseBody(operation, dialect, raw, req.headers);
    if (parsed === 'not-json') return documented.get(operation, dialect.invalidRequest!);
    const looked = userLookups.get(operation)?.(parsed.body) ?? parsed;
    if ('reply' in looked) return looked.reply;
    const input: IHttpRequest = {
      method: operation.method as IHttpRequest['method'],
      url: { path: routed.path, query: query(routed.search) },
      headers: parsed.headers,
      body: looked.body,
    };

    const chosen = readPreferences(input, operation);
    if ('reply' in chosen) return chosen.reply;
    const preferences = featureFlags.apply(operation, routed.path, chosen.preferences);
    return withSelfUrls(operation, req.headers, await askPrism(input, operation, dialect, preferences));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = log ? performance.now() : 0;
    let reply: Reply;
    try {
      const routed = route(req.method ?? 'GET', req.url ?? '/', req.headers);
      if (routed.kind === 'static') return serveStatic(req, res, routed.file);
      if (routed.kind === 'preflight') reply = preflight(req);
      else if (routed.kind === 'operation') reply = await answerOperation(req, routed);
      else {
        // The body goes unread (drained) either way; reading it first keeps the connection usable.
        await readBody(req);
        reply = routed.reply;
      }
    } catch (error) {
      reply = problem(error instanceof Error ? error : new Error(String(error)));
    }
    writeReply(res, reply, {
      extraHeaders: req.headers.origin ? corsHeaders(req) : undefined,
      close: closesConnection(req),
    });
    if (log) {
      const ms = (performance.now() - started).toFixed(2);
      const pathname = (req.url ?? '').split('?', 1)[0];
      const violations = reply.violations ? ` ${violationsHeader(reply.violations)}` : '';
      log(`${req.method} ${pathname} ${reply.status} ${ms} ms${violations}`);
    }
  }

  return { operations, handle };
}

function query(search: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  if (!search) return result;
  const params = new URLSearchParams(search);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = values.length === 1 ? values[0]! : values;
  }
  return result;
}

/** What Prism's own server answers to a browser's CORS preflight. */
function preflight(req: IncomingMessage): Reply {
  return {
    status: 204,
    headers: { 'Access-Control-Allow-Methods': req.headers['access-control-request-method']!, Vary: 'origin' },
    body: undefined,
  };
}

/** What Prism's own server sends for cross-origin requests (browsers send `Origin`). */
function corsHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Headers': (req.headers['access-control-request-headers'] as string | undefined) ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': '*',
  };
}
