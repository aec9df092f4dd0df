import { recordCredentials } from './credentials.js';
import { ApiError, ResponseParseError } from './errors.js';
import type { Fetch, TokenProvider } from './transport.js';

export interface ClientCredentialsOptions {
  /** The token endpoint, e.g. `https://auth.control.aerospike.cloud/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for; omitted by default (the credentials' own scopes apply). */
  scope?: string;
  /** Fetch a new token this many seconds before the current one expires (default 60). */
  refreshBeforeExpirySeconds?: number;
}

/**
 * OAuth2 client-credentials grant (as the Aerospike Cloud API uses it): POSTs
 * `{client_id, client_secret, grant_type}` as JSON to the token URL and caches the token until
 * shortly before `expires_in`. Concurrent requests share one token request.
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenProvider {
  const { tokenUrl, clientId, clientSecret, scope, refreshBeforeExpirySeconds = 60 } = options;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function requestToken(fetch: Fetch): Promise<string> {
    const response = await fetch(
      new Request(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          scope,
        }),
      }),
    );
    // The endpoint may echo the secret: errors made from its answer cut it out.
    recordCredentials(response, [clientSecret]);
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response, body);
    const { access_token: token, expires_in: expiresIn } = (body ?? {}) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    // Not JSON, or JSON without a token.
    if (typeof token !== 'string' || !token) throw new ResponseParseError(response);
    // Without a usable expires_in the token serves the requests waiting for it, and no later ones.
    const seconds = Number(expiresIn) || 0;
    const lifetime = seconds - Math.min(refreshBeforeExpirySeconds, seconds / 2);
    cached = { token, expiresAt: Date.now() + lifetime * 1000 };
    return token;
  }

  const provider: TokenProvider = ({ rejectedToken, fetch }) => {
    if (cached && cached.token !== rejectedToken && Date.now() < cached.expiresAt) return cached.token;
    return (pending ??= requestToken(fetch).finally(() => (pending = undefined)));
  };
  // The API's answers may echo the secret too: the transport cuts it out of their errors.
  recordCredentials(provider, [clientSecret]);
  return provider;
}
