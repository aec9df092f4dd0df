// The API families of the contract (`x-api-dialects` at the root of the bundle): which paths
// belong to each, the header carrying the request id, the error schema, the documented answer
// to each kind of rejected request, and the answer to a route that is no operation. The
// credential-free checks and the fuzzer are driven by this table, not by path patterns.

/** One named example of one documented status. */
export interface ErrorExampleRef {
  status: number;
  example: string;
}

export type ErrorKind =
  | 'missingToken'
  | 'invalidToken'
  | 'insufficientScope'
  | 'invalidPathParameter'
  | 'invalidRequest'
  | 'rateLimited'
  | 'serviceUnavailable'
  | 'internalError';

export interface ApiDialect {
  id: string;
  name: string;
  pathPrefixes: string[];
  requestIdHeader: string;
  /** `#/components/schemas/<errorSchema>` */
  errorSchema: string;
  errors: Partial<Record<ErrorKind, ErrorExampleRef>>;
  unknownRoute: { status: number; body: unknown };
}

/**
 * The table of a contract that does not carry `x-api-dialects` yet (the same values the
 * contract's table holds), so that the checks run against bundles built before it.
 */
const builtInDialects: ApiDialect[] = [
  {
    id: 'cloudController',
    name: 'Cloud Controller v2',
    pathPrefixes: ['/v2/'],
    requestIdHeader: 'X-VCAP-Request-ID',
    errorSchema: 'CloudControllerError',
    errors: {
      missingToken: { status: 401, example: 'NotAuthenticated' },
      invalidToken: { status: 401, example: 'InvalidAuthToken' },
      insufficientScope: { status: 403, example: 'InsufficientScope' },
      invalidPathParameter: { status: 404, example: 'OrganizationNotFound' },
      invalidRequest: { status: 400, example: 'MessageParseError' },
      rateLimited: { status: 429, example: 'RateLimitExceeded' },
      serviceUnavailable: { status: 503, example: 'UaaUnavailable' },
    },
    unknownRoute: {
      status: 404,
      body: { description: 'Unknown request', error_code: 'CF-NotFound', code: 10000 },
    },
  },
  {
    id: 'members',
    name: 'Aerospike Cloud API',
    pathPrefixes: ['/organization/', '/v1/organization/'],
    requestIdHeader: 'X-Request-Id',
    errorSchema: 'GenericApiError',
    errors: {
      missingToken: { status: 401, example: 'MissingToken' },
      invalidToken: { status: 401, example: 'InvalidToken' },
      insufficientScope: { status: 403, example: 'PermissionDenied' },
      invalidPathParameter: { status: 400, example: 'InvalidUserId' },
      rateLimited: { status: 429, example: 'TooManyRequests' },
      internalError: { status: 500, example: 'InternalError' },
    },
    unknownRoute: { status: 404, body: { code: 'not_found', message: 'No such resource.' } },
  },
];

/** The contract's dialect table (`x-api-dialects`), or the built-in one when it has none. */
export function apiDialectsOf(spec: Record<string, unknown>): ApiDialect[] {
  const table = spec['x-api-dialects'];
  return Array.isArray(table) && table.length > 0 ? (table as ApiDialect[]) : builtInDialects;
}

export function dialectForPath(dialects: readonly ApiDialect[], path: string): ApiDialect | undefined {
  return dialects.find((dialect) => dialect.pathPrefixes.some((prefix) => path.startsWith(prefix)));
}
