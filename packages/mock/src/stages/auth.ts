import { requiresToken, type ApiPolicy, type ExampleRef, type Operation } from '../contract.js';

/** A bearer token in any letter case (`bearer` is what the cf CLI sends); its content is not checked. */
const bearerToken = /^bearer +\S/i;

/**
 * The auth stage: the dialect's documented 401 for an operation that needs a token and got
 * none (no `Authorization`, or another scheme); undefined when the request may go on.
 */
export function checkToken(
  operation: Operation,
  dialect: ApiPolicy,
  authorization: string | undefined,
): ExampleRef | undefined {
  if (!requiresToken(operation) || bearerToken.test(authorization ?? '')) return undefined;
  return dialect.missingToken;
}
