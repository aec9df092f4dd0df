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
    if (result._tag === 'Left') {
      // An operation without a 400 or 422 gets Prism's 422 problem for an invalid request: the
      // API's documented answer to that kind of error, where it has one, goes out instead.
      const rejected = documentedRejection(rejectedInput(result.left), operation, dialect);
      return rejected ?? problem(result.left);
    }
    const { output, validations } = result.right;
    const errors = validations.input.filter((v) => v.severity === 0);
    if (errors.length === 0) return fromPrism(output);
    // Without a documented answer for this kind of error, Prism's own pick (the first 400 example) stands.
    return (
      documentedRejection(errors, operation, dialect) ?? { ...fromPrism(output), violations: violationsOf(errors) }
    );
  };

  function documentedRejection(errors: InputError[], operation: Operation, dialect: ApiPolicy): Reply | undefined {
    if (errors.length === 0) return undefined;
    const ref = errors.some((e) => e.path?.[0] === 'path') ? dialect.invalidPathParameter : dialect.invalidRequest;
    return ref ? { ...options.documented(operation, ref), violations: violationsOf(errors) } : undefined;
  }
}

/** One finding of Prism's request validation. */
interface InputError {
  path?: readonly (string | number)[];
  code?: string | number;
  message: string;
  severity?: number;
}

function violationsOf(errors: InputError[]): Violation[] {
  return errors.map((e) => ({
    location: ['request', ...(e.path ?? []).map(String)],
    code: e.code,
    message: e.message,
  }));
}

/** The findings of Prism's 422 for an invalid request (`additional.validation`), none for other errors. */
function rejectedInput(error: unknown): InputError[] {
  const additional = (error as { additional?: { validation?: unknown } }).additional;
  const validation = Array.isArray(additional?.validation) ? (additional.validation as unknown[]) : [];
  return validation.flatMap((entry) => {
    const { location, code, message, severity } = entry as {
      location?: unknown;
      code?: string | number;
      message?: unknown;
      severity?: unknown;
    };
    if (!Array.isArray(location) || typeof message !== 'string') return [];
    // Prism's 422 names the location the way a violation does; severity comes as its name.
    if (severity !== undefined && severity !== 'Error' && severity !== 0) return [];
    return [{ path: location as (string | number)[], ...(code === undefined ? {} : { code }), message }];
  });
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
