import { NOT_FOUND, type IHttpConfig, type IHttpRequest } from '@stoplight/prism-http';
// Prism's own reading of `Prefer` / `__code`; the package exports only its server, whose
// request pipeline this mock replaces, so the helper is imported from its file.
import { getHttpConfigFromRequest } from '@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js';
import { exampleNames, lowestSuccess, type Operation } from '../contract.js';
import { problem, problemFrom, type Reply } from './reply.js';

/** What a request asks Prism's mocker for: a status, a named example, generated bodies. */
export type Preferences = Partial<IHttpConfig['mock']>;

/**
 * The Prefer stage: reads `Prefer: code=…, example=…, dynamic=…` (or `?__code=…&__example=…`)
 * as Prism does, and refuses an example the chosen status does not have, naming those it has
 * (Prism would answer 500, or silently another response).
 */
export function readPreferences(
  input: IHttpRequest,
  operation: Operation,
): { preferences: Preferences } | { reply: Reply } {
  const preferences = getHttpConfigFromRequest(input);
  if (preferences._tag === 'Left') return { reply: problem(preferences.left) };
  const { code, exampleKey } = preferences.right;
  if (exampleKey !== undefined) {
    const status = code ?? lowestSuccess(operation);
    const names = exampleNames(operation, status);
    if (!names.includes(exampleKey)) {
      const known = names.length ? `; its examples: ${names.join(', ')}.` : '; it has no examples.';
      return {
        reply: problemFrom(
          NOT_FOUND,
          `Response ${status} of ${operation.iid} has no example named "${exampleKey}"${known}`,
        ),
      };
    }
  }
  const chosen: Preferences = {};
  for (const [key, value] of Object.entries(preferences.right))
    if (value !== undefined) (chosen as Record<string, unknown>)[key] = value;
  return { preferences: chosen };
}
