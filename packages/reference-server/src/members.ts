import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson, sendNoContent, type RequestBody } from './http.js';
import type { RateLimiter } from './rate-limit.js';
import type { Store } from './store.js';
import type { Authentication } from './cloud-controller.js';

// Aerospike Cloud API: DELETE /organization/members/{userId}. Errors are answered in the
// current API's form, RFC 9457 Problem Details (application/problem+json), which keeps the
// older form's `message` (and `code`, for clients of the older form).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MemberError {
  status: number;
  code: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// The problem type URN and title of each older error code.
const problemTypes: Record<string, { type: string; title: string }> = {
  missing_token: { type: 'urn:aerospike:errors:auth:token-missing', title: 'Unauthorized' },
  invalid_token: { type: 'urn:aerospike:errors:auth:token-invalid', title: 'Unauthorized' },
  permission_denied: { type: 'urn:aerospike:errors:auth:unauthorized', title: 'Unauthorized' },
  invalid_input: { type: 'urn:aerospike:errors:validation:failed', title: 'Validation Error' },
  too_many_requests: { type: 'urn:aerospike:errors:ratelimit:exceeded', title: 'Rate Limit Exceeded' },
  internal_error: { type: 'urn:aerospike:errors:system:internal', title: 'Internal Server Error' },
  not_found: { type: 'urn:aerospike:errors:resource:not-found', title: 'Not Found' },
};

/** The Problem Details body of an error; `instance` is the request's path when known. */
export function problemDetails(failure: MemberError, instance?: string, context?: object): Record<string, unknown> {
  const known = problemTypes[failure.code] ?? problemTypes['internal_error']!;
  const expired = failure.code === 'invalid_token' && failure.message.includes('expired');
  return {
    type: expired ? 'urn:aerospike:errors:auth:token-expired' : known.type,
    title: expired ? 'Token Expired' : known.title,
    status: failure.status,
    detail: failure.message,
    ...(instance !== undefined ? { instance } : {}),
    ...(context !== undefined ? { context } : {}),
    code: failure.code,
    message: failure.message,
  };
}

export const memberErrors = {
  missingToken: (): MemberError => ({ status: 401, code: 'missing_token', message: 'The access token is missing.' }),
  expiredToken: (): MemberError => ({ status: 401, code: 'invalid_token', message: 'The access token expired.' }),
  invalidToken: (): MemberError => ({ status: 401, code: 'invalid_token', message: 'The access token is invalid.' }),
  missingScope: (): MemberError => ({
    status: 403,
    code: 'permission_denied',
    message: 'The access token lacks the update:org scope.',
  }),
  noOrganization: (): MemberError => ({
    status: 403,
    code: 'permission_denied',
    message: 'The access token names no organization.',
  }),
  invalidUserId: (): MemberError => ({ status: 400, code: 'invalid_input', message: 'userId must be a UUID.' }),
  bodyTooLarge: (limit: number): MemberError => ({
    status: 400,
    code: 'invalid_input',
    message: `The request body is larger than ${limit} bytes.`,
  }),
  malformedRequest: (): MemberError => ({ status: 400, code: 'invalid_input', message: 'Malformed HTTP request.' }),
  tooManyRequests: (): MemberError => ({
    status: 429,
    code: 'too_many_requests',
    message: 'Too many requests, retry later.',
  }),
  internal: (): MemberError => ({ status: 500, code: 'internal_error', message: 'Internal Server Error' }),
} as const;

export function sendMemberError(
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  failure: MemberError,
  instance?: string,
  context?: object,
): void {
  sendJson(res, failure.status, headers, problemDetails(failure, instance, context), PROBLEM_CONTENT_TYPE);
}

export interface MembersDeps {
  store: Store;
  maxBodyBytes: number;
  rateLimiter: RateLimiter;
}

export interface RemoveMemberRequest {
  res: ServerResponse;
  headers: OutgoingHttpHeaders;
  requestId: string;
  /** The request's path (the problem's `instance`). */
  path: string;
  userId: string;
  authentication: Authentication;
  rateLimitKey: string;
  body: RequestBody;
}

export async function handleRemoveMember(deps: MembersDeps, request: RemoveMemberRequest): Promise<void> {
  const { res, headers, authentication } = request;
  const fail = (failure: MemberError, context?: object): void =>
    sendMemberError(res, headers, failure, request.path, context);

  const decision = deps.rateLimiter.take(request.rateLimitKey);
  if (!decision.allowed) {
    sendMemberError(
      res,
      { ...headers, 'Retry-After': String(decision.retryAfterSeconds) },
      memberErrors.tooManyRequests(),
      request.path,
    );
    return;
  }
  if (authentication.kind === 'none') return fail(memberErrors.missingToken());
  if (authentication.kind === 'keys_unavailable') return fail(memberErrors.internal());
  if (authentication.kind === 'expired') return fail(memberErrors.expiredToken());
  if (authentication.kind === 'invalid') return fail(memberErrors.invalidToken());
  const token = authentication.token;
  if (!token.scopes.has('update:org')) return fail(memberErrors.missingScope());
  const organizationId = token.organizationId;
  if (organizationId === undefined) return fail(memberErrors.noOrganization());
  if (!UUID.test(request.userId)) {
    return fail(memberErrors.invalidUserId(), {
      invalid: [{ field: '/userId', type: 'urn:aerospike:errors:validation:failed' }],
    });
  }
  if (request.body.kind === 'too_large') return fail(memberErrors.bodyTooLarge(deps.maxBodyBytes));

  await deps.store.removeMember(organizationId, request.userId.toLowerCase(), {
    actorUserId: token.userId,
    requestId: request.requestId,
  });
  sendNoContent(res, headers);
}
