import { documentedResponse, exampleNames, type Operation } from '../contract.js';
import type { Reply } from './reply.js';

// Cloud Controller does not validate `username` and `origin`: it hands them to its UAA lookup
// as the body holds them (UaaOriginValidator, then id_for_username). The lookup finds nobody
// for a username that is not a string, nor for an origin that is not a string; an origin that
// is not "present" in Rails' sense (null, false, "", whitespace, [] or {}) counts as no origin.
// An operation takes part when its 404 documents the lookup's examples by these names.
const notFound = 404;
const examples = {
  userNotFound: 'UserNotFound',
  withoutUsername: 'UserNotFoundWithoutUsername',
  withOriginNotFound: 'UserWithOriginNotFound',
} as const;

/** The lookup stage of one operation: the documented 404 for a body the lookup finds nobody for. */
export type UserLookup = (body: unknown) => { reply: Reply } | { body: unknown };

const isPresent = (value: unknown) =>
  typeof value === 'string'
    ? value.trim() !== ''
    : value !== null &&
      value !== undefined &&
      value !== false &&
      (typeof value !== 'object' || Object.keys(value).length > 0);

/** The operation's lookup stage, or undefined when its contract documents no such lookup. */
export function createUserLookup(operation: Operation): UserLookup | undefined {
  const names = exampleNames(operation, notFound);
  if (!Object.values(examples).every((name) => names.includes(name))) return undefined;
  const reply = (example: string): { reply: Reply } => ({
    reply: documentedResponse(operation, { status: notFound, example }),
  });
  const replies = {
    userNotFound: reply(examples.userNotFound),
    withoutUsername: reply(examples.withoutUsername),
    withOriginNotFound: reply(examples.withOriginNotFound),
  };
  return (body) => {
    // Not an object: the contract's schema (Prism) rejects it as Cloud Controller does.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body };
    const { username, origin, ...rest } = body as Record<string, unknown>;
    if (isPresent(origin) && (typeof origin !== 'string' || typeof username !== 'string'))
      return replies.withOriginNotFound;
    if (username === undefined || username === null) return replies.withoutUsername;
    if (typeof username !== 'string') return replies.userNotFound;
    // An origin that is not a string and not present is no origin: Prism need not see it.
    return {
      body: origin === undefined || origin === null || typeof origin === 'string' ? body : { ...rest, username },
    };
  };
}
