import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson, sendNoContent, type RequestBody } from './http.js';
import type { RateLimiter } from './rate-limit.js';
import type { Store } from './store.js';
import type { Authentication } from './cloud-controller.js';

// Aerospike Cloud API: DELETE /organization/members/{userId}. Errors are the contract's
// generic error object {code, message}.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MemberError {
  status: number;
  code: string;
  message: string;
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
    message: `The request body exceeds ${limit} bytes.`,
  }),
  malformedRequest: (): MemberError => ({ status: 400, code: 'invalid_input', message: 'Malformed HTTP request.' }),
  tooManyRequests: (): MemberError => ({
    status: 429,
    code: 'too_many_requests',
    message: 'Too many requests, retry later.',
  }),
  internal: (): MemberError => ({ status: 500, code: 'internal_error', message: 'Internal Server Error' }),
} as const;

export function sendMemberError(res: ServerResponse, headers: OutgoingHttpHeaders, failure: MemberError): void {
  sendJson(res, failure.status, headers, { code: failure.code, message: failure.message });
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
  userId: string;
  authentication: Authentication;
  rateLimitKey: string;
  body: RequestBody;
}

export async function handleRemoveMember(deps: MembersDeps, request: RemoveMemberRequest): Promise<void> {
  const { res, headers, authentication } = request;
  const fail = (failure: MemberError): void => sendMemberError(res, headers, failure);

  const decision = deps.rateLimiter.take(request.rateLimitKey);
  if (!decision.allowed) {
    sendMemberError(
      res,
      { ...headers, 'Retry-After': String(decision.retryAfterSeconds) },
      memberErrors.tooManyRequests(),
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
  if (!UUID.test(request.userId)) return fail(memberErrors.invalidUserId());
  if (request.body.kind === 'too_large') return fail(memberErrors.bodyTooLarge(deps.maxBodyBytes));

  await deps.store.removeMember(organizationId, request.userId.toLowerCase(), {
    actorUserId: token.userId,
    requestId: request.requestId,
  });
  sendNoContent(res, headers);
}
