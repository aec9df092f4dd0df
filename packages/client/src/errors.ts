import { credentialsOf, redact } from './credentials.js';

/**
 * An error answer from either API (or from the OAuth2 token endpoint), reduced to the fields
 * callers act on. It keeps no request, response or headers, and the caller's own credentials
 * (the token sent, a client secret) are cut out of every field, should the server echo them:
 * none can leak through `message`, `stack`, `toString()`, `JSON.stringify()` or `util.inspect()`.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  // `declare`: assigned in the constructor, without field definitions in the bundle.
  /** HTTP status of the answer. */
  declare readonly status: number;
  /**
   * Cloud Controller's numeric `code` (e.g. 20003); the member API's `code` (e.g. `invalid_token`),
   * or the last segment of its problem `type` (`urn:aerospike:errors:invalid_token`).
   */
  declare readonly code: number | string | undefined;
  /** Cloud Controller's `error_code` (e.g. `CF-UserNotFound`); undefined for the member API. */
  declare readonly errorCode: string | undefined;
  /** The member API's RFC 9457 problem `type` (a `urn:aerospike:errors:*` URN), if it sent one. */
  declare readonly type: string | undefined;
  /** `X-VCAP-Request-ID` (Cloud Controller) or `X-Request-Id` (member API), to quote in support requests. */
  declare readonly requestId: string | undefined;

  constructor(response: Response, body: unknown) {
    const credentials = credentialsOf(response);
    const fields: Record<string, unknown> =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const text = (value: unknown): string | undefined =>
      typeof value === 'string' ? redact(value, credentials) : undefined;
    // Only these known fields are read: a non-JSON body (an HTML error page from a proxy, say)
    // and the status text are never copied into the message, as they may echo the request.
    // Cloud Controller: description; problem details: detail, then title; the member API's
    // older form: message; OAuth2: error_description.
    super(
      text(fields.description) ??
        text(fields.detail) ??
        text(fields.message) ??
        text(fields.error_description) ??
        text(fields.title) ??
        `HTTP ${response.status}`,
    );
    this.status = response.status;
    this.type = text(fields.type);
    this.code =
      typeof fields.code === 'number'
        ? fields.code
        : (text(fields.code) ?? this.type?.match(/^urn:.*:(.+)/)?.[1] ?? text(fields.error));
    this.errorCode = text(fields.error_code);
    this.requestId = text(response.headers.get('X-VCAP-Request-ID') ?? response.headers.get('X-Request-Id'));
  }

  /** `JSON.stringify` of an Error drops `message` (not enumerable); keep it in logs. */
  toJSON() {
    return { ...this, message: this.message };
  }
}

/**
 * A success answer (2xx) whose body is not the JSON expected (not JSON at all, or a token
 * answer without `access_token`): a broken server or proxy. An {@link ApiError}, so that one
 * `catch` handles both; `status` is the 2xx received.
 */
export class ResponseParseError extends ApiError {
  override name = 'ResponseParseError';

  constructor(response: Response) {
    super(response, { message: `The ${response.status} answer's body is not the JSON expected` });
  }
}

/**
 * Returns the data of an openapi-fetch result, or throws {@link ApiError} for any non-2xx answer.
 * The `roles` and `members` methods use it; use it with the raw clients to get the same errors.
 */
export function unwrap<Data>(result: { data?: Data; error?: unknown; response: Response }): Data {
  if (!result.response.ok) throw new ApiError(result.response, result.error);
  return result.data as Data;
}
