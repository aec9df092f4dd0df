import { requiresToken, type ApiPolicy, type ExampleRef, type Operation } from '../contract.js';

/** A bearer token in any letter case (`bearer` is what the cf CLI sends); its content is not checked. */
const bearerToken = /^bearer +\S/i;
/** HTTP Basic credentials (the cf CLI authenticates as client `cf` with an empty secret: `Basic Y2Y6`). */
const basicCredentials = /^basic +\S/i;

type Scheme = Operation['security'] extends Array<Array<infer S>> | undefined ? S : never;

/** Whether the header carries what the scheme asks for (bearer token or Basic credentials). */
function satisfies(scheme: Scheme, authorization: string): boolean {
  if (scheme.type === 'http' && scheme.scheme.toLowerCase() === 'basic') return basicCredentials.test(authorization);
  return bearerToken.test(authorization);
}

/**
 * The auth stage: the dialect's documented 401 for an operation that needs credentials and got
 * none of the kind one of its security requirements names (no `Authorization`, or another
 * scheme); undefined when the request may go on.
 */
export function checkToken(
  operation: Operation,
  dialect: ApiPolicy,
  authorization: string | undefined,
): ExampleRef | undefined {
  if (!requiresToken(operation)) return undefined;
  const header = authorization ?? '';
  const alternatives = operation.security ?? [];
  if (alternatives.some((schemes) => schemes.every((scheme) => satisfies(scheme, header)))) return undefined;
  return dialect.missingToken;
}
