/**
 * An error answer from either API (or from the OAuth2 token endpoint), reduced to the fields
 * callers act on. It keeps no request, response or headers, so no token can leak through
 * `message`, `toString()`, `JSON.stringify()` or `util.inspect()`.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** Cloud Controller's numeric `code` (e.g. 20003), or the member API's `code` (e.g. `invalid_token`). */
  readonly code: number | string | undefined;
  /** Cloud Controller's `error_code` (e.g. `CF-UserNotFound`); undefined for the member API. */
  readonly errorCode: string | undefined;
  /** `X-VCAP-Request-ID` (Cloud Controller) or `X-Request-Id` (member API), to quote in support requests. */
  readonly requestId: string | undefined;

  constructor(response: Response, body: unknown) {
    const fields: Record<string, unknown> =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const text = (key: string): string | undefined =>
      typeof fields[key] === 'string' ? (fields[key] as string) : undefined;
    // Only these known fields are read: a non-JSON body (an HTML error page from a proxy, say)
    // and the status text are never copied into the message, as they may echo the request.
    super(text('description') ?? text('message') ?? text('error_description') ?? `HTTP ${response.status}`);
    this.status = response.status;
    this.code = typeof fields.code === 'number' ? fields.code : (text('code') ?? text('error'));
    this.errorCode = text('error_code');
    this.requestId = response.headers.get('X-VCAP-Request-ID') ?? response.headers.get('X-Request-Id') ?? undefined;
  }

  /** `JSON.stringify` of an Error drops `message` (not enumerable); keep it in logs. */
  toJSON() {
    return { ...this, message: this.message };
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
