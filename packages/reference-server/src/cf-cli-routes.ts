import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Authentication } from './cloud-controller.js';
import { createCloudControllerReads } from './cloud-controller-reads.js';
import type { RequestBody, RequestTarget } from './http.js';
import { createRolesByGuid } from './roles-by-guid.js';
import type { Store } from './store.js';
import type { UaaRateLimiter } from './rate-limit.js';
import { createUaa } from './uaa.js';

// Everything the cf CLI v6 calls besides the role routes by username: discovery (/v2/info,
// /), its UAA (/login, /oauth/token, /Users, served by this server itself), the feature flag
// it reads first, the organization and space lookups, and the role routes by user guid.

export interface CfCliRouteOptions {
  store: Store;
  /** The HS256 secret tokens are checked with; undefined (RS256 or JWKS configured): no built-in UAA. */
  tokenSecret: string | undefined;
  /** The `iss` Cloud Controller tokens carry. */
  tokenIssuer: string;
  /** Lifetime of the access tokens the built-in UAA issues. */
  accessTokenSeconds: number;
  /** The URL clients reach this server at; default: from the request's Host header. */
  publicUrl: string | undefined;
  /** Checks a request's bearer token as a Cloud Controller token. */
  authenticate: (req: IncomingMessage) => Promise<Authentication>;
  /** The built-in UAA's rate limiter; off unless set. */
  uaaRateLimiter?: UaaRateLimiter;
}

/** A Host header that can go into a URL as it is (a name or address, and a port). */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function createCfCliRoutes(options: CfCliRouteOptions) {
  const baseUrl = (req: IncomingMessage): string => {
    if (options.publicUrl) return options.publicUrl;
    const host = req.headers.host;
    if (host && PLAIN_HOST.test(host)) return `http://${host}`;
    const address = req.socket.localAddress ?? '127.0.0.1';
    return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort ?? 80}`;
  };
  const reads = createCloudControllerReads({ store: options.store, baseUrl });
  const rolesByGuid = createRolesByGuid({ store: options.store });
  const uaa =
    options.tokenSecret === undefined
      ? undefined
      : createUaa({
          store: options.store,
          secret: options.tokenSecret,
          issuer: options.tokenIssuer,
          accessTokenSeconds: options.accessTokenSeconds,
          baseUrl,
          authenticate: options.authenticate,
          rateLimiter: options.uaaRateLimiter,
        });

  /**
   * Answers the request when it is one of these routes; false otherwise. `authentication`: the
   * request's, where the caller has already checked its token (not checked again).
   */
  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    headers: OutgoingHttpHeaders,
    requestId: string,
    body: RequestBody,
    authentication?: Authentication,
  ): Promise<boolean> {
    const authenticate = () => (authentication ? Promise.resolve(authentication) : options.authenticate(req));
    if (url.pathname === '/' || url.pathname.startsWith('/v2/')) {
      return (
        (await reads.handle(req, res, url, headers, authenticate)) ||
        rolesByGuid.handle(req, res, url, headers, requestId, authenticate)
      );
    }
    return uaa ? uaa.handle(req, res, url, headers, body) : false;
  }

  return { handle };
}
