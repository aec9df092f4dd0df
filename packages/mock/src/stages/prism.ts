import { createLogger } from '@stoplight/prism-core';
import { createInstance, type IHttpConfig, type IHttpRequest, type IHttpResponse } from '@stoplight/prism-http';
import type { ApiPolicy, ExampleRef, Operation } from '../contract.js';
import type { Preferences } from './prefer.js';
import { problem, type Reply, type Violation } from './reply.js';

/**
 * The Prism stage: Prism (embedded) validates the request against the contract and mocks the
 * answer. A request that breaks the contract gets the API's documented error for that kind
 * of violation, with Prism's findings in `sl-violations`.
 */
export function createPrismStage(options: {
  dynamic: boolean;
  documented: (operation: Operation, ref: ExampleRef) => Reply;
}) {
  const config: IHttpConfig = {
    isProxy: false,
    validateRequest: true,
    // The mock answers with the contract's own examples; the contract tests check those.
    validateResponse: false,
    // Prism 5.14 refuses a lowercase `bearer` scheme; the auth stage checks tokens instead.
    checkSecurity: false,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: options.dynamic },
  };
  const prism = createInstance(config, { logger: createLogger('MOCK', { level: 'silent' }) });

  return async function askPrism(
    input: IHttpRequest,
    operation: Operation,
    dialect: ApiPolicy,
    preferences: Preferences,
  ): Promise<Reply> {
    // Prism routes over the operations it is given: handing it only this one saves most of its time.
    const result = await prism.request(input, [operation], { ...config, mock: { ...config.mock, ...preferences } })();
    if (result._tag === 'Left') return problem(result.left);
    const { output, validations } = result.right;
    const errors = validations.input.filter((v) => v.severity === 0);
    if (errors.length === 0) return fromPrism(output);
    const violations: Violation[] = errors.map((e) => ({
      location: ['request', ...(e.path ?? [])],
      code: e.code,
      message: e.message,
    }));
    const ref = errors.some((e) => e.path?.[0] === 'path') ? dialect.invalidPathParameter : dialect.invalidRequest;
    // Without a documented answer for this kind of error, Prism's own pick (the first 400 example) stands.
    return { ...(ref ? options.documented(operation, ref) : fromPrism(output)), violations };
  };
}

/** Prism's answer as sent: no body and no content type on 204. */
function fromPrism(output: IHttpResponse): Reply {
  const { 'Content-type': contentType, ...headers } = (output.headers ?? {}) as Record<string, string | number>;
  if (output.statusCode === 204 || output.body === undefined)
    return { status: output.statusCode, headers, body: undefined };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return {
    status: output.statusCode,
    headers,
    body: typeof output.body === 'string' ? output.body : JSON.stringify(output.body),
  };
}
